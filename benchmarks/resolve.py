"""Entity resolution speed: 1,000,000 person records on DuckDB, screening latency, Spark.

    python -m benchmarks.resolve bench-data/resolve --records 1000000 --spark-records 20000

Person records are generated straight into a workspace's lake (the simulator's
people would need a city of ~50,000 persons and 100 million pings for this many):
persons with valid numbers, names (``simulate.names``) and phones, seen 1-8 times
across the eight person-naming sources, damaged at the simulator's rates (numbers
mistyped 1.5%, legacy 1%, blank 1%; names written as a homophone or variant 1%).
Reports time and peak memory of ``tianluo.resolve.resolve`` (training included),
pairwise precision and recall against the generated truth, screening latency over
2,000 queries (p50, p99), and the same resolution on Spark local mode.
Targets: 1M records < 3 min and < 8 GiB; lookup p99 < 20 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.engine import open_engine
from tianluo.evaluate.metrics import pairwise_precision_recall
from tianluo.model.idnumber import parse, statuses, to_legacy
from tianluo.resolve import resolve
from tianluo.resolve.lookup import ScreeningIndex
from tianluo.resolve.records import PERSON_SOURCES
from tianluo.simulate.dirty import mistype
from tianluo.simulate.identity import id_numbers, unique_phones
from tianluo.simulate.names import random_names, written_variant
from tianluo.workspace import Workspace

SOURCE_SHARE = {  # of the records, roughly as in a simulated city
    "access_events": 0.45,
    "phones": 0.15,
    "accounts": 0.15,
    "assets": 0.08,
    "rentals": 0.07,
    "bookings": 0.06,
    "seizures": 0.02,
    "defaulters": 0.02,
}
REGIONS = np.array(["450102", "450103", "450105", "450107", "430104", "431223", "360102"])


def _people(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    birth = (np.datetime64("1950-01-01") + rng.integers(0, 20000, n)).astype("datetime64[D]")
    region = REGIONS[rng.integers(0, len(REGIONS), n)]
    return {
        "id": id_numbers(region, birth, sex, rng),
        "name": random_names(sex, rng.random(n) < 0.6, rng),
        "phone": unique_phones(n, rng),
    }


def _dirty_number(number: str, draw: float, rng: np.random.Generator) -> str | None:
    if draw < 0.015:
        return mistype(number, rng)
    if draw < 0.025 and number[6:8] == "19":
        return to_legacy(number)
    if draw < 0.035:
        return None
    return number


def generate(workspace: Workspace, records: int, seed: int) -> dict[tuple[str, str], str]:
    """Write ``records`` person records into the lake; return the truth (record -> person)."""
    rng = np.random.default_rng(seed)
    persons = max(records // 4, 10)
    people = _people(persons, rng)
    truth: dict[tuple[str, str], str] = {}
    for source, share in SOURCE_SHARE.items():
        count = int(records * share)
        who = rng.integers(0, persons, count)
        spec = PERSON_SOURCES[source]
        draws = rng.random((count, 2))
        numbers = [
            _dirty_number(people["id"][w], d, rng) for w, d in zip(who, draws[:, 0], strict=True)
        ]
        names = [
            written_variant(people["name"][w], rng) if d < 0.01 else people["name"][w]
            for w, d in zip(who, draws[:, 1], strict=True)
        ]
        ids = [f"{source[:2].upper()}{i:09d}" for i in range(count)]
        if source == "phones":  # a subscription is named by its phone
            ids = list(people["phone"][who])
            ids = [f"{p[:-1]}{i % 10}" if i >= persons else p for i, p in enumerate(ids)]
        parsed = [parse(n) for n in numbers]
        columns: dict[str, Any] = {
            spec.record_id: ids,
            spec.id_number: [p.number for p in parsed],
            f"{spec.id_number}_status": statuses(
                pa.array([(n or "").upper() for n in numbers], pa.string())
            ),
        }
        if spec.name:
            columns[spec.name] = names
        if spec.phone:
            keep = rng.random(count) < (1.0 if source == "phones" else 0.3)
            columns[spec.phone] = [
                p if k else None
                for p, k in zip(
                    ids if source == "phones" else people["phone"][who], keep, strict=True
                )
            ]
        if spec.seen_at:
            columns[spec.seen_at] = pa.array(
                [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * count, pa.timestamp("us", tz="UTC")
            )
        table = pa.table(columns)
        folder = workspace.lake_dir(source) / "load=B0001"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-0.parquet")
        truth.update({(source, i): people["id"][w] for i, w in zip(ids, who, strict=True)})
    return truth


def _quality(workspace: Workspace, truth: dict[tuple[str, str], str]) -> dict[str, float | None]:
    table = pq.read_table(workspace.result_path("person_keys"))
    rows = zip(
        *(table.column(c).to_pylist() for c in ("source", "record_id", "person_key")), strict=True
    )
    predicted = {(s, r): k for s, r, k in rows}
    precision, recall = pairwise_precision_recall(predicted, truth)
    return {"pairwise_precision": precision, "pairwise_recall": recall}


def _peak_gib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def duckdb_run(root: Path, records: int) -> tuple[dict[str, Any], Workspace]:
    shutil.rmtree(root, ignore_errors=True)
    workspace = Workspace.at(root)
    truth = generate(workspace, records, seed=7)
    started = time.perf_counter()
    with open_engine(workspace) as engine:
        report = resolve(engine)
    seconds = round(time.perf_counter() - started, 1)
    return {
        "records": report.records,
        "evidence": report.evidence,
        "nodes": report.nodes,
        "persons": report.persons,
        "seconds": seconds,
        "peak_rss_gib": _peak_gib(),
        **_quality(workspace, truth),
    }, workspace


def lookup_run(workspace: Workspace, queries: int = 2000) -> dict[str, Any]:
    started = time.perf_counter()
    index = ScreeningIndex(workspace)
    build = round(time.perf_counter() - started, 1)
    records = pq.read_table(workspace.derived_path("person_records"))
    rng = np.random.default_rng(3)
    picks = records.take(pa.array(rng.integers(0, records.num_rows, queries)))
    latencies = []
    for row in picks.to_pylist():
        kind = len(latencies) % 4
        query = (
            {"id_number": row["id_number"]}
            if kind == 0 and row["id_number"]
            else {"phone": row["phone"]}
            if kind == 1 and row["phone"]
            else {"name": row["name"]}
            if kind == 2 and row["name"]
            else {"name": row["name"], "id_number": row["id_number"], "phone": row["phone"]}
        )
        started = time.perf_counter()
        index.search(**query)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "index_build_seconds": build,
        "queries": queries,
        "p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
    }


def spark_run(root: Path, records: int) -> dict[str, Any]:
    from tianluo.engine.spark_engine import spark_session  # noqa: PLC0415 - Spark only

    figures: dict[str, Any] = {}
    keys = {}
    for kind in ("duckdb", "spark"):
        shutil.rmtree(root / kind, ignore_errors=True)
        workspace = Workspace.at(root / kind)
        truth = generate(workspace, records, seed=11)
        session = spark_session() if kind == "spark" else None
        started = time.perf_counter()
        with open_engine(workspace, kind, spark=session) as engine:
            resolve(engine)
        figures[kind] = {
            "seconds": round(time.perf_counter() - started, 1),
            **_quality(workspace, truth),
        }
        table = pq.read_table(workspace.result_path("person_keys"))
        keys[kind] = set(
            zip(
                *(table.column(c).to_pylist() for c in ("source", "record_id", "person_key")),
                strict=True,
            )
        )
    figures["same_keys_share"] = round(
        len(keys["duckdb"] & keys["spark"]) / max(len(keys["duckdb"]), 1), 4
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--spark-records", type=int, default=20_000)
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    figures["duckdb"], workspace = duckdb_run(args.data / "duckdb", args.records)
    figures["lookup"] = lookup_run(workspace)
    if args.spark_records:
        figures["spark_local"] = spark_run(args.data / "spark", args.spark_records)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

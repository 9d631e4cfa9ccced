"""Benchmark: the daily presence query on DuckDB over a workspace's lake.

    python -m benchmarks.presence WORKSPACE

Target (the foundation issue): 100 million pings against 2,000 sites in under
60 s and under 8 GiB peak memory on the reference machine. ``run`` reports wall
time per phase (the per-cell lookup, then the join and aggregation written to
``derived/presence_daily.parquet``), rows in and out, distinct grid cells, and the
process's peak resident memory during the run (Linux: the high-water mark is reset
first, so what was used before the run does not count). The machine may be shared:
the figures carry the load average before and after the run and the CPU seconds the
process used, which other work on the machine inflates far less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from tianluo.detectors.presence import PresenceSettings, daily_presence
from tianluo.engine import EngineSettings, open_engine
from tianluo.workspace import Workspace

GIB = 1 << 30


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark for this process (Linux); False where unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_bytes() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _rows(files: list[Path]) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def run(
    workspace: Workspace,
    *,
    settings: PresenceSettings | None = None,
    engine_settings: EngineSettings | None = None,
) -> dict[str, Any]:
    """Time the presence query on DuckDB and return the figures (as JSON-ready values)."""
    peak_reset = _reset_peak_rss()
    load_before = _load()
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    with open_engine(workspace, "duckdb", settings=engine_settings) as engine:
        query = daily_presence(engine, settings)
        lookup_done = time.perf_counter()
        path = engine.write_parquet(query, workspace.derived_path("presence_daily"))
        finished = time.perf_counter()
        cpu_seconds = _cpu_seconds() - cpu_started
        cells = engine.to_arrow(engine.backend.table("presence_cells").count().as_table())
    return {
        "benchmark": "presence",
        "engine": "duckdb",
        "pings": _rows(workspace.lake_files("pings")),
        "sites": _rows(workspace.lake_files("sites")),
        "grid_cells": cells.column(0)[0].as_py(),
        "rows_out": pq.ParquetFile(path).metadata.num_rows,
        "seconds_lookup": round(lookup_done - started, 2),
        "seconds_aggregate": round(finished - lookup_done, 2),
        "seconds": round(finished - started, 2),
        "peak_rss_gib": round(_peak_rss_bytes() / GIB, 2),
        "peak_rss_is_for_this_run": peak_reset,
        "cpu_seconds": round(cpu_seconds, 1),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": _load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    args = parser.parse_args()
    print(json.dumps(run(Workspace.at(args.workspace, create=False)), indent=2))


if __name__ == "__main__":
    main()

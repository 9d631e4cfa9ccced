"""Time `tianluo ingest` of one feed into a fresh workspace: rows per second and peak memory.

python -m benchmarks.ingest FEED_DIR WORKSPACE --label parquet
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from tianluo.ingest import load_feed
from tianluo.workspace import Workspace


def _cpu_seconds() -> tuple[float, float]:
    """User and system CPU seconds of every thread of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def run(feed: Path, workspace: Path, label: str) -> dict[str, Any]:
    """Load ``feed`` into an emptied ``workspace`` and return the figures.

    The machine may be shared: the load average before and after, and the CPU
    seconds this process used, say how far the wall-clock figures can be trusted.
    """
    shutil.rmtree(workspace, ignore_errors=True)
    load_before = os.getloadavg()
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    report = load_feed(feed, Workspace.at(workspace))
    seconds = time.perf_counter() - started
    user, system = (now - then for now, then in zip(_cpu_seconds(), cpu_started, strict=True))
    cpu = user + system
    per_source = {s.source: s.rows_read for s in report.sources}
    pings = next((s for s in report.sources if s.source == "pings"), None)
    return {
        "benchmark": f"ingest_{label}",
        "rows_read": report.rows_read,
        "rows_kept": report.rows_kept,
        "rows_by_source": per_source,
        "seconds": round(seconds, 2),
        "rows_per_second": round(report.rows_read / seconds),
        "pings_seconds": pings.seconds if pings else None,
        "pings_per_second": round(pings.rows_read / pings.seconds) if pings else None,
        "cpu_seconds": round(cpu, 1),
        # mostly the kernel giving out fresh pages and copying the lake into the page cache
        "cpu_system_seconds": round(system, 1),
        "cpu_seconds_per_million_rows": round(cpu / report.rows_read * 1e6, 3),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed", type=Path)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--label", default="feed")
    args = parser.parse_args()
    print(json.dumps(run(args.feed, args.workspace, args.label), indent=2))


if __name__ == "__main__":
    main()

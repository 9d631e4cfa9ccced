"""Time `tianluo ingest` of one feed into a fresh workspace: rows per second and peak memory.

python -m benchmarks.ingest FEED_DIR WORKSPACE --label parquet
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from tianluo.ingest import load_feed
from tianluo.workspace import Workspace


def run(feed: Path, workspace: Path, label: str) -> dict[str, Any]:
    """Load ``feed`` into an emptied ``workspace`` and return the figures."""
    shutil.rmtree(workspace, ignore_errors=True)
    started = time.perf_counter()
    report = load_feed(feed, Workspace.at(workspace))
    seconds = time.perf_counter() - started
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

"""Benchmark of the city simulator: wall time, peak memory and rows per source.

PYTHONPATH=src python benchmarks/simulate.py OUT_DIR --persons 1000000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from tianluo.simulate import simulate_city


def run(out_dir: Path, persons: int, seed: int, **options: Any) -> dict[str, Any]:
    """Simulate one city and measure it: seconds, peak RSS (MiB), rows per source."""
    started = time.perf_counter()
    summary = simulate_city(Path(out_dir), persons, seed, **options)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss  # KiB on Linux
    size = sum(p.stat().st_size for p in Path(out_dir).rglob("*") if p.is_file())
    return {
        "persons": persons,
        "seed": seed,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),  # wall time on a shared box lies
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "bytes_written": size,
        "rows": summary.rows,
        "pings": summary.rows.get("pings", 0),
        "participants": summary.participants,
        "organizations": summary.organizations,
        "dens": summary.dens,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.out_dir, args.persons, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

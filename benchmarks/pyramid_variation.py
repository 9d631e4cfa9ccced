"""How the pyramid scores move when the simulator's knobs move (issue #4).

    python -m benchmarks.pyramid_variation --data bench-data [--persons 20000] [--seed 7]

One 20,000-person city per scenario of ``tianluo.evaluate.scenario.SCENARIOS``
(den sizes, tree shapes, cash fees, recruits never phoned), loaded and run
through the pyramid detectors on DuckDB, scored against its truth. Prints JSON:
per scenario, the figures and their change from the defaults.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from tianluo.evaluate.scenario import SCENARIOS, pyramid_scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    base: dict[str, float | int | None] = {}
    for number, scenario in enumerate(SCENARIOS):
        work = args.data / f"variation-{number}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        started = time.perf_counter()
        scores = pyramid_scores(work, scenario, args.persons, args.seed)
        seconds = round(time.perf_counter() - started, 1)
        shutil.rmtree(work, ignore_errors=True)
        base = base or scores
        change = {
            name: round(float(value) - float(base[name] or 0.0), 4)
            for name, value in scores.items()
            if isinstance(value, float) and isinstance(base.get(name), float)
        }
        rows.append(
            {
                "scenario": scenario.name,
                "changed": {
                    k: list(v) if isinstance(v, tuple) else v for k, v in scenario.pyramid.items()
                },
                "scores": {
                    k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()
                },
                "change_from_defaults": change,
                "seconds": seconds,
            }
        )
    print(json.dumps({"persons": args.persons, "seed": args.seed, "scenarios": rows}))


if __name__ == "__main__":
    main()

"""Fraud detectors on simulated cities: ROC AUC of numbers and mules, trace recall and error.

    python -m benchmarks.fraud_quality --persons 20000 --seeds 7,8,9 --data bench-data

Each seed: simulate, ingest, run the fraud detectors only (the pyramid ones are
not needed), and score against the city's truth/ with ``tianluo.evaluate``.
Prints one JSON object (figures per seed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from tianluo.detectors.fraud import FRAUD_DETECTORS
from tianluo.engine import open_engine
from tianluo.evaluate.fraud import evaluate_fraud_numbers, evaluate_mule_accounts
from tianluo.evaluate.traces import evaluate_traces
from tianluo.ingest import load_feed
from tianluo.rules import load_rules
from tianluo.simulate import simulate_city
from tianluo.workspace import Workspace


def one_city(persons: int, seed: int, data: Path) -> dict[str, Any]:
    """Simulate, ingest, detect and score one city."""
    feed = data / f"fraud-city-{persons}-{seed}"
    if not (feed / "truth").exists():
        simulate_city(feed, persons, seed)
    workspace = Workspace.at(data / f"fraud-ws-{persons}-{seed}")
    if not workspace.has_source("transactions"):
        load_feed(feed, workspace)
    rules = load_rules()
    started = time.perf_counter()
    with open_engine(workspace, "duckdb") as engine:
        for detector in FRAUD_DETECTORS:
            detector.run(engine, rules)
    seconds = time.perf_counter() - started
    numbers = evaluate_fraud_numbers(feed, workspace)
    mules = evaluate_mule_accounts(feed, workspace)
    traces = evaluate_traces(feed, workspace)
    return {
        "seed": seed,
        "persons": persons,
        "detector_seconds": round(seconds, 1),
        "fraud_numbers": numbers.scores.model_dump() if numbers.scores else numbers.note,
        "mule_accounts": mules.scores.model_dump() if mules.scores else mules.note,
        "traces": traces.model_dump(exclude={"status", "note"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seeds", default="7,8,9")
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    cities = [one_city(args.persons, int(s), args.data) for s in args.seeds.split(",")]
    print(json.dumps({"fraud_quality": cities}, indent=2, default=str))


if __name__ == "__main__":
    main()

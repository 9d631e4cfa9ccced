"""Fraud-number and mule scoring at scale on DuckDB: 10 million transfers, 50 million calls.

    python -m benchmarks.fraud_scoring --calls 50000000 --transfers 10000000 --data bench-data

Writes a synthetic lake (``phones``, ``calls``, ``accounts``, ``transactions``) of a
city of ``--persons`` people who call about ten acquaintances, plus fraud SIMs
dialling strangers, then times the fraud detectors of ``tianluo run`` on DuckDB:
the trace index (no reports: nothing to trace, the index is still built), fraud
numbers, mule accounts and victim warnings. Target: numbers + mules < 5 minutes.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tianluo.detectors.fraud import FRAUD_DETECTORS
from tianluo.engine import open_engine
from tianluo.rules import load_rules
from tianluo.workspace import Workspace

START_US = 1_772_323_200 * 1_000_000  # 2026-03-01 00:00 UTC
DAY_US = 86_400 * 1_000_000
CHUNK = 5_000_000


def _text(values: np.ndarray, prefix: str = "") -> pa.Array:
    digits = pc.cast(pa.array(values), pa.string())
    return pc.binary_join_element_wise(prefix, digits, "") if prefix else digits


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.timestamp("us", tz="UTC"))


def _write(workspace: Workspace, source: str, part: int, table: pa.Table) -> None:
    path = workspace.lake_dir(source) / "load=BENCH" / f"part-{part:03d}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def write_lake(workspace: Workspace, persons: int, calls: int, transfers: int, seed: int) -> None:
    """The synthetic city's sources."""
    rng = np.random.default_rng(seed)
    sims = 300
    phone = 13_000_000_000 + np.arange(persons + sims)
    _write(
        workspace,
        "phones",
        0,
        pa.table(
            {
                "phone": _text(phone),
                "id_number": _text(np.arange(persons + sims), "450103199001"),
                "id_number_status": pa.array(["valid"] * (persons + sims)),
                "activated_at": _ts(START_US - rng.integers(1, 3000, persons + sims) * DAY_US),
            }
        ),
    )
    fraud_calls = sims * 3000
    written = 0
    part = 0
    while written < calls:
        n = min(CHUNK, calls - written)
        caller = rng.integers(0, persons, n)
        callee = (caller + rng.integers(1, 11, n)) % persons
        if part == 0:  # the fraud SIMs dial strangers
            caller[:fraud_calls] = persons + rng.integers(0, sims, fraud_calls)
            callee[:fraud_calls] = rng.integers(0, persons, fraud_calls)
        duration = np.where(rng.random(n) < 0.15, 0, rng.exponential(75, n).astype(np.int64) + 1)
        _write(
            workspace,
            "calls",
            part,
            pa.table(
                {
                    "caller": _text(phone[caller]),
                    "callee": _text(phone[callee]),
                    "ts": _ts(START_US + rng.integers(0, 60 * DAY_US, n)),
                    "duration_s": pa.array(duration, pa.int64()),
                    "caller_imei": _text(caller, "86"),
                }
            ),
        )
        written += n
        part += 1
    accounts = int(persons * 1.2)
    _write(
        workspace,
        "accounts",
        0,
        pa.table(
            {
                "account_id": _text(np.arange(accounts), "62220"),
                "holder_id_number": _text(np.arange(accounts) % persons, "450103199001"),
                "opened_at": _ts(START_US - rng.integers(2, 4000, accounts) * DAY_US),
            }
        ),
    )
    written = 0
    part = 0
    while written < transfers:
        n = min(CHUNK, transfers - written)
        payer = rng.integers(0, accounts, n)
        payee = rng.integers(0, accounts, n)
        cash = rng.random(n) < 0.01
        to_text = pc.if_else(
            pa.array(cash), _text(payee % 500, "CASH-ICBC-"), _text(payee, "62220")
        )
        _write(
            workspace,
            "transactions",
            part,
            pa.table(
                {
                    "txn_id": _text(written + np.arange(n), "TX"),
                    "ts": _ts(START_US + rng.integers(0, 60 * DAY_US, n)),
                    "from_account": _text(payer, "62220"),
                    "to_account": to_text,
                    "amount": pa.array(
                        np.round(rng.lognormal(np.log(300), 1.2, n), 2) + 0.01, pa.float64()
                    ),
                }
            ),
        )
        written += n
        part += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=50_000_000)
    parser.add_argument("--transfers", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    root = args.data / f"fraud-scoring-{args.calls}-{args.transfers}"
    shutil.rmtree(root, ignore_errors=True)
    workspace = Workspace.at(root)
    started = time.perf_counter()
    write_lake(workspace, args.persons, args.calls, args.transfers, args.seed)
    figures: dict[str, Any] = {
        "calls": args.calls,
        "transfers": args.transfers,
        "persons": args.persons,
        "generate_s": round(time.perf_counter() - started, 1),
        "detectors_s": {},
    }
    rules = load_rules()
    with open_engine(workspace, "duckdb") as engine:
        for detector in FRAUD_DETECTORS:
            t0 = time.perf_counter()
            detector.run(engine, rules)
            figures["detectors_s"][detector.name] = round(time.perf_counter() - t0, 1)
    seconds = figures["detectors_s"]
    figures["numbers_and_mules_s"] = round(
        seconds["fraud_numbers"] + seconds["mule_accounts"] + seconds["fraud_traces"], 1
    )
    figures["all_fraud_detectors_s"] = round(sum(seconds.values()), 1)
    figures["peak_rss_gib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    print(json.dumps({"fraud_scoring": figures}, indent=2))
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The ``traces`` result: where the money of every transfer victims reported is now.

Runs the fund trace (``tianluo.trace``, first in, first out per account) for each
``txn_id`` listed in ``reports``, on an index of the whole ledger built once.
Besides the contract columns each row carries ``rank`` (the order in which to ask
banks to freeze: largest amount first) and ``path`` (the accounts from the first
receiver to this one). Every account the money passed through is kept in the
derived table ``fraud_reach`` (evidence for the mule score), and every holding of
at least ``alert_min_yuan`` raises a ``freeze`` alert.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from tianluo.detectors.fraud.alerts import write_alerts
from tianluo.detectors.outputs import alert_rows, write_derived
from tianluo.engine import Engine
from tianluo.results import write_result
from tianluo.rules.fraud import FraudRules
from tianluo.trace import (
    FundTrace,
    UnknownTransferError,
    load_index,
    reported_transfers,
    trace_funds,
)

TRACE_SCHEMA = pa.schema(
    [
        ("txn_id", pa.string()),
        ("account_id", pa.string()),
        ("amount", pa.decimal128(18, 2)),
        ("hops", pa.int64()),
        ("rank", pa.int64()),
        ("path", pa.string()),
    ]
)
REACH_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("reports", pa.int64()),
        ("yuan_received", pa.float64()),
        ("min_hops", pa.int64()),
    ]
)
PATH_SEPARATOR = " > "


def trace_reported(engine: Engine, rules: FraudRules) -> list[FundTrace]:
    """The fund trace of every reported transfer present in the ledger."""
    index = load_index(engine)
    found: list[FundTrace] = []
    for txn in reported_transfers(engine):
        try:
            found.append(trace_funds(index, txn, max_pieces=rules.traces.max_pieces))
        except UnknownTransferError:
            continue  # reported but not in the bank data loaded: nothing to trace
    return found


def write_traces(engine: Engine, rules: FraudRules) -> Path:
    """Write ``traces``, ``fraud_reach`` and the freeze alerts; return the result's path."""
    traces = trace_reported(engine, rules)
    rows: dict[str, list[object]] = {name: [] for name in TRACE_SCHEMA.names}
    for found in traces:
        for rank, holding in enumerate(found.holdings, start=1):
            rows["txn_id"].append(found.txn_id)
            rows["account_id"].append(holding.account_id)
            rows["amount"].append(holding.amount)
            rows["hops"].append(holding.hops)
            rows["rank"].append(rank)
            rows["path"].append(PATH_SEPARATOR.join(holding.path))
    path = write_result(engine.workspace, "traces", pa.table(rows, schema=TRACE_SCHEMA))
    reach = _reach(traces)
    write_derived(engine, "fraud_reach", engine.register("fraud_reach", reach))
    write_alerts(engine, "freeze", _freeze_alerts(traces, rules))
    return path


def _reach(traces: list[FundTrace]) -> pa.Table:
    reports: defaultdict[str, int] = defaultdict(int)
    fen: defaultdict[str, int] = defaultdict(int)
    hops: dict[str, int] = {}
    for found in traces:
        for account, received, hop in found.reached:
            reports[account] += 1
            fen[account] += received
            hops[account] = min(hops.get(account, hop), hop)
    accounts = sorted(reports)
    return pa.table(
        {
            "account_id": accounts,
            "reports": [reports[a] for a in accounts],
            "yuan_received": [fen[a] / 100 for a in accounts],
            "min_hops": [hops[a] for a in accounts],
        },
        schema=REACH_SCHEMA,
    )


def _freeze_alerts(traces: list[FundTrace], rules: FraudRules) -> pa.Table:
    ids: list[str] = []
    subjects: list[str] = []
    scores: list[float] = []
    created: list[dt.datetime | None] = []
    reasons: list[str] = []
    least = Decimal(str(rules.traces.alert_min_yuan))
    for found in traces:
        for rank, holding in enumerate(found.holdings, start=1):
            if holding.amount < least:
                continue
            share = holding.amount_fen / found.amount_fen if found.amount_fen else 0.0
            ids.append(f"freeze:{found.txn_id}:{holding.account_id}")
            subjects.append(holding.account_id)
            scores.append(min(1.0, 0.5 + 0.5 * share))
            created.append(dt.datetime.fromtimestamp(holding.arrived_us / 1e6, dt.UTC))
            reasons.append(
                f"freeze rank {rank} for reported transfer {found.txn_id}: holds "
                f"{holding.amount} yuan of its {Decimal(found.amount_fen) / 100:.2f}, "
                f"{holding.hops} hop(s) away via {PATH_SEPARATOR.join(holding.path)}"
            )
    return alert_rows(
        "freeze", subjects=subjects, scores=scores, created_at=created, reasons=reasons, ids=ids
    )

"""Fraud alerts in the contract's ``alerts`` shape, kept in derived ``alerts_fraud_*`` tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from tianluo.detectors.outputs import ALERT_SCHEMA, write_derived
from tianluo.engine import Engine

ALERT_TABLES = {
    "fraud_number": "alerts_fraud_numbers",
    "mule_account": "alerts_fraud_mules",
    "freeze": "alerts_fraud_traces",
    "victim_warning": "alerts_fraud_warnings",
}
"""Each alert kind and the derived table that holds it (one per detector, so that a
detector skipped in a run leaves no stale alerts behind)."""


def alert_rows(
    kind: str,
    *,
    subjects: list[str],
    scores: list[float],
    created_at: list[dt.datetime | None],
    reasons: list[str],
    ids: list[str] | None = None,
) -> pa.Table:
    """Alerts of one kind; ``alert_id`` is ``<kind>:<subject>`` unless ``ids`` are given."""
    alert_ids = ids if ids is not None else [f"{kind}:{s}" for s in subjects]
    return pa.table(
        {
            "alert_id": pa.array(alert_ids, pa.string()),
            "kind": pa.array([kind] * len(subjects), pa.string()),
            "subject": pa.array(subjects, pa.string()),
            "score": pa.array(scores, pa.float64()),
            "created_at": pa.array(created_at, pa.timestamp("us", tz="UTC")),
            "reasons": pa.array(reasons, pa.string()),
        },
        schema=ALERT_SCHEMA,
    )


def write_alerts(engine: Engine, kind: str, alerts: pa.Table) -> Path:
    """Keep one kind's alerts as its derived table."""
    name = ALERT_TABLES[kind]
    return write_derived(engine, name, engine.register(name, alerts.cast(ALERT_SCHEMA)))

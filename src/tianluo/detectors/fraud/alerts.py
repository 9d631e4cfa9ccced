"""Fraud alerts in the contract's ``alerts`` shape, kept in derived ``alerts_fraud_*`` tables."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tianluo.detectors.outputs import ALERT_SCHEMA, write_derived_table
from tianluo.engine import Engine

ALERT_TABLES = {
    "fraud_number": "alerts_fraud_numbers",
    "mule_account": "alerts_fraud_mules",
    "freeze": "alerts_fraud_traces",
    "victim_warning": "alerts_fraud_warnings",
}
"""Each alert kind and the derived table that holds it (one per detector, so that a
detector skipped in a run leaves no stale alerts behind)."""


def write_alerts(engine: Engine, kind: str, alerts: pa.Table) -> Path:
    """Keep one kind's alerts as its derived table."""
    return write_derived_table(engine.workspace, ALERT_TABLES[kind], alerts.cast(ALERT_SCHEMA))

"""Where detectors put what they find: contract results, derived tables, and alerts.

Contract results are small (one row per suspect, den, number ...) and are written
as one Parquet file whatever the engine, through ``tianluo.results``; derived
tables may be large and stay in the engine's own Parquet layout (a directory of
part files on Spark).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.engine import Engine
from tianluo.engine.base import remove_path
from tianluo.results import write_result
from tianluo.workspace import Workspace

ALERTS_PREFIX = "alerts_"
"""Derived tables named ``alerts_<family>`` hold one detector family's alerts."""

ALERT_SCHEMA = pa.schema(
    [
        ("alert_id", pa.string()),
        ("kind", pa.string()),
        ("subject", pa.string()),
        ("score", pa.float64()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("reasons", pa.string()),
    ]
)
"""The contract's ``alerts`` columns with their types.

``alert_id`` must be stable across runs for the same finding (for example
``"<kind>:<subject>"``), so that the service can tell a new alert from one it
already holds; ``created_at`` is when the evidence behind it was last seen.
"""


def write_result_from(engine: Engine, name: str, expr: ir.Table) -> Path:
    """Run ``expr`` and keep its rows as the contract result ``name``."""
    return write_result(engine.workspace, name, engine.to_arrow(expr))


def write_derived(engine: Engine, name: str, expr: ir.Table) -> Path:
    """Run ``expr`` and keep its rows as the derived table ``name``."""
    return engine.write_parquet(expr, engine.workspace.derived_path(name))


def write_derived_table(workspace: Workspace, name: str, table: pa.Table) -> Path:
    """Keep rows computed in Python as the derived table ``name`` (one Parquet file)."""
    path = workspace.derived_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_path(path)
    pq.write_table(table, path)
    return path


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


def read_derived(engine: Engine, name: str) -> ir.Table:
    """A derived table written earlier in this run."""
    return engine.read_parquet(engine.workspace.derived_path(name), name)


def alert_tables(workspace: Workspace) -> list[str]:
    """The names of the derived alert tables present, in name order."""
    if not workspace.derived.exists():
        return []
    return sorted(
        p.name.removesuffix(".parquet") for p in workspace.derived.glob(f"{ALERTS_PREFIX}*.parquet")
    )


def forget_alerts(workspace: Workspace) -> None:
    """Remove the previous run's alert tables, so that a skipped family leaves none behind."""
    for name in alert_tables(workspace):
        remove_path(workspace.derived_path(name))


def gather_alerts(engine: Engine) -> ir.Table:
    """Every family's alerts as one table, highest score first."""
    names = alert_tables(engine.workspace)
    columns = [f.name for f in ALERT_SCHEMA]
    if not names:
        return ibis.memtable(ALERT_SCHEMA.empty_table())
    parts = [read_derived(engine, n).select(*columns) for n in names]
    union = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return union.order_by([ibis.desc("score"), "alert_id"])

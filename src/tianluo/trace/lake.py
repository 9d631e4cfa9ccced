"""The trace index built from a workspace's lake, and the transfers that victims reported."""

from __future__ import annotations

import ibis.expr.types as ir
import pyarrow.compute as pc

from tianluo.engine import Engine
from tianluo.trace.index import TransferIndex, index_from_arrow

LEDGER_COLUMNS = ("txn_id", "ts", "from_account", "to_account", "amount")


def ledger(engine: Engine) -> ir.Table:
    """The transfers the index needs: id, time, payer, payee, amount (positive, not null)."""
    transactions = engine.source("transactions")
    usable = transactions.filter(
        transactions.txn_id.notnull(),
        transactions.ts.notnull(),
        transactions.from_account.notnull(),
        transactions.to_account.notnull(),
        transactions.amount > 0,
    )
    return usable.select(*LEDGER_COLUMNS).distinct()


def load_index(engine: Engine) -> TransferIndex:
    """Read every transfer of the lake once and index it for tracing."""
    return index_from_arrow(engine.to_arrow(ledger(engine)))


def reported_transfers(engine: Engine) -> list[str]:
    """Every transfer named in a victim's report (``reports.txn_id``, ``;``-separated), once each.

    Ids are stripped of blanks; the order is the order of the reports, then of the list.
    """
    if not engine.has_source("reports"):
        return []
    reports = engine.source("reports")
    if "txn_id" not in reports.columns:
        return []
    listed = reports.filter(reports.txn_id.notnull()).order_by(["ts", "report_id"])
    column = engine.to_arrow(listed.select("txn_id"))["txn_id"]
    seen: dict[str, None] = {}
    for text in pc.drop_null(column).to_pylist():
        for part in str(text).split(";"):
            txn = part.strip()
            if txn:
                seen.setdefault(txn, None)
    return list(seen)

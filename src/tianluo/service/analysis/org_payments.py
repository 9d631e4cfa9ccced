"""The money behind an organisation's recruitment links: transfers between member and upline.

Each member's accounts are the ``accounts`` records resolved to them
(``derived/person_records``; without resolution, the accounts whose holder number is
theirs). A link's payment records are the transfers (``transactions``) between an
account of the member and an account of their upline, either way. A transfer is
marked ``fee`` when its amount is on the fee schedule of the rules (a multiple of
the share price up to the maximum, or a listed entry price), the test the detectors
apply (``tianluo.detectors.pyramid.links.is_fee``) and the amounts the evidence cites.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from tianluo.rules.models import SuspectRules
from tianluo.service.analysis.lake import (
    PERSON_RECORDS,
    derived_scan,
    fetch,
    lake_columns,
    lake_scan,
)
from tianluo.workspace import Workspace


def on_fee_schedule(amount: Decimal | float, rules: SuspectRules) -> bool:
    """Whether an amount is an entry fee: share multiples up to the maximum, or a listed price."""
    fen = int((Decimal(str(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    unit = round(rules.fee_unit_yuan * 100)
    if fen > 0 and fen % unit == 0 and fen <= unit * rules.fee_max_units:
        return True
    return fen in {round(a * 100) for a in rules.fee_amounts_yuan}


def listed_refund(amount: Decimal | float, rules: SuspectRules) -> bool:
    """Whether an amount is one of the scheme's listed refunds."""
    fen = int((Decimal(str(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    return fen in {round(a * 100) for a in rules.refund_amounts_yuan}


def member_accounts(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, keys: Iterable[str]
) -> dict[str, str]:
    """Account id → the member who holds it, for the accounts of ``keys``."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    records = derived_scan(workspace, PERSON_RECORDS)
    if records is not None:
        sql = (
            f"SELECT record_id AS account, person_key AS person FROM {records} "
            "WHERE source = 'accounts' AND person_key IN (SELECT unnest(?::VARCHAR[]))"
        )
    else:
        scan = lake_scan(workspace, "accounts")
        if scan is None:
            return {}
        sql = (
            f"SELECT DISTINCT account_id AS account, holder_id_number AS person FROM {scan} "
            "WHERE holder_id_number IN (SELECT unnest(?::VARCHAR[]))"
        )
    return {r["account"]: r["person"] for r in fetch(con, sql, [wanted])}


def link_payments(
    con: duckdb.DuckDBPyConnection,
    workspace: Workspace,
    links: list[tuple[str, str]],
    rules: SuspectRules,
) -> list[dict[str, Any]]:
    """Transfers between each (upline, member) pair of ``links``, oldest first.

    Each row: ``upline``, ``member`` (person keys), ``direction`` (``up``: member to
    upline, ``down``: upline to member), ``txn_id``, ``ts``, ``from_account``,
    ``to_account``, ``amount``, ``fee``, ``refund``, ``channel``, ``memo``.
    """
    scan = lake_scan(workspace, "transactions")
    pairs = {(up, member) for up, member in links}
    if scan is None or not pairs:
        return []
    owner = member_accounts(con, workspace, {p for pair in pairs for p in pair})
    if not owner:
        return []
    present = lake_columns(workspace, "transactions")
    extra = ", ".join(c if c in present else f"NULL::VARCHAR AS {c}" for c in ("channel", "memo"))
    accounts = sorted(owner)
    rows = fetch(
        con,
        f"SELECT DISTINCT txn_id, ts, from_account, to_account, amount, {extra} FROM {scan} "
        "WHERE from_account IN (SELECT unnest(?::VARCHAR[])) "
        "AND to_account IN (SELECT unnest(?::VARCHAR[])) ORDER BY ts, txn_id",
        [accounts, accounts],
    )
    payments = []
    for r in rows:
        payer, payee = owner[r["from_account"]], owner[r["to_account"]]
        if (payee, payer) in pairs:
            upline, member, direction = payee, payer, "up"
        elif (payer, payee) in pairs:
            upline, member, direction = payer, payee, "down"
        else:
            continue
        payments.append(
            {
                "upline": upline,
                "member": member,
                "direction": direction,
                **r,
                "amount": float(r["amount"]),
                "fee": direction == "up" and on_fee_schedule(r["amount"], rules),
                "refund": direction == "down" and listed_refund(r["amount"], rules),
            }
        )
    return payments

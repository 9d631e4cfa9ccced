"""An organisation's recruitment tree, from ``organizations`` and ``org_summary``.

Besides the tree, the workbench shows each member's money (the fee-schedule transfers
paid to their upline and collected from their own recruits, from the detectors'
``derived/transfer_links``) and an evidence pack: for each upline→member link, the
evidence that oriented it and the payment records behind it (``org_payments``).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow.compute as pc

from tianluo.rules.models import SuspectRules
from tianluo.service.analysis.lake import connect, derived_scan, fetch
from tianluo.service.analysis.org_payments import link_payments
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import InvalidInput, NotFound
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

SORTS = ("members", "levels", "funds_collected", "meets_criminal_threshold", "org_id")
"""The columns the list of organisations sorts by."""
ROLES = ("organizer", "leader", "core", "member")


def summaries(
    results: ResultsStore, sort: str = "members", *, descending: bool = True
) -> list[dict[str, Any]]:
    """Every organisation (``org_summary``), largest first unless sorted otherwise."""
    if sort not in SORTS:
        raise InvalidInput(f"sort is one of {', '.join(SORTS)}", field="sort")
    rows = results.rows("org_summary")
    rows.sort(key=lambda r: r["org_id"])  # ties keep the id order either way
    rows.sort(key=lambda r: r[sort], reverse=descending)
    return rows


def public_summary(row: dict[str, Any], masker: Masker) -> dict[str, Any]:
    """A summary row with the organiser masked (and referenced) and the reasons masked."""
    return {
        **row,
        "top_id_number": masker.value(row["top_id_number"]),
        "top_ref": masker.ref(row["top_id_number"]),
        "reasons": masker.text(row.get("reasons")),
    }


def _summary(results: ResultsStore, org_id: str) -> dict[str, Any] | None:
    table = results.table("org_summary")
    if table is None:
        return None
    rows = table.filter(pc.equal(table.column("org_id"), org_id)).to_pylist()
    return rows[0] if rows else None


def _members(results: ResultsStore, org_id: str) -> list[dict[str, Any]]:
    table = results.table("organizations")
    if table is None:
        return []
    rows = table.filter(pc.equal(table.column("org_id"), org_id)).to_pylist()
    return sorted(rows, key=lambda r: (r["level"], r["id_number"]))


def summary(results: ResultsStore, org_id: str, masker: Masker) -> dict[str, Any]:
    """One organisation's summary, masked (``org_summary``)."""
    found = _summary(results, org_id)
    if found is None:
        raise NotFound(f"no organisation {org_id!r}")
    return public_summary(found, masker)


def tree(results: ResultsStore, org_id: str, masker: Masker) -> dict[str, Any]:
    """The summary and the members nested under their uplines, organiser at the root."""
    found = _summary(results, org_id)
    members = _members(results, org_id)
    if found is None and not members:
        raise NotFound(f"no organisation {org_id!r}")
    nodes: dict[str, dict[str, Any]] = {}
    for m in members:
        nodes[m["id_number"]] = {
            "person": masker.value(m["id_number"]),
            "ref": masker.ref(m["id_number"]),
            "level": m["level"],
            "role": m["role"],
            "downline": m.get("downline"),
            "evidence": masker.text(m.get("evidence")),
            "children": [],
        }
    roots: list[dict[str, Any]] = []
    for m in members:
        parent = nodes.get(m["upline_id_number"] or "")
        (parent["children"] if parent else roots).append(nodes[m["id_number"]])
    public = None if found is None else public_summary(found, masker)
    return {"org_id": org_id, "summary": public, "tree": roots}


def _fee_links(
    con: duckdb.DuckDBPyConnection, workspace: Workspace, keys: list[str]
) -> list[dict[str, Any]]:
    """Fee-schedule transfers between the members (``transfer_links``), per payer and payee."""
    scan = derived_scan(workspace, "transfer_links")
    if scan is None:
        return []
    return fetch(
        con,
        f"SELECT payer_key, payee_key, fees, fee_yuan::DOUBLE AS fee_yuan, transfers, "
        f"yuan::DOUBLE AS yuan FROM {scan} "
        "WHERE payer_key IN (SELECT unnest(?::VARCHAR[])) "
        "AND payee_key IN (SELECT unnest(?::VARCHAR[]))",
        [keys, keys],
    )


def members(
    results: ResultsStore, workspace: Workspace, org_id: str, masker: Masker
) -> list[dict[str, Any]]:
    """Each member, level by level: upline, role, downline, recruits, and their money.

    ``paid_upline`` is the fee-schedule yuan the member paid their upline (``fees_to_upline``
    transfers); ``collected`` what their direct recruits paid them the same way. Between
    member and upline: ``transfers_up`` and ``yuan_up`` (all transfers to the upline),
    ``transfers_down`` and ``yuan_down`` (from the upline), as ``derived/transfer_links``
    counts them.
    """
    rows = _members(results, org_id)
    if not rows:
        raise NotFound(f"no organisation {org_id!r}")
    upline = {r["id_number"]: r["upline_id_number"] or None for r in rows}
    with connect() as con:
        pairs = {
            (f["payer_key"], f["payee_key"]): f for f in _fee_links(con, workspace, sorted(upline))
        }
    collected: dict[str, float] = {}
    recruits: dict[str, int] = {}
    for member, up in upline.items():
        if up:
            recruits[up] = recruits.get(up, 0) + 1
            paid = pairs.get((member, up))
            if paid is not None:
                collected[up] = collected.get(up, 0.0) + float(paid["fee_yuan"] or 0.0)
    empty = {"fees": 0, "fee_yuan": 0.0, "transfers": 0, "yuan": 0.0}
    found = []
    for r in rows:
        key, up = r["id_number"], r["upline_id_number"]
        to_up = pairs.get((key, up), empty) if up else empty
        from_up = pairs.get((up, key), empty) if up else empty
        found.append(
            {
                "person": masker.value(key),
                "ref": masker.ref(key),
                "upline": masker.value(up) if up else None,
                "upline_ref": masker.ref(up) if up else None,
                "level": r["level"],
                "role": r["role"],
                "downline": r.get("downline") or 0,
                "recruits": recruits.get(key, 0),
                "fees_to_upline": int(to_up["fees"]),
                "paid_upline": round(float(to_up["fee_yuan"] or 0.0), 2),
                "collected": round(collected.get(key, 0.0), 2),
                "transfers_up": int(to_up["transfers"]),
                "yuan_up": round(float(to_up["yuan"] or 0.0), 2),
                "transfers_down": int(from_up["transfers"]),
                "yuan_down": round(float(from_up["yuan"] or 0.0), 2),
                "evidence": masker.text(r.get("evidence")),
            }
        )
    return found


def evidence(
    results: ResultsStore,
    workspace: Workspace,
    org_id: str,
    masker: Masker,
    rules: SuspectRules,
    *,
    member_ref: str | None = None,
) -> list[dict[str, Any]]:
    """For each upline→member link: the evidence that oriented it and its payment records.

    ``member_ref`` keeps only the link of that member (a reference from ``members``).
    """
    rows = [r for r in _members(results, org_id) if r["upline_id_number"]]
    if member_ref is not None:
        rows = [r for r in rows if masker.ref(r["id_number"]) == member_ref]
        if not rows:
            raise NotFound(f"no member {member_ref!r} with an upline in {org_id!r}")
    links = [(r["upline_id_number"], r["id_number"]) for r in rows]
    with connect() as con:
        payments = link_payments(con, workspace, links, rules)
    by_member: dict[str, list[dict[str, Any]]] = {}
    for p in payments:
        by_member.setdefault(p["member"], []).append(
            {
                "txn_id": p["txn_id"],
                "ts": p["ts"],
                "direction": p["direction"],
                "from_account": masker.account(p["from_account"]),
                "to_account": masker.account(p["to_account"]),
                "amount": p["amount"],
                "fee": p["fee"],
                "refund": p["refund"],
                "channel": p["channel"],
                "memo": masker.text(p["memo"]),
            }
        )
    pack = []
    for r in rows:
        records = by_member.get(r["id_number"], [])
        pack.append(
            {
                "upline": masker.value(r["upline_id_number"]),
                "upline_ref": masker.ref(r["upline_id_number"]),
                "member": masker.value(r["id_number"]),
                "member_ref": masker.ref(r["id_number"]),
                "level": r["level"],
                "role": r["role"],
                "evidence": masker.text(r.get("evidence")),
                "payments": records,
                "paid_up": round(sum(p["amount"] for p in records if p["direction"] == "up"), 2),
                "fees_up": sum(1 for p in records if p["fee"]),
                "paid_down": round(
                    sum(p["amount"] for p in records if p["direction"] == "down"), 2
                ),
            }
        )
    return pack

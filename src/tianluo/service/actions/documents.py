"""What each action says, from the results: the accounts of a trace, the numbers, the people."""

from __future__ import annotations

from typing import Any

import duckdb

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.analysis.traces import account_facts
from tianluo.service.errors import InvalidInput
from tianluo.workspace import Workspace


def freeze_body(
    results: ResultsStore,
    txn_id: str,
    account_ids: list[str] | None,
    workspace: Workspace | None = None,
) -> dict[str, Any]:
    """The accounts holding a traced transfer's money, in freeze order (banks from the lake)."""
    rows = [r for r in results.rows("traces") if r["txn_id"] == txn_id]
    if account_ids:
        rows = [r for r in rows if r["account_id"] in set(account_ids)]
    if not rows:
        raise InvalidInput(f"no traced account for transfer {txn_id!r}", field="txn_id")
    rows.sort(key=lambda r: (r.get("rank") or 0, -float(r["amount"])))
    accounts = [
        {
            "account_id": r["account_id"],
            "amount": float(r["amount"]),
            "hops": int(r["hops"]),
            "rank": r.get("rank"),
            "path": r.get("path"),
        }
        for r in rows
    ]
    if workspace is not None:
        facts = account_facts(workspace, [a["account_id"] for a in accounts])
        for account in accounts:
            account["bank"] = facts.get(account["account_id"], {}).get("bank")
    return {
        "txn_id": txn_id,
        "accounts": accounts,
        "total_amount": round(sum(a["amount"] for a in accounts), 2),
    }


def block_body(results: ResultsStore, phones: list[str]) -> dict[str, Any]:
    scored = {r["phone"]: r for r in results.rows("fraud_numbers")}
    numbers = [
        {
            "phone": p,
            "score": float(scored[p]["score"]) if p in scored else None,
            "reasons": scored[p]["reasons"] if p in scored else "",
        }
        for p in phones
    ]
    return {"numbers": numbers}


def latest_dispositions(workspace: Workspace, id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    """The latest seizure of each person (name, disposition, date), from the lake."""
    files = workspace.lake_files("seizures")
    if not files or not id_numbers:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT id_number, arg_max(name, seized_at), arg_max(disposition, seized_at), "
            "max(seized_at)::VARCHAR FROM read_parquet(?, union_by_name=true) "
            "WHERE id_number IN (SELECT unnest(?)) GROUP BY id_number",
            [[str(f) for f in files], id_numbers],
        ).fetchall()
    return {r[0]: {"name": r[1], "disposition": r[2], "seized_at": r[3]} for r in rows}


def home_notice_body(
    results: ResultsStore, workspace: Workspace, province: str, min_score: float
) -> dict[str, Any]:
    """The participants whose identity numbers come from ``province``, with their dispositions."""
    suspects = {
        r["id_number"]: float(r["score"])
        for r in results.rows("suspects")
        if r["id_number"] and r["id_number"].startswith(province) and float(r["score"]) >= min_score
    }
    seized = latest_dispositions(workspace, sorted(suspects))
    persons = [
        {
            "id_number": n,
            "score": s,
            **seized.get(n, {"name": None, "disposition": None, "seized_at": None}),
        }
        for n, s in sorted(suspects.items(), key=lambda kv: -kv[1])
    ]
    if not persons:
        raise InvalidInput(f"no participant from province {province}", field="province")
    return {"province": province, "persons": persons}


def rental_body(id_number: str, address: str, reason: str) -> dict[str, Any]:
    return {"id_number": id_number, "address": address, "reason": reason}

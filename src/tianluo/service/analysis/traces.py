"""Traced transfers: the list with totals, and one trace's money path with its hops.

The ``traces`` result says where each reported transfer's money is now: one row per
account holding some, with ``rank`` (the order to ask banks to freeze) and ``path`` (the
accounts from the first receiver to it). The lake adds what the result does not carry:
the reported transfer itself (when, from the victim's account, how much), the bank and
holder of each account, and the transfers along each path, which give the hops their
amounts and times. Only the transfers between the accounts of one trace are read.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import NotFound
from tianluo.workspace import Workspace

PATH_SEPARATOR = " > "  # as the trace detector writes ``path``
ACCOUNT_COLUMNS = ("bank", "holder_id_number", "kind")
"""Optional columns of ``accounts`` that the trace shows (read as empty when absent)."""

_CACHE: dict[tuple[Any, ...], Any] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 256


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    """``build()`` once per key: keys carry the result's and the lake's versions."""
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    value = build()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[key] = value
    return value


def _version(results: ResultsStore, workspace: Workspace) -> tuple[Any, ...]:
    """What a cached answer depends on: the result file and the lake's loads (append-only)."""
    lake = tuple(str(f) for s in ("transactions", "accounts") for f in workspace.lake_files(s))
    return (str(workspace.root), results.version("traces"), lake)


def reported_transfers(workspace: Workspace, txn_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The reported transfers as the lake has them: time, payer (the victim), payee, amount."""
    files = [str(f) for f in workspace.lake_files("transactions")]
    if not files or not txn_ids:
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT txn_id, min(ts), arg_min(from_account, ts), arg_min(to_account, ts), "
            "arg_min(amount, ts)::DOUBLE FROM read_parquet(?, union_by_name=true) "
            "WHERE txn_id IN (SELECT unnest(?)) GROUP BY txn_id",
            [files, txn_ids],
        ).fetchall()
    return {
        r[0]: {"at": _utc(r[1]), "from_account": r[2], "to_account": r[3], "amount": r[4]}
        for r in rows
    }


def account_facts(workspace: Workspace, account_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Bank, holder's identity number and kind of each account the lake knows."""
    files = [str(f) for f in workspace.lake_files("accounts")]
    if not files or not account_ids:
        return {}
    with duckdb.connect() as con:
        scan = "SELECT * FROM read_parquet(?, union_by_name=true)"
        present = {d[0] for d in con.execute(f"{scan} LIMIT 0", [files]).description}
        columns = ", ".join(
            f"max({c})::VARCHAR" if c in present else "NULL" for c in ACCOUNT_COLUMNS
        )
        rows = con.execute(
            f"SELECT account_id, {columns} FROM ({scan}) "
            "WHERE account_id IN (SELECT unnest(?)) GROUP BY account_id",
            [files, account_ids],
        ).fetchall()
    return {r[0]: dict(zip(ACCOUNT_COLUMNS, r[1:], strict=True)) for r in rows}


def _utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def summaries(results: ResultsStore, workspace: Workspace) -> list[dict[str, Any]]:
    """One row per traced transfer: when and how much was reported, where it is, newest first."""
    return list(
        _cached(
            ("summaries", *_version(results, workspace)), lambda: _summaries(results, workspace)
        )
    )


def _summaries(results: ResultsStore, workspace: Workspace) -> list[dict[str, Any]]:
    table = results.table("traces")
    if table is None or table.num_rows == 0:
        return []
    grouped = (
        table.select(["txn_id", "account_id", "amount", "hops"])
        .set_column(2, "amount", pc.cast(table["amount"], pa.float64()))
        .group_by("txn_id")
        .aggregate([("account_id", "count"), ("amount", "sum"), ("hops", "max")])
        .to_pylist()
    )
    reported = reported_transfers(workspace, [g["txn_id"] for g in grouped])
    rows = []
    for g in grouped:
        found = reported.get(g["txn_id"])
        held = round(float(g["amount_sum"]), 2)
        amount = found["amount"] if found else None
        rows.append(
            {
                "txn_id": g["txn_id"],
                "reported_at": found["at"] if found else None,
                "victim_account": found["from_account"] if found else None,
                "reported_amount": amount,
                "accounts": int(g["account_id_count"]),
                "held_amount": held,
                "held_share": held / amount if amount else None,
                "max_hops": int(g["hops_max"]),
            }
        )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (r["reported_at"] or epoch, r["txn_id"]), reverse=True)
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over traced transfers: how many, how much reported, how much still held where."""
    return {
        "transfers": len(rows),
        "reported_amount": round(sum(r["reported_amount"] or 0.0 for r in rows), 2),
        "held_amount": round(sum(r["held_amount"] for r in rows), 2),
        "accounts": sum(r["accounts"] for r in rows),
    }


def money_path(results: ResultsStore, workspace: Workspace, txn_id: str) -> dict[str, Any]:
    """One trace: the reported transfer, the holdings in freeze order, and the hops between.

    Each hop is the lake's transfers from one account of a path to the next, made after
    the money reached the first (its ``amount`` is what those transfers moved, of which
    the traced money is part); a holding's ``arrived_at`` is when the money first reached it.
    """
    key = ("path", *_version(results, workspace), txn_id)
    found: dict[str, Any] = _cached(key, lambda: _money_path(results, workspace, txn_id))
    return found


def _holdings(results: ResultsStore, txn_id: str) -> list[dict[str, Any]]:
    table = results.table("traces")
    if table is None:
        return []
    rows = table.filter(pc.equal(table["txn_id"], txn_id)).to_pylist()
    holdings = [
        {
            "rank": int(r.get("rank") or 0),
            "account_id": r["account_id"],
            "amount": float(r["amount"]),
            "hops": int(r["hops"]),
            "path": [a for a in str(r.get("path") or r["account_id"]).split(PATH_SEPARATOR) if a],
        }
        for r in rows
    ]
    holdings.sort(key=lambda h: (h["rank"], -h["amount"]))
    return holdings


def _money_path(results: ResultsStore, workspace: Workspace, txn_id: str) -> dict[str, Any]:
    holdings = _holdings(results, txn_id)
    if not holdings:
        raise NotFound(f"no trace of transfer {txn_id!r}")
    reported = reported_transfers(workspace, [txn_id]).get(txn_id)
    victim = reported["from_account"] if reported else None
    start = reported["at"] if reported else None
    depth: dict[tuple[str, str], int] = {}
    for holding in holdings:
        route = holding["path"]
        for i in range(1, len(route)):
            pair = (route[i - 1], route[i])
            depth[pair] = min(depth.get(pair, i), i)
    accounts = sorted({a for h in holdings for a in h["path"]} | ({victim} if victim else set()))
    moves = _transfers_between(workspace, accounts, start)
    arrival: dict[str, dt.datetime] = {}
    if reported and start:
        arrival[reported["to_account"]] = start
    for h in holdings:  # a first receiver the lake does not date: known from the path alone
        if start and h["path"]:
            arrival.setdefault(h["path"][0], start)
    hops: list[dict[str, Any]] = []
    if reported:
        hops.append(
            {
                "from_account": reported["from_account"],
                "to_account": reported["to_account"],
                "amount": reported["amount"],
                "transfers": 1,
                "first_at": start,
                "last_at": start,
                "depth": 0,
            }
        )
    for (payer, payee), level in sorted(depth.items(), key=lambda kv: (kv[1], kv[0])):
        since = arrival.get(payer)
        made = [m for m in moves.get((payer, payee), []) if since is None or m[0] >= since]
        if made:
            first = made[0][0]
            arrival[payee] = min(arrival.get(payee, first), first)
        hops.append(
            {
                "from_account": payer,
                "to_account": payee,
                "amount": round(sum(m[1] for m in made), 2),
                "transfers": len(made),
                "first_at": made[0][0] if made else None,
                "last_at": made[-1][0] if made else None,
                "depth": level,
            }
        )
    facts = account_facts(workspace, accounts)
    for h in holdings:
        h.update(facts.get(h["account_id"], dict.fromkeys(ACCOUNT_COLUMNS)))
        h["arrived_at"] = arrival.get(h["account_id"])
    return {
        "txn_id": txn_id,
        "reported": reported,
        "victim_account": victim,
        "total_amount": round(sum(h["amount"] for h in holdings), 2),
        "holdings": holdings,
        "hops": hops,
        "accounts": {a: facts.get(a, dict.fromkeys(ACCOUNT_COLUMNS)) for a in accounts},
    }


def _transfers_between(
    workspace: Workspace, accounts: list[str], since: dt.datetime | None
) -> dict[tuple[str, str], list[tuple[dt.datetime, float]]]:
    """The lake's transfers among ``accounts`` from ``since`` on, by payer and payee, in order."""
    files = [str(f) for f in workspace.lake_files("transactions")]
    moves: defaultdict[tuple[str, str], list[tuple[dt.datetime, float]]] = defaultdict(list)
    if not files or len(accounts) < 2:
        return moves
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT DISTINCT txn_id, ts, from_account, to_account, amount::DOUBLE "
            "FROM read_parquet(?, union_by_name=true) "
            "WHERE from_account IN (SELECT unnest(?)) AND to_account IN (SELECT unnest(?)) "
            "AND amount > 0 AND (?::TIMESTAMPTZ IS NULL OR ts >= ?::TIMESTAMPTZ) ORDER BY ts",
            [files, accounts, accounts, since, since],
        ).fetchall()
    for _, ts, payer, payee, amount in rows:
        when = _utc(ts)
        if when is not None:
            moves[(payer, payee)].append((when, float(amount)))
    return moves

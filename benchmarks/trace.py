"""Fund trace at scale: index build, trace latency, and the same trace as a PostgreSQL CTE.

    python -m benchmarks.trace --transfers 10000000 [--no-postgres]

A synthetic ledger: ``--accounts`` ordinary accounts paying each other at random
over 60 days (a few busy merchants receive a tenth of it), and fraud rings whose
victims pay level-1 mules, which pass the money (less a fee, after minutes to
hours) to level-2 and level-3 mules and cash machines; mules also receive some
ordinary money, so their ledgers mix. Measured:

- index build time and memory (arrays held, and the process's peak RSS);
- latency of ``trace_funds`` over every victim transfer (p50, p99, max), and over
  random ordinary transfers (their money spreads through the whole city, so
  these traces are bounded by ``max_pieces``);
- the same trace (same FIFO positions, same walk) as a recursive CTE in
  PostgreSQL (127.0.0.1:5432, user postgres, db test) over the same 10 million
  rows, indexed on (sender, take_end): p50 per trace and the ratio to the index.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from typing import Any

import numpy as np
import psutil
import pyarrow as pa

from tianluo.trace import TransferIndex, build_index, trace_funds

DAY_US = 86_400 * 1_000_000
MINUTE_US = 60 * 1_000_000


def synthetic_ledger(
    transfers: int, accounts: int, victims: int, seed: int
) -> tuple[dict[str, Any], list[str]]:
    """Columns of a ledger and the txn ids of the victims' transfers."""
    rng = np.random.default_rng(seed)
    mules_per_level = (victims // 4, victims // 8, victims // 16)
    first_mule = accounts
    levels = []
    start = first_mule
    for n in mules_per_level:
        levels.append(np.arange(start, start + n))
        start += n
    cash = start  # one cash machine per 1,000 mules is plenty
    n_cash = max(1, sum(mules_per_level) // 1000)
    parts: list[tuple[np.ndarray, ...]] = []
    # the victims' money: victim -> L1 -> L2 -> L3 -> cash (fees 1-3 %, holds of minutes to hours)
    victim = rng.integers(0, accounts, victims)
    t = rng.integers(0, 55 * DAY_US, victims)
    fen = (rng.lognormal(np.log(8_000), 0.8, victims) * 100).astype(np.int64)
    to = rng.choice(levels[0], victims)
    parts.append((t, victim, to, fen))
    frm = to
    for level in (1, 2):
        t = t + (rng.lognormal(np.log(60), 0.8, len(t)) * MINUTE_US).astype(np.int64)
        fen = (fen * rng.uniform(0.97, 0.99, len(fen))).astype(np.int64)
        to = rng.choice(levels[level], len(t))
        parts.append((t, frm, to, fen))
        frm = to
    t = t + (rng.lognormal(np.log(120), 0.6, len(t)) * MINUTE_US).astype(np.int64)
    parts.append((t, frm, cash + rng.integers(0, n_cash, len(t)), (fen * 0.9).astype(np.int64)))
    planted = sum(len(p[0]) for p in parts)
    # everyone else: random payers, payees skewed to a few busy merchants; mules get some too
    rest = transfers - planted
    payer = rng.integers(0, accounts, rest)
    payee = np.where(
        rng.random(rest) < 0.1,
        rng.integers(0, max(1, accounts // 1000), rest),
        rng.integers(0, accounts, rest),
    )
    into_mules = rng.random(rest) < 0.002
    payee[into_mules] = rng.integers(first_mule, cash, int(into_mules.sum()))
    parts.append(
        (
            rng.integers(0, 60 * DAY_US, rest),
            payer,
            payee,
            (rng.lognormal(np.log(300), 1.2, rest) * 100).astype(np.int64) + 1,
        )
    )
    ts = np.concatenate([p[0] for p in parts])
    frm_all = np.concatenate([p[1] for p in parts])
    to_all = np.concatenate([p[2] for p in parts])
    amount = np.concatenate([p[3] for p in parts])
    names = np.array([f"A{i:09d}" for i in range(cash)] + [f"CASH-X-{i}" for i in range(n_cash)])
    ids = np.char.add("T", np.char.zfill(np.arange(len(ts)).astype(str), 10))
    columns = {
        "txn_id": pa.array(ids),
        "ts": ts,
        "from": pa.array(names[frm_all]),
        "to": pa.array(names[to_all]),
        "amount": amount,
    }
    return columns, [str(x) for x in ids[:victims]]


def latencies(index: TransferIndex, txns: list[str], max_pieces: int) -> dict[str, Any]:
    """Per-trace wall time (milliseconds) over ``txns``."""
    times: list[float] = []
    pieces: list[int] = []
    truncated = 0
    for txn in txns:
        started = time.perf_counter()
        found = trace_funds(index, txn, max_pieces=max_pieces)
        times.append((time.perf_counter() - started) * 1000)
        pieces.append(found.pieces)
        truncated += found.truncated
    ms = np.array(times)
    return {
        "traces": len(txns),
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "max_ms": round(float(ms.max()), 3),
        "median_pieces": int(np.median(pieces)),
        "truncated": truncated,
    }


_CTE = """
WITH RECURSIVE pieces(account, lo, hi, hops) AS (
    SELECT receiver, in_start, in_start + amount, 1 FROM transfers WHERE n = %(n)s
  UNION ALL
    SELECT t.receiver,
           t.in_start + greatest(p.lo, t.take_start) - t.take_start,
           t.in_start + least(p.hi, t.take_end) - t.take_start,
           p.hops + 1
    FROM pieces p
    JOIN accounts a ON a.account = p.account AND NOT a.sink
    JOIN transfers t ON t.sender = p.account AND t.take_end > p.lo AND t.take_start < p.hi
    WHERE t.take_end > t.take_start
)
SELECT p.account,
       sum(greatest(0, least(p.hi, a.inflow_total) - greatest(p.lo, a.held_from))) AS held,
       min(p.hops) AS hops
FROM pieces p JOIN accounts a ON a.account = p.account
WHERE NOT a.sink
GROUP BY p.account
HAVING sum(greatest(0, least(p.hi, a.inflow_total) - greatest(p.lo, a.held_from))) > 0
"""


def postgres(index: TransferIndex, txns: list[str], dsn: str) -> dict[str, Any]:
    """Load the index's positions into PostgreSQL and time the recursive CTE per trace."""
    import psycopg  # noqa: PLC0415 - only this step needs a database

    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS transfers; DROP TABLE IF EXISTS accounts")
        conn.execute(
            "CREATE UNLOGGED TABLE transfers (n bigint, sender int, receiver int, amount bigint,"
            " in_start bigint, take_start bigint, take_end bigint)"
        )
        conn.execute(
            "CREATE UNLOGGED TABLE accounts (account int, held_from bigint, inflow_total bigint,"
            " sink boolean)"
        )
        columns = (
            np.arange(index.transfers),
            index.sender,
            index.receiver,
            index.amount,
            index.in_start,
            index.take_start,
            index.take_end,
        )
        _copy(conn, "transfers", columns)
        _copy(
            conn,
            "accounts",
            (
                np.arange(index.accounts),
                index.held_from,
                index.inflow_total,
                index.sink.astype(np.int8),
            ),
            boolean_last=True,
        )
        conn.execute("CREATE INDEX ON transfers (n)")
        conn.execute("CREATE INDEX ON transfers (sender, take_end)")
        conn.execute("CREATE UNIQUE INDEX ON accounts (account)")
        conn.execute("ANALYZE transfers; ANALYZE accounts")
        load_s = time.perf_counter() - started
        times: list[float] = []
        agree = 0
        for txn in txns:
            number = index.transfer_number(txn)
            t0 = time.perf_counter()
            rows = conn.execute(_CTE, {"n": number}).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
            expected = {
                index.account_number(h.account_id): h.amount_fen
                for h in trace_funds(index, txn).holdings
            }
            agree += {int(r[0]): int(r[1]) for r in rows} == expected
        conn.execute("DROP TABLE transfers; DROP TABLE accounts")
    ms = np.array(times)
    return {
        "load_and_index_s": round(load_s, 1),
        "traces": len(txns),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "same_answer": agree,
    }


def _copy(
    conn: Any, table: str, columns: tuple[np.ndarray, ...], boolean_last: bool = False
) -> None:
    n = len(columns[0])
    step = 1_000_000
    with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
        for lo in range(0, n, step):
            block = np.column_stack([c[lo : lo + step].astype(np.int64) for c in columns])
            buffer = io.StringIO()
            np.savetxt(buffer, block, fmt="%d", delimiter="\t")
            text = buffer.getvalue()
            if boolean_last:
                text = text.replace("\t1\n", "\tt\n").replace("\t0\n", "\tf\n")
            copy.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--victims", type=int, default=20_000)
    parser.add_argument("--traces", type=int, default=2_000)
    parser.add_argument("--random-traces", type=int, default=200)
    parser.add_argument("--max-pieces", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default="host=127.0.0.1 user=postgres dbname=test")
    parser.add_argument("--postgres-traces", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    columns, reported = synthetic_ledger(args.transfers, args.accounts, args.victims, args.seed)
    rss_before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    index = build_index(
        columns["txn_id"], columns["ts"], columns["from"], columns["to"], columns["amount"]
    )
    build_s = time.perf_counter() - started
    rss_after = psutil.Process().memory_info().rss
    rng = np.random.default_rng(args.seed)
    sample = [
        reported[i]
        for i in rng.choice(len(reported), min(args.traces, len(reported)), replace=False)
    ]
    ordinary = [
        str(columns["txn_id"][int(i)])
        for i in rng.integers(args.victims * 4, index.transfers, args.random_traces)
    ]
    figures: dict[str, Any] = {
        "transfers": index.transfers,
        "accounts": index.accounts,
        "index_build_s": round(build_s, 2),
        "index_arrays_mib": round(index.nbytes / 2**20, 1),
        "process_rss_growth_mib": round((rss_after - rss_before) / 2**20, 1),
        "victim_transfers": latencies(index, sample, args.max_pieces),
        "random_transfers": latencies(index, ordinary, args.max_pieces),
    }
    if not args.no_postgres:
        pg_sample = sample[: args.postgres_traces]
        pg = postgres(index, pg_sample, args.postgres)
        same = latencies(index, pg_sample, args.max_pieces)
        pg["index_p50_ms_same_traces"] = same["p50_ms"]
        pg["ratio_p50"] = round(pg["p50_ms"] / max(same["p50_ms"], 1e-6), 1)
        figures["postgres_recursive_cte"] = pg
    print(json.dumps({"trace": figures}, indent=2))


if __name__ == "__main__":
    main()

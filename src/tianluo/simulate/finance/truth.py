"""The planted answers of the finance world, in the contract's result shapes.

* ``truth/fraud_numbers.csv``: every ring SIM (phone, score 1, reasons);
* ``truth/mule_accounts.csv``: every mule account that money reached;
* ``truth/traces.csv``: where each reported transfer's money is at the end of
  the data, by the reference FIFO rule (``fifo_trace``), cash sinks left out;

and three extensions for evaluation: ``truth/victims.csv`` (who lost what,
when, to which number, reported or not), ``truth/hard_negatives.csv`` (the
lookalikes: telemarketers, couriers, call centres, merchants, payroll accounts,
busy landlords) and ``truth/risky_documents.csv``.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.simulate.finance.accounts import Banking
from tianluo.simulate.finance.books import AccountBook, NumberBook
from tianluo.simulate.finance.clock import DAY, Clock
from tianluo.simulate.finance.emit import WriterLike, txn_ids
from tianluo.simulate.finance.fifo_trace import TraceResult, Transfer, relevant, trace
from tianluo.simulate.finance.fraud_ops import Rings
from tianluo.simulate.finance.mules import NEVER, Ledger, MuleNet
from tianluo.simulate.finance.negatives import ProLines
from tianluo.simulate.finance.people import People
from tianluo.simulate.finance.texts import SCAM_KINDS
from tianluo.simulate.finance.victims import Fraud

_MONEY = pa.decimal128(14, 2)


def fraud_numbers(rings: Rings, numbers: NumberBook, clock: Clock) -> pa.Table:
    """One row per ring SIM, with what its calls looked like."""
    calls = rings.calls
    sims = rings.sim_number
    n_calls = np.zeros(len(sims), np.int64)
    distinct = np.zeros(len(sims), np.int64)
    if calls is not None and len(calls):
        local = np.searchsorted(sims, calls.caller)  # SIM numbers are consecutive indices
        n_calls = np.bincount(local, minlength=len(sims))
        pairs = np.unique(local * (len(numbers) + 1) + calls.callee)
        distinct = np.bincount(pairs // (len(numbers) + 1), minlength=len(sims))
    age = (clock.at(rings.sim_first, 0) - rings.activated) // DAY
    handsets = [len(set(row)) for row in rings.sim_devices.tolist()]
    reasons = [
        f"SIM of fraud ring R{r:02d} ({SCAM_KINDS[int(rings.kind[r])]}): activated {a} days before "
        f"first use, {c} calls to {d} distinct numbers over {s} days, used in {h} handsets"
        for r, a, c, d, s, h in zip(
            rings.sim_ring.tolist(),
            age.tolist(),
            n_calls.tolist(),
            distinct.tolist(),
            (rings.sim_last - rings.sim_first).tolist(),
            handsets,
            strict=True,
        )
    ]
    return pa.table(
        {
            "phone": numbers.numbers(sims),
            "score": pa.array(np.ones(len(sims))),
            "reasons": pa.array(reasons, pa.string()),
        }
    )


def mule_accounts(net: MuleNet, book: AccountBook, ledger: Ledger, rings: Rings) -> pa.Table:
    """One row per mule account that received money in the window."""
    _, _, _, to, _ = ledger.arrays()
    received = np.isin(net.account, to)
    keep = np.flatnonzero(received)
    n_in = np.bincount(
        np.searchsorted(net.account, to[np.isin(to, net.account)]), minlength=len(net.account)
    )
    reasons = [
        f"level-{int(net.level[i])} mule account of fraud ring R{int(net.ring[i]):02d} "
        f"({SCAM_KINDS[int(rings.kind[net.ring[i]])]}); "
        + ("a card its holder sold" if net.seller[i] >= 0 else "opened with a borrowed identity")
        + f"; {int(n_in[i])} transfers in"
        for i in keep.tolist()
    ]
    return pa.table(
        {
            "account_id": book.ids(net.account[keep]),
            "score": pa.array(np.ones(len(keep))),
            "reasons": pa.array(reasons, pa.string()),
        }
    )


def reference_traces(
    ledger: Ledger, fraud: Fraud, book: AccountBook
) -> tuple[pa.Table, TraceResult]:
    """Apply the FIFO reference rule to the mule ledger for every reported transfer."""
    serial, ts, frm, to, fen = ledger.arrays()
    ids = txn_ids(serial).to_pylist()
    accounts = np.unique(np.concatenate([frm, to]))
    names = dict(zip(accounts.tolist(), book.ids(accounts).to_pylist(), strict=True))
    transfers = [
        Transfer(i, float(t), names[a], names[b], int(f))
        for i, t, a, b, f in zip(
            ids, ts.tolist(), frm.tolist(), to.tolist(), fen.tolist(), strict=True
        )
    ]
    reported = txn_ids(fraud.t_serial[fraud.t_report < NEVER]).to_pylist()
    result = trace(relevant(transfers, reported), reported)
    rows = result.holdings
    table = pa.table(
        {
            "txn_id": pa.array([h.txn_id for h in rows], pa.string()),
            "account_id": pa.array([h.account_id for h in rows], pa.string()),
            "amount": pa.array([h.amount for h in rows], _MONEY),
            "hops": pa.array([h.hops for h in rows], pa.int64()),
        }
    )
    return table, result


def victims(
    fraud: Fraud, people: People, rings: Rings, numbers: NumberBook, clock: Clock
) -> pa.Table:
    """Who was defrauded: the hook call, the transfers, the report."""
    txn = txn_ids(fraud.t_serial).to_pylist()
    lists: list[list[str]] = [[] for _ in fraud.victim]
    totals = np.zeros(len(fraud.victim), np.int64)
    np.add.at(totals, fraud.t_victim, fraud.t_fen)
    for v, t in zip(fraud.t_victim.tolist(), txn, strict=True):
        lists[v].append(t)
    reported = fraud.report_at < NEVER
    return pa.table(
        {
            "id_number": pa.array(people.id_number[fraud.victim], pa.string()),
            "phone": numbers.numbers(fraud.victim),
            "ring": pa.array(fraud.ring),
            "scam": pa.array(
                np.array(SCAM_KINDS, dtype=object)[rings.kind[fraud.ring]], pa.string()
            ),
            "fraud_phone": numbers.numbers(rings.sim_number[fraud.sim]),
            "hook_call_at": clock.iso(fraud.hook_start),
            "hook_call_s": pa.array(fraud.hook_end - fraud.hook_start),
            "txn_ids": pa.array([";".join(x) for x in lists], pa.string()),
            "amount": pa.array([Decimal(int(x)) / 100 for x in totals], _MONEY),
            "reported": pa.array(reported),
            "reported_at": pc.if_else(
                pa.array(reported),
                clock.iso(np.where(reported, fraud.report_at, clock.origin)),
                pa.scalar(None, pa.string()),
            ),
        }
    )


def hard_negatives(
    pro: ProLines, bank: Banking, book: AccountBook, numbers: NumberBook
) -> pa.Table:
    """The lookalikes a naive rule flags: their phone or account and what they really are."""
    tenants = np.bincount(bank.landlord_of[bank.landlord_of >= 0], minlength=len(bank.primary))
    busy = np.flatnonzero(tenants >= 5)
    subjects = pa.concat_arrays(
        [
            numbers.numbers(pro.number),
            book.ids(bank.merchant_account),
            book.ids(bank.employer_account),
            book.ids(bank.primary[busy]),
        ]
    )
    kinds = (
        list(pro.role)
        + ["merchant"] * len(bank.merchant_account)
        + ["payroll"] * len(bank.employer_account)
        + ["landlord"] * len(busy)
    )
    return pa.table({"subject": subjects, "kind": pa.array(kinds, pa.string())})


def write_all(writer: WriterLike, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        writer.write_truth(name, table)

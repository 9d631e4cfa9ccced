"""The fund trace on hand-made ledgers (amounts worked out by hand) and against the reference."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from tianluo.simulate.finance import fifo_trace
from tianluo.trace import FundTrace, UnknownTransferError, build_index, trace_funds

Row = tuple[str, int, str, str, int]  # txn_id, second, from, to, fen


def _trace(rows: list[Row], txn: str) -> FundTrace:
    index = build_index(
        pa.array([r[0] for r in rows]),
        np.array([r[1] * 1_000_000 for r in rows], dtype=np.int64),
        pa.array([r[2] for r in rows]),
        pa.array([r[3] for r in rows]),
        np.array([r[4] for r in rows], dtype=np.int64),
    )
    return trace_funds(index, txn)


def _held(found: FundTrace) -> dict[str, tuple[int, int]]:
    return {h.account_id: (h.amount_fen, h.hops) for h in found.holdings}


def test_worked_example_of_the_guide_splits_and_cash_out() -> None:
    rows: list[Row] = [
        ("T0", 900, "holder", "M1", 5_000),
        ("T1", 1000, "victim", "M1", 1_000_000),
        ("T2", 1040, "M1", "M2", 600_000),
        ("T3", 1042, "M1", "M3", 380_000),
        ("T4", 1600, "M2", "CASH-ICBC-0007", 400_000),
    ]
    found = _trace(rows, "T1")
    # M1 spends the 50 yuan test deposit first; M2 cashes out its 50 untracked then 3,950 of T1
    assert _held(found) == {"M1": (25_000, 1), "M2": (200_000, 2), "M3": (380_000, 2)}
    assert found.cashed_out_fen == 395_000
    assert found.held_fen + found.cashed_out_fen == 1_000_000
    assert [h.account_id for h in found.holdings] == ["M3", "M2", "M1"]  # largest first
    assert found.holdings[0].path == ("M1", "M3")


def test_merge_with_earlier_money_and_a_fee() -> None:
    rows: list[Row] = [
        ("X1", 10, "other", "B", 50_000),  # B already holds 500 yuan when tainted money arrives
        ("V1", 20, "victim", "A", 100_000),
        ("A1", 30, "A", "B", 99_000),  # A keeps a 10 yuan fee
        ("B1", 40, "B", "C", 120_000),  # 500 untracked, then 700 of V1
    ]
    found = _trace(rows, "V1")
    assert _held(found) == {"A": (1_000, 1), "B": (29_000, 2), "C": (70_000, 3)}
    assert found.holdings[0].path == ("A", "B", "C")


def test_cycle_back_to_the_first_account() -> None:
    rows: list[Row] = [
        ("V", 1, "victim", "A", 10_000),
        ("AB", 2, "A", "B", 10_000),
        ("BA", 3, "B", "A", 6_000),
        ("AC", 4, "A", "C", 3_000),
    ]
    found = _trace(rows, "V")
    # A's stream: 100 of V (spent to B), then 60 back from B (30 of it on to C)
    assert _held(found) == {"A": (3_000, 3), "B": (4_000, 2), "C": (3_000, 4)}
    assert found.held_fen == 10_000


def test_an_outflow_before_the_tainted_money_does_not_take_it() -> None:
    rows: list[Row] = [
        ("EARLY", 1, "A", "Z", 50_000),
        ("V", 2, "victim", "A", 20_000),
    ]
    assert _held(_trace(rows, "V")) == {"A": (20_000, 1)}


def test_ties_in_time_are_ordered_by_txn_id() -> None:
    rows: list[Row] = [
        ("T2", 5, "A", "B", 1_000),  # same second as T1, but after it by id: spends T1's money
        ("T1", 5, "victim", "A", 1_000),
    ]
    assert _held(_trace(rows, "T1")) == {"B": (1_000, 2)}


def test_all_cashed_out_leaves_no_holding() -> None:
    rows: list[Row] = [("V", 1, "victim", "CASH-BOC-1", 1_000)]
    found = _trace(rows, "V")
    assert found.holdings == ()
    assert found.cashed_out_fen == 1_000


def test_unknown_transfer_is_refused() -> None:
    with pytest.raises(UnknownTransferError):
        _trace([("V", 1, "a", "b", 100)], "NOPE")


def test_zero_amount_transfers_are_left_out() -> None:
    rows: list[Row] = [("V", 1, "victim", "A", 1_000), ("Z", 2, "A", "B", 0)]
    assert _held(_trace(rows, "V")) == {"A": (1_000, 1)}
    with pytest.raises(UnknownTransferError):
        _trace(rows, "Z")


@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_the_reference_rule_on_random_ledgers(seed: int) -> None:
    rng = random.Random(seed)
    accounts = [f"A{i}" for i in range(12)] + ["CASH-X-1"]
    rows: list[Row] = []
    for i in range(150):
        payer = rng.choice(accounts[:-1])
        payee = rng.choice(accounts)
        rows.append((f"T{i:03d}", rng.randrange(60), payer, payee, rng.randrange(1, 5_000)))
    ledger = [fifo_trace.Transfer(r[0], float(r[1]), r[2], r[3], r[4]) for r in rows]
    for txn in rng.sample([r[0] for r in rows], 10):
        expected = fifo_trace.trace(ledger, [txn])
        found = _trace(rows, txn)
        want = {h.account_id: (h.amount_fen, h.hops) for h in expected.holdings}
        assert _held(found) == want
        assert found.cashed_out_fen == expected.cashed_out_fen.get(txn, 0)

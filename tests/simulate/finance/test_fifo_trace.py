"""The FIFO reference rule on hand-made ledgers whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tianluo.simulate.finance.fifo_trace import (
    Holding,
    Transfer,
    order_key,
    relevant,
    to_fen,
    to_yuan,
    trace,
)


def t(txn: str, ts: float, a: str, b: str, yuan: str) -> Transfer:
    return Transfer(txn, ts, a, b, to_fen(yuan))


def rows(result_holdings: list[Holding]) -> set[tuple[str, str, str, int]]:
    return {(h.txn_id, h.account_id, str(h.amount), h.hops) for h in result_holdings}


def test_straight_chain_moves_money_forward() -> None:
    ledger = [t("T1", 1, "V", "M1", "1000"), t("T2", 2, "M1", "M2", "1000")]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {("T1", "M2", "1000.00", 2)}


def test_split_keeps_fee_at_first_mule() -> None:
    ledger = [
        t("T1", 1, "V", "M1", "1000"),
        t("T2", 2, "M1", "M2", "600"),
        t("T3", 3, "M1", "M3", "380"),  # 20 yuan fee stays in M1
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {
        ("T1", "M1", "20.00", 1),
        ("T1", "M2", "600.00", 2),
        ("T1", "M3", "380.00", 2),
    }
    assert result.held_fen("T1") == to_fen("1000")


def test_merge_of_two_reported_transfers_keeps_them_apart() -> None:
    ledger = [
        t("T1", 1, "V1", "M1", "300"),
        t("T2", 2, "V2", "M2", "500"),
        t("T3", 3, "M1", "H", "300"),
        t("T4", 4, "M2", "H", "500"),
        t("T5", 5, "H", "X", "400"),  # FIFO: all 300 of T1, then 100 of T2
    ]
    result = trace(ledger, ["T1", "T2"])
    assert rows(result.holdings) == {
        ("T1", "X", "300.00", 3),
        ("T2", "X", "100.00", 3),
        ("T2", "H", "400.00", 2),
    }


def test_untracked_money_ahead_in_queue_is_spent_first() -> None:
    ledger = [
        t("T0", 0, "OWNER", "M1", "50"),  # untracked opening deposit
        t("T1", 1, "V", "M1", "1000"),
        t("T2", 2, "M1", "M2", "500"),  # spends the 50 first, then 450 of T1
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {("T1", "M1", "550.00", 1), ("T1", "M2", "450.00", 2)}


def test_outflow_before_the_tainted_inflow_uses_opening_balance() -> None:
    ledger = [
        t("T0", 0, "M1", "SHOP", "80"),  # spent from the untracked opening balance
        t("T1", 1, "V", "M1", "1000"),
        t("T2", 2, "M1", "M2", "200"),
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {("T1", "M1", "800.00", 1), ("T1", "M2", "200.00", 2)}


def test_cycle_returns_money_with_more_hops() -> None:
    ledger = [
        t("T1", 1, "V", "A", "100"),
        t("T2", 2, "A", "B", "100"),
        t("T3", 3, "B", "A", "60"),
        t("T4", 4, "A", "C", "30"),
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {
        ("T1", "B", "40.00", 2),
        ("T1", "A", "30.00", 3),
        ("T1", "C", "30.00", 4),
    }


def test_partial_cash_out_is_not_listed_but_counted() -> None:
    ledger = [
        t("T1", 1, "V", "M1", "10000"),
        t("T2", 2, "M1", "M2", "9800"),
        t("T3", 3, "M2", "CASH-ICBC-0007", "5000"),
        t("T4", 4, "M2", "CASH-ICBC-0007", "2000"),
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {("T1", "M1", "200.00", 1), ("T1", "M2", "2800.00", 2)}
    assert result.cashed_out_fen == {"T1": to_fen("7000")}
    assert result.held_fen("T1") + result.cashed_out_fen["T1"] == to_fen("10000")


def test_smallest_hops_is_reported_for_an_account() -> None:
    ledger = [
        t("T1", 1, "V", "A", "100"),
        t("T2", 2, "A", "B", "50"),
        t("T3", 3, "B", "C", "50"),
        t("T4", 4, "A", "C", "50"),  # C now holds T1 money at hops 3 and 2
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {("T1", "C", "100.00", 2)}


def test_ties_are_broken_by_txn_id() -> None:
    ledger = [
        t("T2", 5, "M1", "M2", "100"),  # same second as T1 but sorts after it
        t("T1", 5, "V", "M1", "100"),
    ]
    assert rows(trace(ledger, ["T1"]).holdings) == {("T1", "M2", "100.00", 2)}
    ledger = [t("T1", 5, "M1", "M2", "100"), t("T2", 5, "V", "M1", "100")]
    assert rows(trace(ledger, ["T2"]).holdings) == {("T2", "M1", "100.00", 1)}


def test_reported_transfer_relabels_money_already_tracked() -> None:
    ledger = [
        t("T1", 1, "V1", "A", "100"),
        t("T2", 2, "A", "B", "100"),  # reported by a second victim: a new origin
    ]
    assert rows(trace(ledger, ["T1", "T2"]).holdings) == {("T2", "B", "100.00", 1)}


def test_cents_are_exact() -> None:
    ledger = [
        t("T1", 1, "V", "M1", "0.03"),
        t("T2", 2, "M1", "M2", "0.01"),
        t("T3", 3, "M1", "M3", "0.01"),
    ]
    result = trace(ledger, ["T1"])
    assert {h.account_id: h.amount for h in result.holdings} == {
        "M1": Decimal("0.01"),
        "M2": Decimal("0.01"),
        "M3": Decimal("0.01"),
    }


def test_relevant_keeps_history_of_reachable_accounts_only() -> None:
    ledger = [
        t("T0", 0, "OWNER", "M1", "50"),
        t("T1", 1, "V", "M1", "1000"),
        t("T2", 2, "M1", "M2", "500"),
        t("T3", 0.5, "M2", "SHOP", "10"),  # before M2 was reached: still history of M2
        t("T4", 3, "P", "SHOP", "20"),  # SHOP is never reached: not needed
        t("T5", 4, "V", "GROCER", "30"),  # the victim is not reached either
    ]
    kept = relevant(ledger, ["T1"])
    assert [x.txn_id for x in kept] == ["T0", "T3", "T1", "T2"]
    assert trace(kept, ["T1"]).holdings == trace(ledger, ["T1"]).holdings


def test_money_and_time_helpers() -> None:
    assert to_fen("1234.5") == 123450
    assert to_fen(0.1) == 10
    assert str(to_yuan(5)) == "0.05"
    naive = order_key("2026-03-02T10:00:00")
    assert order_key("2026-03-02T10:00:00+08:00") == naive
    assert order_key(dt.datetime(2026, 3, 2, 10, 0, 1)) == naive + 1


def test_worked_example_of_the_readme() -> None:
    ledger = [
        t("T0", 9, "HOLDER", "M1", "50"),
        t("T1", 10, "VICTIM", "M1", "10000"),
        t("T2", 10.4, "M1", "M2", "6000"),
        t("T3", 10.42, "M1", "M3", "3800"),
        t("T4", 16, "M2", "CASH-ICBC-0007", "4000"),
    ]
    result = trace(ledger, ["T1"])
    assert rows(result.holdings) == {
        ("T1", "M1", "250.00", 1),
        ("T1", "M2", "2000.00", 2),
        ("T1", "M3", "3800.00", 2),
    }
    assert result.cashed_out_fen == {"T1": to_fen("3950")}

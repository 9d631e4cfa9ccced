"""The fraud detectors end to end on the tiny fraud world (DuckDB): results, alerts, traces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow.parquet as pq
from fraud_lake import (
    FRAUD_SIM,
    FRIEND_A,
    MULE_1,
    MULE_2,
    SHOP,
    TELEMARKETER,
    TX_V,
    VICTIM,
    VICTIM_CARD,
    LakeWriter,
    write_fraud_lake,
)

from tianluo.detectors.fraud import FRAUD_DETECTORS
from tianluo.detectors.fraud.warning import WarningWatch
from tianluo.detectors.outputs import alert_tables
from tianluo.engine import Engine, open_engine
from tianluo.rules import load_rules
from tianluo.workspace import Workspace


def _run(workspace: Workspace) -> None:
    rules = load_rules()
    with open_engine(workspace, "duckdb") as engine:
        for detector in FRAUD_DETECTORS:
            detector.run(engine, rules)


def _result(workspace: Workspace, name: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(workspace.result_path(name)).to_pylist()
    return rows


def test_fraud_numbers_rank_the_fraud_sim_first(workspace: Workspace, lake: LakeWriter) -> None:
    write_fraud_lake(lake)
    _run(workspace)
    scores = {r["phone"]: r for r in _result(workspace, "fraud_numbers")}
    assert float(scores[FRAUD_SIM]["score"]) >= 0.9  # type: ignore[arg-type]
    assert float(scores[FRAUD_SIM]["score"]) > float(scores[TELEMARKETER]["score"])  # type: ignore[arg-type]
    assert FRIEND_A not in scores or float(scores[FRIEND_A]["score"]) < 0.05  # type: ignore[arg-type]
    reasons = str(scores[FRAUD_SIM]["reasons"])
    assert "called 60 distinct numbers on 1 days" in reasons
    assert "SIM activated 3 days before its first call" in reasons
    assert "named in 1 victim report(s)" in reasons


def test_mule_accounts_score_the_chain_above_ordinary_cards(
    workspace: Workspace, lake: LakeWriter
) -> None:
    write_fraud_lake(lake)
    _run(workspace)
    scores = {r["account_id"]: float(r["score"]) for r in _result(workspace, "mule_accounts")}  # type: ignore[arg-type]
    assert min(scores[MULE_1], scores[MULE_2]) > 0.9
    assert max(scores.get(VICTIM_CARD, 0.0), scores.get(SHOP, 0.0)) < 0.5
    reasons = {r["account_id"]: str(r["reasons"]) for r in _result(workspace, "mule_accounts")}
    assert "100% withdrawn at cash machines" in reasons[MULE_2]
    assert "2 hop(s) from the victim" in reasons[MULE_2]


def test_traces_list_holdings_ranked_with_hand_amounts(
    workspace: Workspace, lake: LakeWriter
) -> None:
    write_fraud_lake(lake)
    _run(workspace)
    rows = _result(workspace, "traces")
    # MULE_1 spent its 50 yuan test deposit first: 9,650 of TX_V went on, 350 stayed;
    # MULE_2 received the 50 untracked yuan first, so its 5,000 cash withdrawal took
    # 50 untracked and 4,950 of TX_V: it holds 9,650 - 4,950 = 4,700
    assert [(r["account_id"], r["amount"], r["hops"], r["rank"]) for r in rows] == [
        (MULE_2, Decimal("4700.00"), 2, 1),
        (MULE_1, Decimal("350.00"), 1, 2),
    ]
    assert {r["txn_id"] for r in rows} == {TX_V}  # the id not loaded is skipped
    assert rows[0]["path"] == f"{MULE_1} > {MULE_2}"


def test_alerts_of_every_kind_are_written(workspace: Workspace, lake: LakeWriter) -> None:
    write_fraud_lake(lake)
    _run(workspace)
    assert set(alert_tables(workspace)) == {
        "alerts_fraud_numbers",
        "alerts_fraud_mules",
        "alerts_fraud_traces",
        "alerts_fraud_warnings",
    }
    warnings = pq.read_table(workspace.derived_path("alerts_fraud_warnings")).to_pylist()
    assert [w["alert_id"] for w in warnings] == [f"victim_warning:{TX_V}"]
    assert warnings[0]["subject"] == VICTIM
    assert "20 min later paid 10,000.00 yuan" in str(warnings[0]["reasons"])
    freeze = pq.read_table(workspace.derived_path("alerts_fraud_traces")).to_pylist()
    assert {a["alert_id"] for a in freeze} == {f"freeze:{TX_V}:{MULE_1}", f"freeze:{TX_V}:{MULE_2}"}


def test_streaming_check_warns_only_for_a_new_payee_after_a_flagged_call() -> None:
    rules = load_rules().fraud.warning
    watch = WarningWatch(rules, flagged={FRAUD_SIM: 0.95})
    call_end = dt.datetime(2026, 3, 10, 9, 10, tzinfo=dt.UTC)
    watch.record_call(FRAUD_SIM, VICTIM, call_end, seconds=600)
    watch.record_call(TELEMARKETER, FRIEND_A, call_end, seconds=600)  # not flagged
    watch.record_call(FRAUD_SIM, FRIEND_A, call_end, seconds=20)  # too short to be a hook
    watch.record_payment(VICTIM_CARD, SHOP)
    soon = call_end + dt.timedelta(minutes=20)
    warning = watch.check_transfer(VICTIM, VICTIM_CARD, MULE_1, soon)
    assert warning is not None
    assert warning.fraud_number == FRAUD_SIM
    assert "20 min later pays" in warning.reasons
    assert watch.check_transfer(VICTIM, VICTIM_CARD, SHOP, soon) is None  # known payee
    assert watch.check_transfer(FRIEND_A, "6222", MULE_1, soon) is None
    late = call_end + dt.timedelta(hours=rules.within_hours + 1)
    assert watch.check_transfer(VICTIM, VICTIM_CARD, MULE_1, late) is None
    before = call_end - dt.timedelta(minutes=1)
    assert watch.check_transfer(VICTIM, VICTIM_CARD, MULE_1, before) is None


def test_every_fraud_detector_gives_the_same_answers_on_each_engine(
    engine: Engine, lake: LakeWriter
) -> None:
    write_fraud_lake(lake)
    rules = load_rules()
    for detector in FRAUD_DETECTORS:
        detector.run(engine, rules)
    workspace = engine.workspace
    numbers = {r["phone"]: float(r["score"]) for r in _result(workspace, "fraud_numbers")}  # type: ignore[arg-type]
    assert max(numbers, key=lambda p: numbers[p]) == FRAUD_SIM
    mules = {r["account_id"]: float(r["score"]) for r in _result(workspace, "mule_accounts")}  # type: ignore[arg-type]
    assert set(sorted(mules, key=lambda a: -mules[a])[:2]) == {MULE_1, MULE_2}
    traces = [(r["account_id"], r["amount"]) for r in _result(workspace, "traces")]
    assert traces == [(MULE_2, Decimal("4700.00")), (MULE_1, Decimal("350.00"))]
    warnings = pq.read_table(workspace.derived_path("alerts_fraud_warnings")).to_pylist()
    assert [w["alert_id"] for w in warnings] == [f"victim_warning:{TX_V}"]

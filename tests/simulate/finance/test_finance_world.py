"""The finance world's feed: fraud looks like fraud, lookalikes exist, the truth holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from finworld import FakeConfig, FinanceRun, MemoryWriter, make_population, run_finance

from tianluo.contract.sources import SOURCES
from tianluo.model.idnumber import IdStatus, parse
from tianluo.simulate.finance import simulate_finance
from tianluo.simulate.finance.fifo_trace import Transfer, order_key, to_fen, trace

FINANCE_SOURCES = (
    "accounts",
    "transactions",
    "calls",
    "messages",
    "phones",
    "reports",
    "companies",
    "documents",
    "defaulters",
    "bookings",
    "assets",
)


def ts(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="ISO8601")


def test_every_finance_source_is_written_with_contract_columns(small_run: FinanceRun) -> None:
    for source in FINANCE_SOURCES:
        frame = small_run.writer.frame(source)
        assert len(frame) > 0, source
        assert set(SOURCES[source].required) <= set(frame.columns), source
        assert set(frame.columns) <= {c.name for c in SOURCES[source].columns}, source


def test_ids_are_unique_and_not_the_pyramids(small_run: FinanceRun) -> None:
    accounts = small_run.writer.frame("accounts")
    assert accounts["account_id"].is_unique
    assert not accounts["account_id"].str.startswith("PY").any()
    assert small_run.writer.frame("transactions")["txn_id"].is_unique
    assert small_run.writer.frame("messages")["msg_id"].is_unique
    holders = accounts["holder_id_number"].map(lambda x: parse(x).status)
    assert (holders == IdStatus.VALID).all()


def test_victims_transfer_soon_after_a_long_fraud_call(small_run: FinanceRun) -> None:
    victims = small_run.writer.truth("victims")
    calls = small_run.writer.frame("calls")
    txns = small_run.writer.frame("transactions").set_index("txn_id")
    lo, hi = small_run.params.transfer_delay_min
    assert len(victims) >= 9
    for v in victims.itertuples():
        hook = calls[
            (calls.caller == v.fraud_phone) & (calls.callee == v.phone) & (calls.duration_s >= 300)
        ]
        assert len(hook) == 1
        end = ts(hook.ts).iloc[0] + pd.Timedelta(seconds=int(hook.duration_s.iloc[0]))
        first = ts(txns.loc[v.txn_ids.split(";")[0], ["ts"]]).iloc[0]
        assert pd.Timedelta(minutes=lo) <= first - end <= pd.Timedelta(minutes=hi)


def test_reports_list_the_victims_transfers(small_run: FinanceRun) -> None:
    reports = small_run.writer.frame("reports")
    victims = small_run.writer.truth("victims")
    with_txn = reports[reports.txn_id.notna()]
    assert len(with_txn) == int(victims.reported.sum()) > 0
    assert set(with_txn.txn_id) == set(victims.txn_ids[victims.reported])
    assert (reports.txn_id.isna()).any()  # reports of fraud calls without loss
    for r in with_txn.itertuples():
        victim = victims[victims.txn_ids == r.txn_id].iloc[0]
        assert ts(pd.Series([r.ts])).iloc[0] > ts(pd.Series([victim.hook_call_at])).iloc[0]


def test_mule_chains_have_at_least_two_hops(small_run: FinanceRun) -> None:
    txns = small_run.writer.frame("transactions")
    mules = set(small_run.writer.truth("mule_accounts").account_id)
    victims = small_run.writer.truth("victims")
    first_hop = txns[txns.txn_id.isin([t for x in victims.txn_ids for t in x.split(";")])]
    assert first_hop.to_account.isin(mules).all()
    onward = txns[txns.from_account.isin(set(first_hop.to_account)) & txns.to_account.isin(mules)]
    assert len(onward) > 0
    # mules only pay mules or cash machines: the reference trace is exact on the mule ledger
    out = txns[txns.from_account.isin(mules)]
    assert (out.to_account.isin(mules) | out.to_account.str.startswith("CASH-")).all()
    cash = out[out.to_account.str.startswith("CASH-")]
    assert (cash.channel == "atm").all() and (cash.amount <= 20_000).all()
    traces = small_run.writer.truth("traces")
    assert (traces.hops >= 2).any() and traces.hops.min() >= 1


def test_traces_hold_no_more_than_was_reported(small_run: FinanceRun) -> None:
    traces = small_run.writer.truth("traces")
    txns = small_run.writer.frame("transactions").set_index("txn_id")
    held = traces.groupby("txn_id")["amount"].apply(lambda s: sum(to_fen(str(x)) for x in s))
    for txn, fen in held.items():
        assert fen <= to_fen(str(txns.loc[txn, "amount"]))
    assert not traces.account_id.str.startswith("CASH-").any()
    s = small_run.summary
    assert s.traced_fen + s.cashed_out_fen <= s.reported_fen
    assert s.traced_fen > 0.5 * s.reported_fen  # victims report fast: most money is still there
    assert s.cashed_out_fen > 0


def test_fraud_numbers_are_young_sims_with_many_short_calls(small_run: FinanceRun) -> None:
    fraud = set(small_run.writer.truth("fraud_numbers").phone)
    phones = small_run.writer.frame("phones").set_index("phone")
    calls = small_run.writer.frame("calls")
    first_call = ts(calls[calls.caller.isin(fraud)].groupby("caller").ts.min())
    activated = ts(phones.loc[list(first_call.index), "activated_at"])
    age = (first_call - activated).dt.days
    assert (age <= small_run.params.sim_age_days[1] + 1).all()
    out = calls[calls.caller.isin(fraud)]
    per = out.groupby("caller").agg(
        n=("callee", "size"), distinct=("callee", "nunique"), imeis=("caller_imei", "nunique")
    )
    assert (per.n >= 100).all() and (per.distinct >= 90).all()
    assert per.imeis.max() >= 2  # SIMs move between handsets
    assert out.groupby("caller_imei").caller.nunique().max() >= 2  # a handset cycles SIMs
    answered = out[out.duration_s > 0].duration_s
    assert answered.median() < 60
    back = calls[calls.callee.isin(fraud)]
    assert len(back) < 0.05 * len(out)


def test_hard_negatives_look_busy_but_are_not_fraud(small_run: FinanceRun) -> None:
    neg = small_run.writer.truth("hard_negatives")
    calls = small_run.writer.frame("calls")
    txns = small_run.writer.frame("transactions")
    phones = small_run.writer.frame("phones").set_index("phone")
    assert set(neg.kind) >= {"telemarketer", "courier", "merchant", "payroll"}
    merchants = neg[neg.kind == "merchant"].subject
    fan_in = txns[txns.to_account.isin(merchants)].groupby("to_account").from_account.nunique()
    assert fan_in.max() >= 100
    payroll = neg[neg.kind == "payroll"].subject
    fan_out = txns[txns.from_account.isin(payroll)].groupby("from_account").to_account.nunique()
    assert fan_out.max() >= 30
    tm = neg[neg.kind.isin(["telemarketer", "courier"])].subject
    busy = (
        calls[calls.caller.isin(tm)]
        .groupby("caller")
        .agg(n=("callee", "size"), imeis=("caller_imei", "nunique"))
    )
    assert (busy.n >= 500).all() and (busy.imeis == 1).all()
    start = pd.Timestamp("2026-03-02T00:00:00+08:00")
    assert ((start - ts(phones.loc[list(tm), "activated_at"])).dt.days >= 365).all()
    called_back = calls[calls.callee.isin(tm)].callee.nunique()
    assert called_back == len(tm)
    fraud = set(small_run.writer.truth("fraud_numbers").phone)
    assert not fraud & set(tm)


def test_registries_carry_risk_and_arrivals(small_run: FinanceRun) -> None:
    docs = small_run.writer.frame("documents")
    risky = set(small_run.writer.truth("risky_documents").doc_id)
    assert 0 < len(risky) < len(docs)
    assert docs[docs.doc_id.isin(risky)].text.str.contains("保本|高收益|稳|返利|收益").all()
    bookings = small_run.writer.frame("bookings")
    pop = small_run.pop
    participants = pd.Series(pop.id_number[pop.group == "participant"])
    arrive = pop.arrive_day[pop.group == "participant"]
    trains = bookings[bookings.id_number.isin(participants[(arrive >= 0) & (arrive < 60)])]
    assert len(trains) == int(((arrive >= 0) & (arrive < 60)).sum())
    assert (trains.kind.isin(["train", "flight"])).all()
    companies = small_run.writer.frame("companies")
    assert companies.name.str.contains("小额贷款|财富管理|投资咨询|金融|资产管理").any()
    assert len(small_run.writer.frame("defaulters")) > 0
    assert set(small_run.writer.frame("assets").kind) == {"house", "vehicle", "land"}


def test_fraud_texts_are_scams_and_everyday_texts_are_not(small_run: FinanceRun) -> None:
    messages = small_run.writer.frame("messages")
    fraud = set(small_run.writer.truth("fraud_numbers").phone)
    scam = messages[messages.sender.isin(fraud)]
    assert len(scam) > 0
    assert scam.text.str.contains(
        "刷单|客服|贷款|理赔|公安|检察院|收益|额度|会员|兼职|涨停|可贷"
    ).all()
    assert messages.text.str.contains("工资收入").any()


def test_same_seed_same_world() -> None:
    a = run_finance(800, seed=3)
    b = run_finance(800, seed=3)
    for source in ("transactions", "calls", "reports"):
        pd.testing.assert_frame_equal(a.writer.frame(source), b.writer.frame(source))
    pd.testing.assert_frame_equal(a.writer.truth("traces"), b.writer.truth("traces"))
    c = run_finance(800, seed=4)
    assert not a.writer.frame("transactions").equals(c.writer.frame("transactions"))


def test_amounts_have_at_most_two_decimals(small_run: FinanceRun) -> None:
    amount = small_run.writer.frame("transactions").amount.to_numpy()
    assert np.allclose(np.round(amount * 100), amount * 100)
    assert (amount > 0).all()


def test_truth_traces_equal_the_rule_on_the_whole_feed(small_run: FinanceRun) -> None:
    txns = small_run.writer.frame("transactions")
    ledger = [
        Transfer(r.txn_id, order_key(r.ts), r.from_account, r.to_account, to_fen(str(r.amount)))
        for r in txns.itertuples()
    ]
    reported = [t for x in small_run.writer.frame("reports").txn_id.dropna() for t in x.split(";")]
    expected = {
        (h.txn_id, h.account_id, h.amount, h.hops) for h in trace(ledger, reported).holdings
    }
    traces = small_run.writer.truth("traces")
    got = {(r.txn_id, r.account_id, r.amount, r.hops) for r in traces.itertuples()}
    assert got == expected


def test_handsets_registered_by_the_city_are_used_in_calls() -> None:
    pop = make_population(600, seed=9)
    pop.imei = np.array([f"86{i:013d}" for i in range(len(pop))], dtype=object)  # type: ignore[attr-defined]
    writer = MemoryWriter()
    simulate_finance(pop, FakeConfig(600, 9), np.random.default_rng(9), writer)
    calls = writer.frame("calls")
    own = calls[calls.caller.isin(set(pop.phone))]
    index = {p: i for i, p in enumerate(pop.phone)}
    expected = own.caller.map(lambda p: f"86{index[p]:013d}")
    assert (own.caller_imei == expected).mean() > 0.95  # a few change handsets in the window

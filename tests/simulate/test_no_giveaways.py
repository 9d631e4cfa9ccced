"""No artefact of the simulator tells participants apart: ids, formats and presence of records."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from simfeed import read, truth

from tianluo.simulate import SimulationSummary

START = "2026-03-02"


def _groups(city: SimulationSummary) -> pd.Series:
    return truth(city, "persons").set_index("id_number").group


def _is_participant(city: SimulationSummary, ids: pd.Series) -> pd.Series:
    return ids.map(_groups(city)).eq("participant")


def _shape(values: pd.Series) -> set[str]:
    """The format of ids: letters kept, every digit as 9."""
    return {re.sub(r"\d", "9", str(v)) for v in values.dropna()}


def _accounts(city: SimulationSummary) -> pd.DataFrame:
    acc = read(city, "accounts")
    acc["participant"] = _is_participant(city, acc.holder_id_number)
    return acc


def test_participants_hold_ordinary_cards(finance_city: SimulationSummary) -> None:
    acc = _accounts(finance_city)
    assert acc.account_id.is_unique
    mine, cards = acc[acc.participant], acc[~acc.participant & (acc.kind == "personal")]
    assert len(mine) > 50 and (mine.kind == "personal").all()
    assert _shape(mine.account_id) == _shape(cards.account_id) == {"9" * 19}
    assert set(mine.account_id.str[:6]) <= set(cards.account_id.str[:6])  # the same BINs
    per_holder = mine.groupby("holder_id_number").size()
    assert (per_holder >= 2).any() and 0.05 < (per_holder >= 2).mean() < 0.5
    assert set(mine.bank) <= set(cards.bank)


def test_fee_transfers_share_the_ordinary_id_space_and_vocabulary(
    finance_city: SimulationSummary,
) -> None:
    acc = _accounts(finance_city).set_index("account_id")
    tx = read(finance_city, "transactions")
    assert _shape(tx.txn_id) == {"TX" + "9" * 12}
    fees = truth(finance_city, "fees")
    wired = fees.txn_id[fees.txn_id != ""]
    assert len(wired) > 10 and wired.isin(tx.txn_id).all()
    # the fee transfers are scattered among other people's transfers, not a block of ids
    ids = tx.txn_id.sort_values().reset_index(drop=True)
    pos = ids[ids.isin(wired)].index
    span = ids.iloc[pos.min() : pos.max() + 1]
    assert (~span.isin(wired)).sum() > 5 * len(wired)
    kind = tx.from_account.map(acc.kind)
    between_people = tx[(kind == "personal") & (tx.to_account.map(acc.kind) == "personal")]
    fee_rows = tx[tx.txn_id.isin(wired)]
    others = between_people[~between_people.txn_id.isin(wired)]
    assert set(fee_rows.channel) <= set(others.channel)
    assert set(fee_rows.memo) <= set(others.memo)


def test_participants_also_shop_and_send_money_home(finance_city: SimulationSummary) -> None:
    acc = _accounts(finance_city)
    theirs = set(acc.account_id[acc.participant])
    kind = acc.set_index("account_id").kind
    tx = read(finance_city, "transactions")
    out = tx[tx.from_account.isin(theirs)]
    assert (out.to_account.map(kind) == "merchant").sum() > 20  # shopping
    assert (out.channel == "atm").sum() > 0  # cash
    home = out[out.to_account.map(kind).eq("personal") & ~out.to_account.isin(theirs)]
    assert len(home) > 5  # to relatives back home
    inbound = tx[tx.to_account.isin(theirs) & ~tx.from_account.isin(theirs)]
    assert len(inbound) > 0  # and from them
    spenders = set(acc.holder_id_number[acc.account_id.isin(out.from_account)])
    assert len(spenders) > 0.5 * acc[acc.participant].holder_id_number.nunique()


def test_fee_truth_agrees_with_the_feed(finance_city: SimulationSummary) -> None:
    fees = truth(finance_city, "fees")
    tx = read(finance_city, "transactions").set_index("txn_id")
    holders = read(finance_city, "accounts").set_index("account_id").holder_id_number
    rows = tx.loc[fees.txn_id[fees.txn_id != ""]]
    wired = fees[fees.txn_id != ""]
    assert (holders.loc[rows.from_account].to_numpy() == wired.payer_id_number.to_numpy()).all()
    assert (holders.loc[rows.to_account].to_numpy() == wired.payee_id_number.to_numpy()).all()
    assert np.allclose(rows.amount.to_numpy(), wired.amount.astype(float).to_numpy())
    summary = truth(finance_city, "org_summary").set_index("org_id")
    paid = fees[fees.paid == "true"].groupby("org_id").amount.apply(lambda s: s.astype(float).sum())
    funds = summary.funds_collected.astype(float)
    assert np.allclose(paid.reindex(funds.index, fill_value=0.0).to_numpy(), funds.to_numpy())


def test_without_the_fraud_part_participants_still_hold_cards(
    clean_city: SimulationSummary,
) -> None:
    acc = read(clean_city, "accounts")
    tx = read(clean_city, "transactions")
    assert _shape(acc.account_id) == {"9" * 19} and (acc.kind == "personal").all()
    assert _shape(tx.txn_id) == {"TX" + "9" * 12}
    assert set(tx.channel) == {"mobile"} and set(tx.memo) == {"转账"}


def test_participants_leave_no_records_before_the_window(
    finance_city: SimulationSummary,
) -> None:
    phones = set(truth(finance_city, "participants").phone)
    acc = _accounts(finance_city)
    theirs = set(acc.account_id[acc.participant])
    tx = read(finance_city, "transactions")
    calls = read(finance_city, "calls")
    assert (tx.ts[tx.from_account.isin(theirs) | tx.to_account.isin(theirs)] >= START).all()
    assert (calls.ts[calls.caller.isin(phones) | calls.callee.isin(phones)] >= START).all()


def test_rental_record_ids_do_not_single_out_dens(clean_city: SimulationSummary) -> None:
    rentals = read(clean_city, "rentals").sort_values("record_id").reset_index(drop=True)
    mine = _is_participant(clean_city, rentals.tenant_id_number)
    assert mine.sum() >= 8
    rank = rentals.index.to_numpy() / len(rentals)
    assert abs(rank[mine].mean() - 0.5) < 0.2, rank[mine].mean()
    assert _shape(rentals.record_id[mine]) == _shape(rentals.record_id[~mine])
    # (the landlord's number is drawn alike for all; too few den rows to compare its blanks)
    gap = rentals.tenant_phone[mine].isna().mean() - rentals.tenant_phone[~mine].isna().mean()
    assert abs(gap) < 0.25


def test_calls_without_a_cell_are_not_only_participants(
    finance_city: SimulationSummary,
) -> None:
    persons = truth(finance_city, "persons").set_index("phone").group
    calls = read(finance_city, "calls")
    sides = pd.concat(
        [
            calls[["caller", "caller_cell"]].set_axis(["phone", "cell"], axis=1),
            calls[["callee", "callee_cell"]].set_axis(["phone", "cell"], axis=1),
        ]
    )
    sides["group"] = sides.phone.map(persons)
    city = sides[sides.group.notna()]  # the city's own phones
    blank = city[city.cell.isna()].groupby("phone").group.first()
    assert (blank == "participant").any()
    assert (blank != "participant").mean() > 0.3, blank.value_counts()
    assert city.cell.dropna().str.fullmatch(r"C\d{8}").all()


def test_other_sources_do_not_single_out_participants(
    finance_city: SimulationSummary,
) -> None:
    phones = read(finance_city, "phones")
    mine = _is_participant(finance_city, phones.id_number)
    assert set(phones.carrier[mine]) <= set(phones.carrier[~mine])
    assert _shape(phones.activated_at[mine].str[:10]) == _shape(phones.activated_at[~mine].str[:10])
    assert phones.activated_at[mine].max() < START  # like the other newcomers' phones
    for source, key, column in (
        ("bookings", "id_number", "booking_id"),
        ("access_events", "id_number", "event_id"),
    ):
        frame = read(finance_city, source)
        flag = _is_participant(finance_city, frame[key])
        assert flag.any()
        assert _shape(frame[column][flag]) <= _shape(frame[column][~flag]), source
        for name in frame.columns:
            gap = (
                frame[name][flag].isna().mean()
                - frame[name][~flag & frame[key].notna()].isna().mean()
            )
            assert abs(gap) < 0.2, (source, name)

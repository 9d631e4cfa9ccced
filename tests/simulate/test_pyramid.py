"""The planted organisations: trees, roles, dens, money and calls agree with truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
from simfeed import read, truth

from tianluo.simulate import SimulationSummary
from tianluo.simulate.config import PyramidConfig


def test_organisations_are_consistent_trees(clean_city: SimulationSummary) -> None:
    orgs = truth(clean_city, "organizations")
    orgs["level"] = orgs.level.astype(int)
    by_id = orgs.set_index("id_number")
    assert by_id.index.is_unique
    tops = orgs[orgs.upline_id_number == ""]
    assert (tops.role == "organizer").all() and (tops.level == 1).all()
    assert tops.org_id.is_unique and set(tops.org_id) == set(orgs.org_id)
    down = orgs[orgs.upline_id_number != ""]
    upline = by_id.loc[down.upline_id_number]
    assert (upline.org_id.to_numpy() == down.org_id.to_numpy()).all()
    assert (upline.level.to_numpy() + 1 == down.level.to_numpy()).all()
    assert (orgs[orgs.role == "organizer"].upline_id_number == "").all()


def test_roles_follow_the_downline_rule(clean_city: SimulationSummary) -> None:
    orgs = truth(clean_city, "organizations")
    below = dict.fromkeys(orgs.id_number, 0)
    up = dict(zip(orgs.id_number, orgs.upline_id_number, strict=True))
    for person in orgs.id_number:
        node = up[person]
        while node:
            below[node] += 1
            node = up[node]
    for person, role, top in zip(
        orgs.id_number, orgs.role, orgs.upline_id_number == "", strict=True
    ):
        expected = (
            "organizer"
            if top
            else "leader"
            if below[person] >= 10
            else "core"
            if below[person] >= 3
            else "member"
        )
        assert role == expected


def test_summary_has_every_kind_of_tree(clean_city: SimulationSummary) -> None:
    orgs = truth(clean_city, "organizations")
    summary = truth(clean_city, "org_summary")
    summary[["members", "levels"]] = summary[["members", "levels"]].astype(int)
    counted = orgs.groupby("org_id").agg(
        members=("id_number", "size"), levels=("level", lambda s: s.astype(int).max())
    )
    merged = summary.set_index("org_id").join(counted.add_suffix("_tree"))
    assert (merged.members == merged.members_tree).all() and (
        merged.levels == merged.levels_tree
    ).all()
    meets = (summary.members >= 30) & (summary.levels >= 3)
    assert (summary.meets_criminal_threshold == meets.map({True: "true", False: "false"})).all()
    assert meets.any(), "an organisation above the threshold"
    assert ((summary.members >= 30) & (summary.levels == 2)).any(), (
        "a wide one with only two levels"
    )
    assert ((summary.members < 30) & (summary.levels >= 5)).any(), "a deep but small one"
    assert (summary.funds_collected.astype(float) > 0).all()


def test_recruits_arrive_after_recruiters_and_mostly_share_their_province(
    clean_city: SimulationSummary,
) -> None:
    orgs = truth(clean_city, "organizations")
    part = truth(clean_city, "participants").set_index("id_number")
    down = orgs[orgs.upline_id_number != ""]
    arrive = pd.to_datetime(part.arrive_date)
    assert (
        arrive.loc[down.id_number].to_numpy() > arrive.loc[down.upline_id_number].to_numpy()
    ).all()
    same = (down.id_number.str[:2].to_numpy() == down.upline_id_number.str[:2].to_numpy()).mean()
    assert same > 0.45  # grows with the city: exact origin shares cap it in small ones


def test_dens_hold_four_to_twelve_members_of_one_organisation(
    clean_city: SimulationSummary,
) -> None:
    dens = truth(clean_city, "dens")
    members = truth(clean_city, "den_members")
    orgs = truth(clean_city, "organizations").set_index("id_number")
    sizes = members.groupby("den_id").size()
    cfg = PyramidConfig()
    assert sizes.between(cfg.den_min, cfg.den_max + cfg.den_min - 1).all()
    assert (sizes.reindex(dens.den_id).to_numpy() == dens.members.astype(int).to_numpy()).all()
    assert (
        members.assign(org=orgs.loc[members.id_number].org_id.to_numpy())
        .groupby("den_id")
        .org.nunique()
        == 1
    ).all()
    registered = read(clean_city, "rentals")
    den_rentals = registered[registered.address.isin(dens.address)]
    assert len(den_rentals) == (dens.registered == "true").sum()


def test_fees_go_from_recruit_to_recruiter_in_share_multiples(
    clean_city: SimulationSummary,
) -> None:
    cfg = PyramidConfig()
    fees = truth(clean_city, "fees")
    txns = read(clean_city, "transactions").set_index("txn_id")
    holders = read(clean_city, "accounts").set_index("account_id").holder_id_number
    allowed = {cfg.full_entry_price} | {
        k * cfg.share_price for k in range(1, cfg.full_entry_shares)
    }
    assert set(fees.amount.astype(float)) <= allowed
    wired = fees[fees.txn_id != ""]
    in_window = (fees.paid == "true") & (fees.paid_day.astype(int) >= 0)
    assert len(wired) > 0.7 * in_window.sum()
    assert (fees[fees.cash == "true"].txn_id == "").all()
    assert (fees[~in_window].txn_id == "").all()  # the feed holds the window's transfers only
    rows = txns.loc[wired.txn_id]
    assert (holders.loc[rows.from_account].to_numpy() == wired.payer_id_number.to_numpy()).all()
    assert (holders.loc[rows.to_account].to_numpy() == wired.payee_id_number.to_numpy()).all()
    assert np.allclose(rows.amount.to_numpy(), wired.amount.astype(float).to_numpy())
    assert txns.index.str.fullmatch(r"TX\d{12}").all()


def test_invitation_calls_precede_arrival(clean_city: SimulationSummary) -> None:
    orgs = truth(clean_city, "organizations")
    part = truth(clean_city, "participants").set_index("id_number")
    calls = read(clean_city, "calls")
    phone = part.phone
    down = orgs[orgs.upline_id_number != ""]
    pairs = pd.DataFrame(
        {
            "recruit": phone.loc[down.id_number].to_numpy(),
            "recruiter": phone.loc[down.upline_id_number].to_numpy(),
            "arrive": pd.to_datetime(part.arrive_date.loc[down.id_number]).to_numpy(),
        }
    )
    # the feed holds the window's calls only: recruits invited wholly inside it
    pairs = pairs[pairs.arrive >= pd.Timestamp("2026-03-02") + pd.Timedelta(days=21)]
    assert len(pairs) >= 20
    calls["day"] = pd.to_datetime(calls.ts.str[:10])
    invited = pairs.merge(calls, left_on=["recruiter", "recruit"], right_on=["caller", "callee"])
    first = invited.groupby("recruit").agg(first=("day", "min"), arrive=("arrive", "first"))
    before = (first["first"] < first.arrive).sum() / len(pairs)  # called before travelling
    expected = 1 - PyramidConfig().never_called_share
    assert abs(before - expected) < 4 * np.sqrt(expected * (1 - expected) / len(pairs))


def test_sweeps_seize_participants_with_heavier_dispositions_at_the_top(
    clean_city: SimulationSummary,
) -> None:
    seized = read(clean_city, "seizures")
    seized = seized[
        seized.seized_at >= "2026-03-02"
    ]  # this window's sweeps (test_evidence: earlier)
    orgs = truth(clean_city, "organizations").set_index("id_number")
    assert len(seized) > 0
    roles = orgs.role.reindex(seized.id_number).fillna("bystander").to_numpy()
    assert (roles != "bystander").mean() > 0.8
    light = {"education", "repatriation", "fine"}
    assert set(seized.disposition[roles == "member"]) <= light
    assert set(seized.disposition[roles == "organizer"]) <= {"arrest", "sentence"}
    assert set(seized.disposition[roles == "bystander"]) <= {"education"}

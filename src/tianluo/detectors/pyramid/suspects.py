"""The suspect profile: every kind of evidence about a person, weighed into one score.

Two passes (``suspect_model`` explains the weighing):

1. *Behaviour*: out-of-province origin, days in the city and near watched sites
   (the 云觅 rule's own quantities), lecture days, hours at venues outside
   lectures, out-of-province co-residents, gate passes, fee-schedule transfers.
2. *Company*: the same, plus how many first-pass suspects a person calls or is
   called by, and the mean first-pass score of the people they sleep beside.

A seizure record then adds its own weight (noisy-OR), so a person taken in a
sweep ranks high whatever their phone shows, and a prior seizure counts for less.

Output: the full profile (``derived/suspect_profile``: one row per person with
every feature, the score and the reasons) for the den, organisation and
statistics detectors, and the contract result ``suspects`` (people at or above
``list_min_score``).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from tianluo.detectors.outputs import read_derived
from tianluo.detectors.pyramid.coresidence import coresident_pairs, count_partners
from tianluo.detectors.pyramid.evidence import person_evidence
from tianluo.detectors.pyramid.suspect_model import Fitted, fit_scores, noisy_or
from tianluo.engine import Engine
from tianluo.model.regions import provinces
from tianluo.rules import Rules

PROFILE = "suspect_profile"
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")
CANDIDATE_MIN_SCORE = 0.2
"""First-pass score from which a person's calls count as company of suspects."""

BEHAVIOUR = [
    "out_of_province",
    "origin_unknown",
    "days_in_city",
    "near_share",
    "residency_rule",
    "lecture_days",
    "venue_offhours_share",
    "coresidents",
    "gate_days",
    "fees_paid",
    "fees_received",
    "refunds_received",
]
COMPANY = ["suspect_contacts", "coresident_score"]


def profile_frame(engine: Engine, rules: Rules, has_transfers: bool) -> pd.DataFrame:
    """Every person seen in the pings with their evidence, as one pandas frame."""
    activity = read_derived(engine, "activity_profile")
    presence = read_derived(engine, "presence_daily")
    transfers = read_derived(engine, "transfer_links") if has_transfers else None
    start = engine.to_arrow(activity.aggregate(start=activity.first_day.min()))["start"][0]
    window_start = int(start.as_py()) if start.is_valid else 0
    evidence = person_evidence(engine, activity, presence, transfers, rules.residency, window_start)
    frame = engine.to_arrow(evidence).to_pandas()
    for column in ("fees_paid", "fees_received", "refunds_received", "fee_payers", "fee_payees"):
        if column not in frame.columns:
            frame[column] = 0
    ordered: pd.DataFrame = frame.sort_values("person_key", ignore_index=True)
    return ordered


def behaviour_features(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The first-pass features, one row per person (counts, shares and flags)."""
    rule = rules.residency
    keys = frame["person_key"].astype(str)
    is_id = keys.str.match(ID_NUMBER.pattern)
    out = is_id & ~keys.str.startswith(rule.local_province_code)
    days = frame["days_in_city"].to_numpy(np.float64)
    near = frame["days_near_sites"].to_numpy(np.float64)
    share = np.divide(near, days, out=np.zeros_like(near), where=days > 0)
    fires = (days > rule.in_city_days_more_than) & (
        share >= rule.near_site_min_share_of_days - 1e-9
    )
    venue = frame["venue_pings"].to_numpy(np.float64)
    off = frame["venue_offhours_pings"].to_numpy(np.float64)
    return pd.DataFrame(
        {
            "out_of_province": out.astype(float),
            "origin_unknown": (~is_id).astype(float),
            "days_in_city": days,
            "near_share": share,
            "residency_rule": (fires & out).astype(float),
            "lecture_days": frame["lecture_days"].to_numpy(np.float64),
            "venue_offhours_share": np.divide(off, venue, out=np.zeros_like(off), where=venue > 0),
            "coresidents": frame["coresidents"].to_numpy(np.float64),
            "gate_days": frame["gate_days"].to_numpy(np.float64),
            "fees_paid": frame["fees_paid"].to_numpy(np.float64),
            "fees_received": frame["fees_received"].to_numpy(np.float64),
            "refunds_received": frame["refunds_received"].to_numpy(np.float64),
        }
    )


def add_coresidents(
    frame: pd.DataFrame, rules: Rules
) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
    """Count each out-of-province sleeper's co-residents; returns the frame and the pairs.

    Pairs index the frame's rows.
    """
    keys = frame["person_key"].astype(str)
    eligible = (
        keys.str.match(ID_NUMBER.pattern)
        & ~keys.str.startswith(rules.residency.local_province_code)
        & (frame["night_pings"] >= rules.suspects.min_night_pings)
        & frame["night_lat"].notna()
    ).to_numpy()
    rows = np.flatnonzero(eligible)
    local = coresident_pairs(
        frame["night_lat"].to_numpy(np.float64)[rows],
        frame["night_lon"].to_numpy(np.float64)[rows],
        rules.suspects.coresidence_radius_m,
    )
    pairs = rows[local] if len(local) else np.zeros((0, 2), np.int64)
    frame = frame.assign(coresidents=count_partners(pairs, len(frame)))
    return frame, pairs


def suspect_contacts(
    engine: Engine, keys: pd.Series, first_pass: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Per person, how many distinct first-pass candidates they called or were called by."""
    count = np.zeros(len(keys))
    if not engine.has_source("calls"):
        return count
    candidates = keys[first_pass >= CANDIDATE_MIN_SCORE]
    if candidates.empty:
        return count
    table = engine.register(
        "suspect_candidates", pa.table({"person_key": pa.array(candidates.tolist(), pa.string())})
    )
    links = read_derived(engine, "call_links").select("caller_key", "callee_key")
    callers = table.select(caller_key=table.person_key)
    callees = table.select(callee_key=table.person_key)
    both = links.semi_join(callers, "caller_key").semi_join(callees, "callee_key")
    pairs = engine.to_arrow(both).to_pandas()
    pairs = pd.concat(
        [pairs, pairs.rename(columns={"caller_key": "callee_key", "callee_key": "caller_key"})]
    ).drop_duplicates()
    per = pairs.groupby("caller_key").size()
    index = pd.Index(keys)
    positions = index.get_indexer(per.index)
    count[positions[positions >= 0]] = per.to_numpy()[positions >= 0]
    return count


def coresident_score(
    pairs: npt.NDArray[np.int64], first_pass: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Per person, the mean first-pass score of their co-residents (0 when none)."""
    n = len(first_pass)
    if len(pairs) == 0:
        return np.zeros(n)
    total = np.bincount(pairs[:, 0], first_pass[pairs[:, 1]], n) + np.bincount(
        pairs[:, 1], first_pass[pairs[:, 0]], n
    )
    count = np.bincount(pairs.ravel(), minlength=n)
    out: npt.NDArray[np.float64] = np.divide(total, count, out=np.zeros(n), where=count > 0)
    return out


def score_profile(engine: Engine, rules: Rules, has_transfers: bool) -> pd.DataFrame:
    """The full profile: evidence, both passes, the final score and the reasons."""
    frame = profile_frame(engine, rules, has_transfers)
    frame, pairs = add_coresidents(frame, rules)
    seized = (frame["seized_in_window"] + frame["seized_before"] > 0).to_numpy()
    behaviour = behaviour_features(frame, rules)
    min_labelled = rules.suspects.min_seized_to_learn
    first = fit_scores(behaviour, seized, min_labelled)
    company = behaviour.assign(
        suspect_contacts=suspect_contacts(engine, frame["person_key"], first.score),
        coresident_score=coresident_score(pairs, first.score),
    )
    second = fit_scores(company, seized, min_labelled)
    weight = rules.suspects
    in_window = np.where(frame["seized_in_window"] > 0, weight.seized_in_window_weight, 0.0)
    before = np.where(frame["seized_before"] > 0, weight.seized_before_weight, 0.0)
    score = noisy_or(second.score, in_window, before)
    frame = pd.concat(
        [frame, company.drop(columns=frame.columns.intersection(company.columns))], axis=1
    )
    frame["behaviour_score"] = second.score
    frame["score"] = np.round(score, 6)
    frame["reasons"] = reasons(frame, second)
    frame["learned"] = second.learned
    return frame


FEATURE_TEXT: dict[str, str] = {
    "out_of_province": "identity number from {origin}",
    "residency_rule": (
        "云觅 rule met: {days_in_city:.0f} days in the city, {near_share:.0%} near watched sites"
    ),
    "days_in_city": "{days_in_city:.0f} days in the city",
    "near_share": "{near_share:.0%} of days within the rule's radius of a watched site",
    "lecture_days": "at venue {lecture_venue} in lecture hours on {lecture_days:.0f} weekdays",
    "venue_offhours_share": "{venue_offhours_share:.0%} of venue visits outside lecture hours",
    "coresidents": "sleeps within metres of {coresidents:.0f} out-of-province adults",
    "gate_days": "logged at a venue gate on {gate_days:.0f} days",
    "fees_paid": "paid {fees_paid:.0f} transfers on the fee schedule",
    "fees_received": "received {fees_received:.0f} transfers on the fee schedule",
    "refunds_received": "received {refunds_received:.0f} scheme refunds",
    "suspect_contacts": "calls with {suspect_contacts:.0f} other suspects",
    "coresident_score": "co-residents score {coresident_score:.2f} on average",
}
REASONS_CITED = 4


def reasons(frame: pd.DataFrame, fitted: Fitted) -> list[str]:
    """Per person: the evidence that raised the score most, then any seizure, in words."""
    contributions = fitted.contributions
    columns = [c for c in contributions.columns if c in FEATURE_TEXT]
    # cite only evidence that is there: a feature above zero that pushed the score up
    present = frame[columns].to_numpy(np.float64) > 0
    values = np.where(present, contributions[columns].to_numpy(np.float64), 0.0)
    order = np.argsort(-values, axis=1)[:, :REASONS_CITED]
    how = "learnt from {n} seized people" if fitted.learned else "fixed evidence strengths"
    source = how.format(n=fitted.labelled)
    out: list[str] = []
    records: list[dict[str, object]] = [
        {str(k): v for k, v in r.items()} for r in frame.to_dict("records")
    ]
    for row, (record, ranked) in enumerate(zip(records, order, strict=True)):
        parts = []
        for j in ranked:
            if values[row, j] <= 0:
                break
            parts.append(_describe(columns[j], record))
        disposition = record["disposition"]
        said = disposition if isinstance(disposition, str) else "no disposition"
        if float(str(record["seized_in_window"])) > 0:
            parts.append(f"seized in this period ({said})")
        elif float(str(record["seized_before"])) > 0:
            parts.append(f"seized in an earlier sweep ({said})")
        text = "; ".join(parts) if parts else "no evidence beyond presence"
        out.append(f"{text} [score {record['score']:.2f}, {source}]")
    return out


def _describe(feature: str, record: dict[str, object]) -> str:
    values = dict(record)
    key = str(record["person_key"])
    values["origin"] = provinces().get(key[:2], key[:2]) if ID_NUMBER.match(key) else "?"
    venue = record.get("lecture_venue")
    values["lecture_venue"] = venue if isinstance(venue, str) else "?"
    return FEATURE_TEXT[feature].format(**values)


def suspects_result(profile: pd.DataFrame, rules: Rules) -> pa.Table:
    """The contract's ``suspects``: people at or above ``list_min_score``, highest first."""
    listed = profile[profile["score"] >= rules.suspects.list_min_score]
    listed = listed.sort_values(["score", "person_key"], ascending=[False, True])
    return pa.table(
        {
            "id_number": pa.array(listed["person_key"].astype(str).tolist(), pa.string()),
            "score": pa.array(listed["score"].to_numpy(np.float64), pa.float64()),
            "reasons": pa.array(listed["reasons"].tolist(), pa.string()),
        }
    )


def profile_table(profile: pd.DataFrame) -> pa.Table:
    """The profile as Arrow, for ``derived/suspect_profile``."""
    return pa.Table.from_pandas(profile, preserve_index=False)


__all__ = ["PROFILE", "profile_table", "score_profile", "suspects_result"]

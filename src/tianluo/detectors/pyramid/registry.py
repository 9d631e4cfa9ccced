"""The pyramid-selling detectors, in the order they depend on each other."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from tianluo.detectors.detector import Detector
from tianluo.detectors.outputs import write_derived, write_derived_table
from tianluo.detectors.pyramid.activity import activity_profile
from tianluo.detectors.pyramid.alerts import pyramid_alerts
from tianluo.detectors.pyramid.dens import dens_result, find_dens
from tianluo.detectors.pyramid.links import call_links, transfer_links
from tianluo.detectors.pyramid.organizations import build_organizations, org_tables
from tianluo.detectors.pyramid.residency_rule import residency_rule
from tianluo.detectors.pyramid.stats.detectors import STATISTICS_DETECTORS
from tianluo.detectors.pyramid.suspects import (
    PROFILE,
    profile_table,
    score_profile,
    suspects_result,
)
from tianluo.engine import Engine
from tianluo.results import write_result
from tianluo.rules import Rules


def _residency_rule(engine: Engine, rules: Rules) -> Path:
    presence = engine.read_parquet(
        engine.workspace.derived_path("presence_daily"), "presence_daily"
    )
    path = engine.workspace.derived_path("residency_rule")
    return engine.write_parquet(residency_rule(presence, rules.residency), path)


def _activity(engine: Engine, rules: Rules) -> Path:
    return write_derived(engine, "activity_profile", activity_profile(engine, rules.suspects))


def _call_links(engine: Engine, rules: Rules) -> Path:
    return write_derived(engine, "call_links", call_links(engine))


def _transfer_links(engine: Engine, rules: Rules) -> Path:
    return write_derived(engine, "transfer_links", transfer_links(engine, rules.suspects))


def _suspects(engine: Engine, rules: Rules) -> Path:
    has_transfers = engine.has_source("transactions") and engine.has_source("accounts")
    profile = score_profile(engine, rules, has_transfers)
    write_derived_table(engine.workspace, PROFILE, profile_table(profile))
    return write_result(engine.workspace, "suspects", suspects_result(profile, rules))


def _profile(engine: Engine) -> pd.DataFrame:
    profile: pd.DataFrame = pq.read_table(engine.workspace.derived_path(PROFILE)).to_pandas()
    return profile


def _dens(engine: Engine, rules: Rules) -> Path:
    dens = find_dens(engine, _profile(engine), rules.dens)
    return write_result(engine.workspace, "dens", dens_result(dens))


def _organizations(engine: Engine, rules: Rules) -> Path:
    trees = build_organizations(engine, _profile(engine), rules.organizations)
    members, summary = org_tables(trees, rules.organizations)
    write_result(engine.workspace, "org_summary", summary)
    return write_result(engine.workspace, "organizations", members)


def _alerts(engine: Engine, rules: Rules) -> Path:
    return write_derived_table(
        engine.workspace, "alerts_pyramid", pyramid_alerts(engine.workspace, rules)
    )


PYRAMID_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "residency_rule",
        "the bare 云觅 residency rule (the baseline every suspect score must beat)",
        (),
        ("presence_daily",),
        "residency_rule",
        _residency_rule,
    ),
    Detector(
        "activity_profile",
        "per person: lecture days at venues, venue hours, where they sleep",
        ("pings", "phones", "sites"),
        (),
        "activity_profile",
        _activity,
    ),
    Detector(
        "call_links",
        "who called whom, per pair of people",
        ("calls",),
        (),
        "call_links",
        _call_links,
    ),
    Detector(
        "transfer_links",
        "who paid whom, per pair of account holders, with fee-schedule transfers",
        ("transactions", "accounts"),
        (),
        "transfer_links",
        _transfer_links,
    ),
    Detector(
        "suspects",
        "the suspect profile: residency, lectures, co-residence, gates, fees, calls, seizures",
        (),
        ("presence_daily", "activity_profile"),
        "suspects",
        _suspects,
    ),
    Detector(
        "dens",
        "dens: suspects from other provinces sleeping together, placed by rentals",
        (),
        ("suspects",),
        "dens",
        _dens,
    ),
    Detector(
        "organizations",
        "organisations and their recruitment trees, with the criminal-threshold test",
        (),
        ("suspects",),
        "organizations",
        _organizations,
    ),
    Detector(
        "pyramid_alerts",
        "alerts for the queue: high-scoring suspects, dens, organisations over the threshold",
        (),
        ("suspects", "dens", "organizations"),
        "alerts_pyramid",
        _alerts,
    ),
    *STATISTICS_DETECTORS,
)

"""The ``mule_accounts`` result: every receiving account scored, with its evidence, and alerts.

Features come from the engine (``mule_features``) and the accounts that reported
money passed through (``fraud_reach``, written by the trace detector); the score is
the readable rule score (``mule_score``), blended with a model learnt from the
accounts victims paid in their reports when the feed has enough of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tianluo.detectors.fraud.labels import accounts_paid_in_reports
from tianluo.detectors.fraud.listing import list_scored, write_listed
from tianluo.detectors.fraud.model import as_matrix, learned_scores
from tianluo.detectors.fraud.mule_features import MULE_FEATURES, mule_features
from tianluo.detectors.fraud.mule_score import mule_reasons, mule_signs, rule_score
from tianluo.detectors.outputs import read_derived
from tianluo.engine import Engine
from tianluo.rules.fraud import FraudRules
from tianluo.trace import reported_transfers


def score_mules(engine: Engine, rules: FraudRules) -> pd.DataFrame:
    """Receiving accounts scored at least ``list_min_score``, best first: features,
    ``rule_score``, ``learned`` (NaN without a model), ``score`` and ``reasons``."""
    settings = rules.mules
    features = engine.to_arrow(mule_features(engine, settings)).to_pandas()
    reach = engine.to_arrow(read_derived(engine, "fraud_reach")).to_pandas()
    reach = reach.rename(columns={"yuan_received": "yuan_reported"})
    features = features.merge(reach, on="account_id", how="left")
    features = features.sort_values("account_id", ignore_index=True)
    paid = accounts_paid_in_reports(engine, reported_transfers(engine))
    confirmed = features["account_id"].map(lambda a: paid.get(a, 0)).to_numpy() > 0
    signs = mule_signs(features, settings)
    readable = rule_score(signs, features["min_hops"].to_numpy(dtype=np.float64))
    learned = learned_scores(as_matrix(features, MULE_FEATURES), confirmed)
    return list_scored(
        features,
        signs,
        readable,
        learned,
        key="account_id",
        model_weight=settings.model_weight,
        list_min_score=settings.list_min_score,
        explain=lambda f, s, _listed: mule_reasons(f, s, settings),
        model_note=f"{int(confirmed.sum())} accounts victims paid",
    )


def write_mule_accounts(engine: Engine, rules: FraudRules) -> Path:
    """Write ``mule_accounts`` (score at least ``list_min_score``) and the mule alerts."""
    return write_listed(
        engine,
        score_mules(engine, rules),
        result="mule_accounts",
        key="account_id",
        kind="mule_account",
        alert_min_score=rules.mules.alert_min_score,
        seen="last_seen",
    )

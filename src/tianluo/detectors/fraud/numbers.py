"""The ``fraud_numbers`` result: every busy caller scored, with its evidence, and alerts.

Features are computed by the engine (``number_features``); the score is the
readable rule score (``number_score``), blended with a model learnt from the
numbers named in victims' reports when the feed has enough of them (``model``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tianluo.detectors.fraud.labels import numbers_named_in_reports
from tianluo.detectors.fraud.listing import list_scored, write_listed
from tianluo.detectors.fraud.model import as_matrix, learned_scores
from tianluo.detectors.fraud.number_features import NUMBER_FEATURES, number_features
from tianluo.detectors.fraud.number_score import number_reasons, number_signs, rule_score
from tianluo.engine import Engine
from tianluo.rules.fraud import FraudRules


def score_numbers(engine: Engine, rules: FraudRules) -> pd.DataFrame:
    """Busy callers scored at least ``list_min_score``, best first: features, ``rule_score``,
    ``learned`` (NaN without a model), ``score`` and ``reasons``."""
    settings = rules.numbers
    features = engine.to_arrow(number_features(engine, settings)).to_pandas()
    features = features.sort_values("phone", ignore_index=True)
    named = numbers_named_in_reports(engine)
    reports = features["phone"].map(lambda p: named.get(p, 0)).to_numpy(dtype=np.int64)
    signs = number_signs(features, settings)
    readable = rule_score(signs, reports)
    learned = learned_scores(as_matrix(features, NUMBER_FEATURES), reports > 0)
    return list_scored(
        features,
        signs,
        readable,
        learned,
        key="phone",
        model_weight=settings.model_weight,
        list_min_score=settings.list_min_score,
        explain=lambda f, s, listed: number_reasons(f, s, reports[listed], settings),
        model_note=f"{int((reports > 0).sum())} reported numbers",
    )


def write_fraud_numbers(engine: Engine, rules: FraudRules) -> Path:
    """Write ``fraud_numbers`` (score at least ``list_min_score``) and the number alerts."""
    return write_listed(
        engine,
        score_numbers(engine, rules),
        result="fraud_numbers",
        key="phone",
        kind="fraud_number",
        alert_min_score=rules.numbers.alert_min_score,
        seen="last_call",
    )

"""The ``fraud_numbers`` result: every busy caller scored, with its evidence, and alerts.

Features are computed by the engine (``number_features``); the score is the
readable rule score (``number_score``), blended with a model learnt from the
numbers named in victims' reports when the feed has enough of them (``model``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.detectors.fraud.alerts import alert_rows, write_alerts
from tianluo.detectors.fraud.labels import numbers_named_in_reports
from tianluo.detectors.fraud.model import as_matrix, learned_scores
from tianluo.detectors.fraud.number_features import NUMBER_FEATURES, number_features
from tianluo.detectors.fraud.number_score import number_reasons, number_signs, rule_score
from tianluo.detectors.fraud.signs import blend
from tianluo.engine import Engine
from tianluo.results import write_result
from tianluo.rules.fraud import FraudRules

RESULT_SCHEMA = pa.schema(
    [("phone", pa.string()), ("score", pa.float64()), ("reasons", pa.string())]
)


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
    features["rule_score"] = readable
    features["learned"] = learned if learned is not None else np.nan
    features["score"] = np.clip(blend(readable, learned, settings.model_weight), 0.0, 1.0)
    listed = (features["score"] >= settings.list_min_score).to_numpy()
    features = features[listed].reset_index(drop=True)  # reasons only for those listed
    signs = {name: values[listed] for name, values in signs.items()}
    reasons = number_reasons(features, signs, reports[listed], settings)
    if learned is not None:
        positives = int((reports > 0).sum())
        reasons = [
            f"{r}; model learnt from {positives} reported numbers: {p:.2f}"
            for r, p in zip(reasons, features["learned"], strict=True)
        ]
    features["reasons"] = reasons
    ranked: pd.DataFrame = features.sort_values(
        ["score", "phone"], ascending=[False, True], ignore_index=True
    )
    return ranked


def write_fraud_numbers(engine: Engine, rules: FraudRules) -> Path:
    """Write ``fraud_numbers`` (score at least ``list_min_score``) and the number alerts."""
    listed = score_numbers(engine, rules)
    table = pa.Table.from_pandas(
        listed[["phone", "score", "reasons"]], schema=RESULT_SCHEMA, preserve_index=False
    )
    path = write_result(engine.workspace, "fraud_numbers", table)
    flagged = listed[listed["score"] >= rules.numbers.alert_min_score]
    alerts = alert_rows(
        "fraud_number",
        subjects=flagged["phone"].tolist(),
        scores=flagged["score"].tolist(),
        created_at=[t.to_pydatetime() for t in flagged["last_call"]],
        reasons=flagged["reasons"].tolist(),
    )
    write_alerts(engine, "fraud_number", alerts)
    return path

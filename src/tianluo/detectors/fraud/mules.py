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
import pyarrow as pa

from tianluo.detectors.fraud.alerts import alert_rows, write_alerts
from tianluo.detectors.fraud.labels import accounts_paid_in_reports
from tianluo.detectors.fraud.model import as_matrix, learned_scores
from tianluo.detectors.fraud.mule_features import MULE_FEATURES, mule_features
from tianluo.detectors.fraud.mule_score import mule_reasons, mule_signs, rule_score
from tianluo.detectors.fraud.signs import blend
from tianluo.detectors.outputs import read_derived
from tianluo.engine import Engine
from tianluo.results import write_result
from tianluo.rules.fraud import FraudRules
from tianluo.trace import reported_transfers

RESULT_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("score", pa.float64()), ("reasons", pa.string())]
)


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
    features["rule_score"] = readable
    features["learned"] = learned if learned is not None else np.nan
    features["score"] = np.clip(blend(readable, learned, settings.model_weight), 0.0, 1.0)
    listed = (features["score"] >= settings.list_min_score).to_numpy()
    features = features[listed].reset_index(drop=True)  # reasons only for those listed
    signs = {name: values[listed] for name, values in signs.items()}
    reasons = mule_reasons(features, signs, settings)
    if learned is not None:
        positives = int(confirmed.sum())
        reasons = [
            f"{r}; model learnt from {positives} accounts victims paid: {p:.2f}"
            for r, p in zip(reasons, features["learned"], strict=True)
        ]
    features["reasons"] = reasons
    ranked: pd.DataFrame = features.sort_values(
        ["score", "account_id"], ascending=[False, True], ignore_index=True
    )
    return ranked


def write_mule_accounts(engine: Engine, rules: FraudRules) -> Path:
    """Write ``mule_accounts`` (score at least ``list_min_score``) and the mule alerts."""
    listed = score_mules(engine, rules)
    table = pa.Table.from_pandas(
        listed[["account_id", "score", "reasons"]], schema=RESULT_SCHEMA, preserve_index=False
    )
    path = write_result(engine.workspace, "mule_accounts", table)
    flagged = listed[listed["score"] >= rules.mules.alert_min_score]
    alerts = alert_rows(
        "mule_account",
        subjects=flagged["account_id"].tolist(),
        scores=flagged["score"].tolist(),
        created_at=[t.to_pydatetime() for t in flagged["last_seen"]],
        reasons=flagged["reasons"].tolist(),
    )
    write_alerts(engine, "mule_account", alerts)
    return path

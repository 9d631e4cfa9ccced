"""From scores to a listed result: blend, keep those above the bar, explain, rank, write.

Fraud numbers and mule accounts are listed the same way: the readable score is
blended with the learned one (when there is a model), only rows scoring at least
``list_min_score`` are kept and explained, and the best come first. The listed
rows are written as the contract result, and those at ``alert_min_score`` or more
as alerts of their kind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.detectors.fraud.alerts import write_alerts
from tianluo.detectors.fraud.signs import blend
from tianluo.detectors.outputs import alert_rows
from tianluo.engine import Engine
from tianluo.results import write_result

Explain = Callable[[pd.DataFrame, dict[str, np.ndarray], np.ndarray], list[str]]
"""Reasons for the listed rows: (listed features, their signs, the listed mask)."""


def list_scored(
    features: pd.DataFrame,
    signs: dict[str, np.ndarray],
    readable: np.ndarray,
    learned: np.ndarray | None,
    *,
    key: str,
    model_weight: float,
    list_min_score: float,
    explain: Explain,
    model_note: str,
) -> pd.DataFrame:
    """The rows scoring at least ``list_min_score``, best first, with ``rule_score``,
    ``learned`` (NaN without a model), ``score`` and ``reasons``.

    With a model, each reason ends with ``; model learnt from <model_note>: <p>``.
    """
    features["rule_score"] = readable
    features["learned"] = learned if learned is not None else np.nan
    features["score"] = np.clip(blend(readable, learned, model_weight), 0.0, 1.0)
    listed = (features["score"] >= list_min_score).to_numpy()
    features = features[listed].reset_index(drop=True)  # reasons only for those listed
    reasons = explain(features, {name: values[listed] for name, values in signs.items()}, listed)
    if learned is not None:
        reasons = [
            f"{r}; model learnt from {model_note}: {p:.2f}"
            for r, p in zip(reasons, features["learned"], strict=True)
        ]
    features["reasons"] = reasons
    ranked: pd.DataFrame = features.sort_values(
        ["score", key], ascending=[False, True], ignore_index=True
    )
    return ranked


def write_listed(
    engine: Engine,
    listed: pd.DataFrame,
    *,
    result: str,
    key: str,
    kind: str,
    alert_min_score: float,
    seen: str,
) -> Path:
    """Write the contract result ``result`` and the alerts of ``kind``.

    ``seen`` is the column with the last time the evidence was seen (the alert's time).
    """
    schema = pa.schema([(key, pa.string()), ("score", pa.float64()), ("reasons", pa.string())])
    table = pa.Table.from_pandas(
        listed[[key, "score", "reasons"]], schema=schema, preserve_index=False
    )
    path = write_result(engine.workspace, result, table)
    flagged = listed[listed["score"] >= alert_min_score]
    alerts = alert_rows(
        kind,
        subjects=flagged[key].tolist(),
        scores=flagged["score"].tolist(),
        created_at=[t.to_pydatetime() for t in flagged[seen]],
        reasons=flagged["reasons"].tolist(),
    )
    write_alerts(engine, kind, alerts)
    return path

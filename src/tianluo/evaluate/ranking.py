"""Scoring a ranked result over a universe: everyone who could have been flagged.

Everyone in the universe gets the result's score, or 0 when the result does
not list them. Items of the result outside the universe are counted but not
scored (they cannot be labelled true or false).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tianluo.evaluate.metrics import (
    BoolArray,
    FloatArray,
    average_precision,
    f1_at_k,
    roc_auc,
    safe_ratio,
    top_k_weights,
)
from tianluo.evaluate.models import GroupFalsePositives, RankingScores
from tianluo.evaluate.tables import Columns


@dataclass(frozen=True, slots=True)
class RankedUniverse:
    """The universe as parallel arrays: key, is-true-case, score."""

    keys: list[str]
    labels: BoolArray
    scores: FloatArray
    predicted: int
    outside_universe: int

    @property
    def positives(self) -> int:
        return int(self.labels.sum())

    def top_k(self) -> FloatArray:
        """Chance of each item being in the top-k list, k = the number of true cases."""
        return top_k_weights(self.scores, self.positives)


def rank_universe(
    universe: Iterable[str], positives: Iterable[str], predicted: Mapping[str, float]
) -> RankedUniverse:
    """Label and score every item of the universe (true cases are always part of it)."""
    true_set = set(positives)
    keys = sorted(set(universe) | true_set)
    known = set(keys)
    labels = np.array([k in true_set for k in keys], dtype=np.bool_)
    scores = np.array([predicted.get(k, 0.0) for k in keys], dtype=np.float64)
    inside = sum(1 for k in predicted if k in known)
    return RankedUniverse(keys, labels, scores, inside, len(predicted) - inside)


def ranking_scores(ranked: RankedUniverse) -> RankingScores:
    """ROC AUC, average precision and F1 at the true count over the universe."""
    return RankingScores(
        universe=len(ranked.keys),
        positives=ranked.positives,
        predicted=ranked.predicted,
        outside_universe=ranked.outside_universe,
        roc_auc=roc_auc(ranked.labels, ranked.scores),
        average_precision=average_precision(ranked.labels, ranked.scores),
        f1_at_true_count=f1_at_k(ranked.labels, ranked.scores, ranked.positives),
    )


def group_false_positives(
    ranked: RankedUniverse, group_of: Mapping[str, str], groups: Sequence[str]
) -> list[GroupFalsePositives]:
    """Per group of innocent look-alikes: how many land in the top-k list."""
    chosen = ranked.top_k()
    rows = []
    for group in groups:
        members = np.array([group_of.get(k) == group for k in ranked.keys], dtype=np.bool_)
        innocent = members & ~ranked.labels
        flagged = float(chosen[innocent].sum())
        rows.append(
            GroupFalsePositives(
                group=group,
                persons=int(innocent.sum()),
                flagged=flagged,
                false_positive_rate=safe_ratio(flagged, int(innocent.sum())),
            )
        )
    return rows


def scores_by_key(result: Columns, key: str, score: str = "score") -> dict[str, float]:
    """The highest score of each key in a result (a blank score counts 0)."""
    best: dict[str, float] = {}
    values = result.number(score) if result.has(score) else np.ones(len(result))
    for k, s in zip(result.text(key), values, strict=True):
        if k is None:
            continue
        value = 0.0 if np.isnan(s) else float(s)
        best[k] = max(value, best.get(k, value))
    return best


def true_keys(truth: Columns, key: str) -> set[str]:
    """The true cases of a truth file: every row, unless a score column says 0."""
    keys = truth.text(key)
    if not truth.has("score"):
        return {k for k in keys if k is not None}
    scores = truth.number("score")
    return {k for k, s in zip(keys, scores, strict=True) if k is not None and not s <= 0}

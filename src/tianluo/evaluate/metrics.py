"""Pure scoring functions: ranking quality, top-k selection, distances, set overlap.

Every function takes plain arrays or sets and returns a number, or None when the
metric is undefined (no positives, nothing predicted). None is reported as
"n/a", never as zero, so an undefined metric cannot pass for a bad one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from math import comb
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
EARTH_RADIUS_M = 6_371_008.8
Record = TypeVar("Record", bound=Hashable)
Cluster = TypeVar("Cluster", bound=Hashable)


def roc_auc(labels: BoolArray, scores: FloatArray) -> float | None:
    """Chance that a random true case outscores a random other one (ties count half)."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = _average_ranks(scores)
    rank_sum = float(ranks[labels].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def _average_ranks(scores: FloatArray) -> FloatArray:
    """1-based ranks, tied scores sharing the mean of their ranks."""
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts).astype(np.float64)
    mean_rank = ends - (counts - 1) / 2.0
    return mean_rank[inverse]


def average_precision(labels: BoolArray, scores: FloatArray) -> float | None:
    """Precision averaged over the recall steps of the ranking (ties form one step)."""
    positives = int(labels.sum())
    if positives == 0:
        return None
    order = np.argsort(-scores, kind="stable")
    ranked_scores, ranked_labels = scores[order], labels[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(ranked_scores)), len(scores) - 1]
    true_pos = np.cumsum(ranked_labels)[last_of_tie].astype(np.float64)
    precision = true_pos / (last_of_tie + 1)
    recall = true_pos / positives
    steps = np.diff(np.r_[0.0, recall])
    return float((steps * precision).sum())


def top_k_weights(scores: FloatArray, k: int) -> FloatArray:
    """How likely each item is to be in the top ``k`` when ties are broken at random.

    Items above the k-th score are in (1), items below are out (0), and the
    items tied with it share the remaining places equally.
    """
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(n)
    if k >= n:
        return np.ones(n)
    kth = np.sort(scores)[::-1][k - 1]
    above: BoolArray = scores > kth
    tied: BoolArray = scores == kth
    weights: FloatArray = above.astype(np.float64)
    weights[tied] = (k - int(above.sum())) / int(tied.sum())
    return weights


def f1_at_k(labels: BoolArray, scores: FloatArray, k: int) -> float | None:
    """F1 of the top ``k`` items (expected value over random tie orders).

    With ``k`` equal to the number of true cases, precision, recall and F1 are
    the same number: the share of true cases among the ``k`` highest scores.
    """
    positives = int(labels.sum())
    if positives == 0 or k <= 0:
        return None
    found = float((top_k_weights(scores, k) * labels).sum())
    if found == 0:
        return 0.0
    precision, recall = found / min(k, len(scores)), found / positives
    return 2 * precision * recall / (precision + recall)


def haversine_m(
    lat1: FloatArray | float,
    lon1: FloatArray | float,
    lat2: FloatArray | float,
    lon2: FloatArray | float,
) -> FloatArray:
    """Great-circle distance in metres between WGS84 points (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), np.float64)


def match_points_within(
    predicted: Sequence[tuple[float, float]],
    true: Sequence[tuple[float, float]],
    max_m: float,
) -> list[tuple[int, int, float]]:
    """Pair predicted and true points at most ``max_m`` apart, closest pairs first.

    Each point is used once: a predicted point takes the nearest still-unmatched
    true point. Returns (predicted index, true index, metres).
    """
    if not predicted or not true:
        return []
    pred = np.asarray(predicted, np.float64)
    tru = np.asarray(true, np.float64)
    dist = haversine_m(pred[:, None, 0], pred[:, None, 1], tru[None, :, 0], tru[None, :, 1])
    candidates = np.argwhere(dist <= max_m)
    order = np.argsort(dist[candidates[:, 0], candidates[:, 1]], kind="stable")
    used_pred: set[int] = set()
    used_true: set[int] = set()
    pairs = []
    for i, j in candidates[order]:
        if i in used_pred or j in used_true:
            continue
        used_pred.add(int(i))
        used_true.add(int(j))
        pairs.append((int(i), int(j), float(dist[i, j])))
    return pairs


def jaccard(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """Shared members over all members of two groups (1 = the same group)."""
    left, right = set(a), set(b)
    union = left | right
    return len(left & right) / len(union) if union else 1.0


def pairwise_precision_recall(
    predicted: Mapping[Record, Cluster], true: Mapping[Record, Cluster]
) -> tuple[float | None, float | None]:
    """Pairs of records put together by the prediction that truly belong together.

    ``predicted`` and ``true`` map each record to its cluster; only records in
    both are counted. Precision: true pairs among predicted pairs; recall:
    predicted pairs among true pairs.
    """
    records = predicted.keys() & true.keys()
    both = Counter((predicted[r], true[r]) for r in records)
    pred_sizes = Counter(predicted[r] for r in records)
    true_sizes = Counter(true[r] for r in records)
    agreed = sum(comb(n, 2) for n in both.values())
    pred_pairs = sum(comb(n, 2) for n in pred_sizes.values())
    true_pairs = sum(comb(n, 2) for n in true_sizes.values())
    precision = agreed / pred_pairs if pred_pairs else None
    recall = agreed / true_pairs if true_pairs else None
    return precision, recall


def safe_ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None

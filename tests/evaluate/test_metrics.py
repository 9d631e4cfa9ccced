"""The pure metric functions, on hand-worked cases and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from tianluo.evaluate.metrics import (
    average_precision,
    f1_at_k,
    haversine_m,
    jaccard,
    match_points_within,
    pairwise_precision_recall,
    roc_auc,
    safe_ratio,
    top_k_weights,
)


def _arrays(labels: list[int], scores: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(labels, dtype=np.bool_), np.array(scores, dtype=np.float64)


def test_perfect_and_reversed_rankings() -> None:
    labels, scores = _arrays([1, 1, 0, 0], [0.9, 0.8, 0.1, 0.0])
    assert roc_auc(labels, scores) == 1.0
    assert average_precision(labels, scores) == 1.0
    assert f1_at_k(labels, scores, 2) == 1.0
    assert roc_auc(labels, -scores) == 0.0
    assert f1_at_k(labels, -scores, 2) == 0.0


def test_ties_count_half_in_auc_and_share_places_in_top_k() -> None:
    labels, scores = _arrays([1, 0, 0, 1], [1.0, 0.0, 0.0, 0.0])
    # pairs: (a, b) win, (a, c) win, (d, b) tie, (d, c) tie -> (2 + 1) / 4
    assert roc_auc(labels, scores) == 0.75
    weights = top_k_weights(scores, 2)
    assert weights.tolist() == pytest.approx([1.0, 1 / 3, 1 / 3, 1 / 3])
    # top 2: a for sure, then one of three tied (one true): expected 1 + 1/3 found
    assert f1_at_k(labels, scores, 2) == pytest.approx((1 + 1 / 3) / 2)


def test_undefined_metrics_are_none() -> None:
    labels, scores = _arrays([0, 0], [0.5, 0.1])
    assert roc_auc(labels, scores) is None
    assert average_precision(labels, scores) is None
    assert f1_at_k(labels, scores, 0) is None
    all_true, _ = _arrays([1, 1], [0.5, 0.1])
    assert roc_auc(all_true, scores) is None
    assert safe_ratio(1, 0) is None


def test_top_k_edges() -> None:
    scores = np.array([0.3, 0.2])
    assert top_k_weights(scores, 0).tolist() == [0.0, 0.0]
    assert top_k_weights(scores, 5).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = rng.random(300) < 0.2
    scores = np.round(rng.random(300) + labels * 0.3, 1)  # rounding makes ties
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))
    assert average_precision(labels, scores) == pytest.approx(
        average_precision_score(labels, scores)
    )


def test_haversine_known_distances() -> None:
    # one degree of latitude is about 111.2 km; Nanning to Guilin about 353 km
    assert float(haversine_m(22.8, 108.3, 23.8, 108.3)) == pytest.approx(111_195, rel=1e-3)
    assert float(haversine_m(22.817, 108.366, 25.274, 110.290)) == pytest.approx(335_000, rel=0.05)
    assert float(haversine_m(22.8, 108.3, 22.8, 108.3)) == 0.0


def test_points_match_closest_first_and_once() -> None:
    true = [(22.80, 108.30), (22.81, 108.31)]
    metre = 1 / 111_195  # degrees of latitude per metre
    predicted = [
        (22.80 + 100 * metre, 108.30),  # 100 m from true 0
        (22.80 + 40 * metre, 108.30),  # 40 m from true 0: takes it first
        (22.81 + 200 * metre, 108.31),  # 200 m from true 1: too far at 150 m
    ]
    pairs = match_points_within(predicted, true, 150.0)
    assert [(i, j) for i, j, _ in pairs] == [(1, 0)]
    assert pairs[0][2] == pytest.approx(40, abs=0.5)
    assert match_points_within([], true, 150.0) == []


def test_jaccard_and_pairwise() -> None:
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 1.0
    true = {"r1": "A", "r2": "A", "r3": "A", "r4": "B"}
    predicted = {"r1": "x", "r2": "x", "r3": "y", "r4": "y", "r9": "z"}
    # predicted pairs: (r1,r2) right, (r3,r4) wrong; true pairs: (r1,r2),(r1,r3),(r2,r3)
    precision, recall = pairwise_precision_recall(predicted, true)
    assert precision == 0.5
    assert recall == pytest.approx(1 / 3)
    assert pairwise_precision_recall({"r1": "x"}, {"r1": "A"}) == (None, None)

"""The learned part: cross-validation, out-of-fold scoring, and when it declines to learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tianluo.detectors.fraud.model import (
    MIN_POSITIVES,
    as_matrix,
    cross_validate,
    learned_scores,
    out_of_fold,
)


def _separable(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(np.int64)
    x = rng.normal(size=(n, 3))
    x[:, 0] += 3.0 * y  # one informative column, two of noise
    return x, y


def test_cross_validation_finds_an_informative_feature() -> None:
    x, y = _separable(600, seed=1)
    result = cross_validate(x, y, folds=5)
    assert len(result.fold_auc) == 5
    assert result.mean_auc > 0.9
    assert result.pooled_average_precision > 0.7


def test_cross_validation_on_noise_is_near_chance() -> None:
    x, y = _separable(600, seed=2)
    x[:, 0] = np.random.default_rng(3).normal(size=len(y))  # remove the signal
    assert 0.35 < cross_validate(x, y, folds=5).pooled_auc < 0.65


def test_out_of_fold_scores_every_row_and_needs_both_classes() -> None:
    x, y = _separable(300, seed=4)
    scores = out_of_fold(x, y)
    assert scores.shape == (300,)
    assert scores[y == 1].mean() > scores[y == 0].mean()
    with pytest.raises(ValueError, match="two rows of each class"):
        out_of_fold(x, np.zeros(300, dtype=np.int64))


def test_no_model_without_enough_confirmed_cases() -> None:
    x, _ = _separable(200, seed=5)
    few = np.zeros(200, dtype=bool)
    few[: MIN_POSITIVES - 1] = True
    assert learned_scores(x, few) is None
    few[: MIN_POSITIVES + 5] = True
    learned = learned_scores(x, few)
    assert learned is not None
    assert ((learned >= 0) & (learned <= 1)).all()


def test_a_column_with_no_value_becomes_zeros() -> None:
    frame = pd.DataFrame({"a": [1.0, None, 3.0], "b": [None, None, None]})
    matrix = as_matrix(frame, ["a", "b"])
    assert np.isnan(matrix[1, 0])  # a missing value stays missing
    assert (matrix[:, 1] == 0).all()

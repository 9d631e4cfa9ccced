"""The learned part: gradient-boosted trees on per-number or per-account feature tables.

It takes any table of numeric features with labels, so the same code is checked
on the simulated cities (labels from victims' reports) and on outside data (the
Sichuan per-number features, the AMLSim accounts). Inside ``tianluo run`` every
row is scored by a model that never saw its own label (out-of-fold), so a number
named in a report does not score high merely because it was a training example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]
from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

MIN_POSITIVES = 5  # fewer confirmed cases than this: no model, the readable score alone
MAX_NEGATIVES = 50_000  # negatives sampled per training fold: big cities train in seconds


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Scores of a k-fold cross-validation: per fold and pooled over out-of-fold predictions."""

    fold_auc: tuple[float, ...]
    pooled_auc: float
    pooled_average_precision: float

    @property
    def mean_auc(self) -> float:
        """Mean ROC AUC over the folds."""
        return float(np.mean(self.fold_auc))


def new_classifier(seed: int = 0) -> HistGradientBoostingClassifier:
    """The classifier used everywhere: small, regularised, balanced classes."""
    return HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.08,
        max_leaf_nodes=15,
        min_samples_leaf=10,
        l2_regularization=1.0,
        class_weight="balanced",
        random_state=seed,
    )


def as_matrix(features: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> np.ndarray:
    """The feature columns as a float matrix (nulls stay NaN: the trees handle them).

    A column with no value at all (a source the feed lacks) becomes zeros, which
    the trees ignore, instead of a column they cannot bin.
    """
    matrix = features.loc[:, list(columns)].to_numpy(dtype=np.float64, na_value=np.nan)
    if len(matrix):
        matrix[:, np.isnan(matrix).all(axis=0)] = 0.0
    return matrix


def fit(x: np.ndarray, y: np.ndarray, seed: int = 0) -> HistGradientBoostingClassifier:
    """A classifier trained on all rows."""
    model = new_classifier(seed)
    with threadpool_limits(1):  # on a shared small machine one thread is the fastest
        model.fit(x, y.astype(np.int64))
    return model


def _subsample(train: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """All positives of a training fold and at most ``MAX_NEGATIVES`` of its negatives."""
    negatives = train[labels[train] == 0]
    if len(negatives) <= MAX_NEGATIVES:
        return train
    kept = np.random.default_rng(seed).choice(negatives, MAX_NEGATIVES, replace=False)
    return np.sort(np.concatenate([train[labels[train] == 1], kept]))


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each row's probability from a model trained on the other folds."""
    labels = y.astype(np.int64)
    splits = min(folds, int(labels.sum()), int((1 - labels).sum()))
    if splits < 2:
        raise ValueError("out-of-fold scoring needs at least two rows of each class")
    scores = np.zeros(len(labels), dtype=np.float64)
    for train, test in StratifiedKFold(splits, shuffle=True, random_state=seed).split(x, labels):
        sample = _subsample(train, labels, seed)
        scores[test] = fit(x[sample], labels[sample], seed).predict_proba(x[test])[:, 1]
    return scores


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> CrossValidation:
    """ROC AUC per fold and pooled, and average precision, over stratified folds."""
    labels = y.astype(np.int64)
    pooled = np.zeros(len(labels), dtype=np.float64)
    per_fold: list[float] = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, labels):
        pooled[test] = fit(x[train], labels[train], seed).predict_proba(x[test])[:, 1]
        per_fold.append(float(roc_auc_score(labels[test], pooled[test])))
    return CrossValidation(
        fold_auc=tuple(per_fold),
        pooled_auc=float(roc_auc_score(labels, pooled)),
        pooled_average_precision=float(average_precision_score(labels, pooled)),
    )


def learned_scores(x: np.ndarray, confirmed: np.ndarray, seed: int = 0) -> np.ndarray | None:
    """Out-of-fold probabilities learnt from confirmed cases, or None when there are too few.

    Rows not confirmed are taken as negatives (positive-unlabelled learning): most
    are, and a fraud case among them is scored by folds that did not see it.
    """
    positives = int(confirmed.sum())
    if positives < MIN_POSITIVES or len(confirmed) - positives < MIN_POSITIVES:
        return None
    return out_of_fold(x, confirmed, seed=seed)

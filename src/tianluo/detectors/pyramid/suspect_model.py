"""How the evidence about a person becomes one score, and which pieces of it count most.

The police's own findings are the labels: people in ``seizures`` were found in a
sweep. Most participants were never seized, so everyone else is *unlabelled*,
not innocent. A logistic regression learns to tell seized people from the rest
on behaviour alone (lectures, venue hours, co-residence, gates, fees, calls;
never the seizure itself), and, as Elkan and Noto (KDD 2008) show for learning
from positive and unlabelled examples, its probability divided by ``c`` (the
mean probability it gives the seized people it did not train on) estimates the
probability of being a participant. Weights are kept non-negative (evidence
only raises a score; see ``_evidence_that_raises``). Each person's reasons are the
features that pushed their score up most (coefficient times standardised value).

When a feed holds too few seized people to learn from (``min_seized_to_learn``),
the score is a noisy-OR of fixed evidence strengths (``RULE_STRENGTHS``), which
the guide lists; the reasons are then the evidence that fired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline, make_pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]

FOLDS = 5
SEED = 20260302
MAX_UNLABELLED_TO_FIT = 200_000

RULE_STRENGTHS: dict[str, tuple[float, float]] = {
    # feature: (value at which it counts, strength)
    "residency_rule": (1.0, 0.35),
    "lecture_days": (4.0, 0.5),
    "coresidents": (3.0, 0.3),
    "gate_days": (3.0, 0.3),
    "fees_paid": (1.0, 0.5),
    "fees_received": (1.0, 0.5),
    "suspect_contacts": (1.0, 0.35),
}


@dataclass(frozen=True, slots=True)
class Fitted:
    """Scores in [0, 1] and, per person, the features ranked by how much they raised it."""

    score: FloatArray
    contributions: pd.DataFrame  # one column per feature; larger = pushed the score up more
    learned: bool
    labelled: int
    c: float  # P(seized | participant) as estimated; 1.0 for the rule score


def fit_scores(features: pd.DataFrame, seized: npt.NDArray[np.bool_], min_labelled: int) -> Fitted:
    """Learn from the seized (positive) and unlabelled, or fall back on the fixed strengths."""
    labelled = int(seized.sum())
    if labelled < max(min_labelled, FOLDS) or labelled == len(seized):
        return rule_scores(features)
    x_all = np.log1p(features.to_numpy(np.float64).clip(min=0))
    train, shift = _training_rows(seized)
    used = _evidence_that_raises(x_all[train], seized[train])
    x = x_all[:, used]
    model = _model()
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    held_out = cross_val_predict(
        model, x[train], seized[train], cv=folds, method="decision_function"
    )
    c = float(np.mean(expit(held_out - shift)[seized[train]]))
    model.fit(x[train], seized[train])
    probability = expit(model.decision_function(x) - shift)
    score = np.clip(probability / max(c, 1e-6), 0.0, 1.0)
    scaler: StandardScaler = model[0]
    regression: LogisticRegression = model[1]
    z = (x - scaler.mean_) / np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    contributions = pd.DataFrame(0.0, index=range(len(features)), columns=features.columns)
    contributions.iloc[:, used] = z * regression.coef_[0]
    return Fitted(score, contributions, True, labelled, c)


def _training_rows(seized: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], float]:
    """The rows the model learns from, and the log-odds to take off its scores after.

    Every seized person, and at most ``MAX_UNLABELLED_TO_FIT`` of the unlabelled,
    drawn at random: on a city of millions the fit then takes seconds, not
    minutes. Keeping one unlabelled person in ``r`` multiplies the odds the
    regression learns by ``r`` and changes nothing else, so ``log(r)`` taken off
    its log-odds gives the model fitted on everyone (the case-control correction).
    """
    unlabelled = np.flatnonzero(~seized)
    everyone = np.arange(len(seized), dtype=np.int64)
    if len(unlabelled) <= MAX_UNLABELLED_TO_FIT:
        return everyone, 0.0
    drawn = np.random.default_rng(SEED).choice(unlabelled, MAX_UNLABELLED_TO_FIT, replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(seized), drawn])).astype(np.int64)
    return rows, float(np.log(len(unlabelled) / MAX_UNLABELLED_TO_FIT))


def _model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))


def _evidence_that_raises(x: FloatArray, seized: npt.NDArray[np.bool_]) -> list[int]:
    """The features kept in the model: each must raise the score, never lower it.

    Every feature is evidence *for* taking part, so a negative weight is an artefact
    of who gets seized, not of who takes part: a sweep sends people home, so the
    seized have fewer days in the city than participants left alone. Features
    that come out negative are dropped and the rest refitted (an active-set
    search for the best fit with non-negative weights).
    """
    used = list(range(x.shape[1]))
    while used:
        weights = _model().fit(x[:, used], seized)[1].coef_[0]
        if (weights >= 0).all():
            break
        used = [f for f, w in zip(used, weights, strict=True) if w > 0 or w == weights.max()]
    return used


def rule_scores(features: pd.DataFrame) -> Fitted:
    """Noisy-OR of ``RULE_STRENGTHS`` for out-of-province people (0 for the rest)."""
    n = len(features)
    miss = np.ones(n)
    fired = pd.DataFrame(index=features.index)
    for name, (at_least, strength) in RULE_STRENGTHS.items():
        if name not in features.columns:
            continue
        hit = features[name].to_numpy(np.float64) >= at_least
        miss *= np.where(hit, 1.0 - strength, 1.0)
        fired[name] = np.where(hit, strength, 0.0)
    outside = features["out_of_province"].to_numpy(np.float64) if n else np.zeros(0)
    score = (1.0 - miss) * outside
    return Fitted(score, fired.reset_index(drop=True), False, 0, 1.0)


def noisy_or(score: FloatArray, *strengths: FloatArray) -> FloatArray:
    """``1 - (1 - score) * prod(1 - strength)``: extra evidence raises, never lowers, a score."""
    miss = 1.0 - score
    for strength in strengths:
        miss = miss * (1.0 - strength)
    out: FloatArray = 1.0 - miss
    return out

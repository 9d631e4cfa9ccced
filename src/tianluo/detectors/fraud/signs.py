"""Small helpers that turn a measured value into a sign of fraud between 0 and 1."""

from __future__ import annotations

import numpy as np


def rising(values: np.ndarray, none_at: float, full_at: float) -> np.ndarray:
    """0 at or below ``none_at``, 1 at or above ``full_at``, linear between (nulls give 0)."""
    span = full_at - none_at
    sign = (np.asarray(values, dtype=np.float64) - none_at) / span
    return np.nan_to_num(np.clip(sign, 0.0, 1.0), nan=0.0)


def falling(values: np.ndarray, full_at: float, none_at: float) -> np.ndarray:
    """1 at or below ``full_at``, 0 at or above ``none_at``, linear between (nulls give 0)."""
    span = none_at - full_at
    sign = (none_at - np.asarray(values, dtype=np.float64)) / span
    return np.nan_to_num(np.clip(sign, 0.0, 1.0), nan=0.0)


def weighted_mean(signs: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The weighted mean of several signs (weights need not sum to one)."""
    total = sum(weights.values())
    return np.asarray(sum(weights[name] * signs[name] for name in weights) / total)


def noisy_or(score: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Combine two independent pieces of evidence: 1 - (1 - a)(1 - b)."""
    return np.asarray(1.0 - (1.0 - score) * (1.0 - extra))


def blend(rule_score: np.ndarray, learned: np.ndarray | None, weight: float) -> np.ndarray:
    """The readable score, mixed with a learned probability when there is one."""
    if learned is None:
        return rule_score
    return np.asarray((1.0 - weight) * rule_score + weight * learned)

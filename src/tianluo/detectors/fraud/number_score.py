"""The readable fraud-number score: how many strangers a number dials, times how fraud-like it is.

An analyst reads it as: *a number that calls dozens of strangers a day (the
volume sign) scores by how many of the other signs it shows: a young SIM, several
or shared handsets, hardly any callbacks, short answered calls, few answered,
bulk texts, night calls, callees who paid a new payee right after a long call.*
A number named in a victim's report is confirmed evidence on top (noisy-or).

    score = volume x (0.2 + 0.8 x weighted mean of the other signs)

Each sign is in [0, 1] and its thresholds come from the rules file
(``fraud.numbers``); ``reasons`` cites the measured values behind the signs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tianluo.detectors.fraud.signs import falling, noisy_or, rising, weighted_mean
from tianluo.rules.fraud import NumberRules

SIGN_WEIGHTS = {
    "young_sim": 3.0,
    "handsets": 2.0,
    "no_callbacks": 2.0,
    "victims_paid": 2.0,
    "short_calls": 1.0,
    "unanswered": 1.0,
    "bulk_texts": 1.0,
    "night": 0.5,
}
"""How much each sign weighs against the others (the volume sign gates them all)."""

VOLUME_FLOOR = 0.2  # a high-volume caller with no other sign keeps a fifth of its volume
REPORTED_WEIGHT = 0.9  # being named in a victim's report, as evidence on its own
UNKNOWN_SIM_AGE = 0.5  # no subscription on file: half a sign


def number_signs(features: pd.DataFrame, rules: NumberRules) -> dict[str, np.ndarray]:
    """Every sign of each number, in [0, 1]."""
    f = features
    age = f["sim_age_days"].to_numpy(dtype=np.float64)
    young = falling(age, rules.young_sim_days, rules.old_sim_days)
    young = np.where(np.isnan(age), UNKNOWN_SIM_AGE, young)
    texts_a_day = f["sms_receivers"].to_numpy(np.float64) / f["active_days"].to_numpy(np.float64)
    low = rules.callback_share_low
    return {
        "volume": rising(f["strangers_per_day"].to_numpy(), 0.0, rules.strangers_per_day),
        "young_sim": young,
        "handsets": np.maximum(
            rising(f["handsets"].to_numpy(), 1.0, 3.0),
            rising(f["max_numbers_per_handset"].to_numpy(), 1.0, 4.0),
        ),
        "no_callbacks": falling(f["callback_share"].to_numpy(), low, 4 * low),
        "victims_paid": rising(f["paid_stranger_callees"].to_numpy(), 0.0, 2.0),
        "short_calls": f["short_share"].to_numpy(np.float64),
        "unanswered": falling(
            f["answered_share"].to_numpy(),
            rules.answered_share_normal / 2,
            rules.answered_share_normal,
        ),
        "bulk_texts": rising(texts_a_day, 0.0, 10.0),
        "night": rising(f["night_share"].to_numpy(), 0.05, 0.3),
    }


def rule_score(signs: dict[str, np.ndarray], reports: np.ndarray) -> np.ndarray:
    """The readable score of each number (see the module docstring)."""
    behaviour = weighted_mean(signs, SIGN_WEIGHTS)
    score = signs["volume"] * (VOLUME_FLOOR + (1.0 - VOLUME_FLOOR) * behaviour)
    return noisy_or(score, np.where(reports > 0, REPORTED_WEIGHT, 0.0))


def number_reasons(
    features: pd.DataFrame, signs: dict[str, np.ndarray], reports: np.ndarray, rules: NumberRules
) -> list[str]:
    """One line per number citing the evidence of every sign it shows."""
    rows: list[dict[str, object]] = features.to_dict("records")  # type: ignore[assignment]
    return [
        _reason(row, {k: float(v[i]) for k, v in signs.items()}, int(reports[i]), rules)
        for i, row in enumerate(rows)
    ]


def _reason(
    row: dict[str, object], sign: dict[str, float], reports: int, rules: NumberRules
) -> str:
    parts = [
        f"called {row['callees']} distinct numbers on {row['active_days']} days "
        f"({_f(row['strangers_per_day']):.0f} a day)"
    ]
    age = _f(row["sim_age_days"])
    if np.isnan(age):
        parts.append("no subscription on file")
    elif sign["young_sim"] >= 0.5:
        parts.append(f"SIM activated {age:.0f} days before its first call")
    if sign["handsets"] > 0:
        parts.append(
            f"{row['handsets']} handsets, one shared by {row['max_numbers_per_handset']} numbers"
        )
    if sign["no_callbacks"] >= 0.5:
        parts.append(f"{_f(row['callback_share']) * 100:.1f}% of numbers called back")
    if sign["unanswered"] >= 0.5 or sign["short_calls"] >= 0.5:
        parts.append(
            f"{_f(row['answered_share']) * 100:.0f}% of calls answered, "
            f"{_f(row['short_share']) * 100:.0f}% of those under {rules.short_call_s:g} s"
        )
    if sign["bulk_texts"] >= 0.5:
        parts.append(f"{row['sms_out']} texts to {row['sms_receivers']} numbers")
    if sign["night"] >= 0.5:
        parts.append(f"{_f(row['night_share']) * 100:.0f}% of calls at night")
    if sign["victims_paid"] > 0:
        parts.append(
            f"{row['paid_stranger_callees']} callees paid a new payee within "
            f"{rules.victim_payment_hours:g} h of a long call"
        )
    if reports:
        parts.append(f"named in {reports} victim report(s)")
    return "; ".join(parts)


def _f(value: object) -> float:
    return float(value) if value is not None else float("nan")  # type: ignore[arg-type]

"""The readable mule-account score: a weighted mean of the signs of a laundering account.

An analyst reads it as: *an account that is new, passes on what it receives
within hours, withdraws it at cash machines, collects from several unrelated
payers and moves amounts just under round limits looks like a mule; an account
that money of a reported transfer passed through is one on the evidence of the
victim's report (noisy-or, less the further it sits down the chain).*

Each sign is in [0, 1], with thresholds from the rules file (``fraud.mules``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tianluo.detectors.fraud.signs import falling, noisy_or, rising, weighted_mean
from tianluo.rules.fraud import MuleRules

SIGN_WEIGHTS = {
    "new_account": 3.0,
    "fast": 2.0,
    "cash_out": 2.0,
    "fan_in": 1.0,
    "pass_through": 1.0,
    "just_under": 0.5,
}
REPORTED_CHAIN_WEIGHT = 0.9  # money of a reported transfer reached it (one hop away)
CHAIN_DECAY = 0.05  # ... a little less per further hop
UNKNOWN_AGE = 0.5  # account not in `accounts`: half a sign


def mule_signs(features: pd.DataFrame, rules: MuleRules) -> dict[str, np.ndarray]:
    """Every sign of each account, in [0, 1]."""
    f = features
    age = f["account_age_days"].to_numpy(dtype=np.float64)
    new = np.where(
        np.isnan(age), UNKNOWN_AGE, falling(age, rules.new_account_days, rules.old_account_days)
    )
    fast_share = f["fast_out_share"].to_numpy(np.float64)
    return {
        "new_account": new,
        "fast": np.nan_to_num(fast_share, nan=0.0),
        "cash_out": rising(f["cash_share"].to_numpy(), 0.0, 0.5),
        "fan_in": rising(f["other_holder_payers"].to_numpy(), 1.0, float(rules.fan_in_payers)),
        "pass_through": rising(f["pass_through"].to_numpy(), 0.5, 0.95),
        "just_under": rising(f["just_under_share"].to_numpy(), 0.0, 0.5),
    }


def chain_sign(min_hops: np.ndarray) -> np.ndarray:
    """Evidence from reported money reaching the account (0 where it never did)."""
    hops = np.asarray(min_hops, dtype=np.float64)
    sign = REPORTED_CHAIN_WEIGHT - CHAIN_DECAY * (hops - 1)
    return np.where(np.isnan(hops), 0.0, np.clip(sign, 0.5, REPORTED_CHAIN_WEIGHT))


def rule_score(signs: dict[str, np.ndarray], min_hops: np.ndarray) -> np.ndarray:
    """The readable score of each account (see the module docstring)."""
    return noisy_or(weighted_mean(signs, SIGN_WEIGHTS), chain_sign(min_hops))


def mule_reasons(
    features: pd.DataFrame, signs: dict[str, np.ndarray], rules: MuleRules
) -> list[str]:
    """One line per account citing the evidence of every sign it shows."""
    rows: list[dict[str, object]] = features.to_dict("records")  # type: ignore[assignment]
    return [
        _reason(row, {k: float(v[i]) for k, v in signs.items()}, rules)
        for i, row in enumerate(rows)
    ]


def _reason(row: dict[str, object], sign: dict[str, float], rules: MuleRules) -> str:
    parts = [
        f"received {_f(row['yuan_in']):,.2f} yuan in {row['transfers_in']} transfers from "
        f"{row['payers']} payers ({row['other_holder_payers']} of other holders), "
        f"paid out {_f(row['pass_through']) * 100:.0f}% of it"
    ]
    age = _f(row["account_age_days"])
    if np.isnan(age):
        parts.append("account not on file")
    elif sign["new_account"] > 0:
        parts.append(f"opened {age:.0f} days before its first money in")
    if sign["fast"] > 0:
        parts.append(
            f"{sign['fast'] * 100:.0f}% paid on within {rules.fast_holding_hours:g} h of arriving "
            f"(mean {_f(row['holding_hours']):.1f} h)"
        )
    if sign["cash_out"] > 0:
        parts.append(f"{_f(row['cash_share']) * 100:.0f}% withdrawn at cash machines")
    if sign["just_under"] > 0:
        parts.append(
            f"{_f(row['just_under_share']) * 100:.0f}% of transfers just under a round limit"
        )
    reports = row.get("reports")
    if reports is not None and not np.isnan(_f(reports)):
        parts.append(
            f"money of {int(_f(reports))} reported transfer(s) passed through it "
            f"({_f(row['yuan_reported']):,.2f} yuan, "
            f"{int(_f(row['min_hops']))} hop(s) from the victim)"
        )
    return "; ".join(parts)


def _f(value: object) -> float:
    return float(value) if value is not None else float("nan")  # type: ignore[arg-type]

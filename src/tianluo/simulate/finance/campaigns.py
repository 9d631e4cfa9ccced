"""Outbound calling campaigns: many calls a day from a few numbers to people they do not know.

Fraud rings, telemarketers, couriers and call centres all dial strangers in
bulk; what tells them apart is who they are (how long the SIM has lived, how
many handsets it moved through), how long people stay on the line and whether
anyone calls back. The shared mechanics are here; ``fraud_ops`` and
``negatives`` set the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.clock import MINUTE, Clock
from tianluo.simulate.finance.context import Ctx


@dataclass
class CallBatch:
    """Call records as index arrays (numbers are NumberBook indices)."""

    caller: np.ndarray
    callee: np.ndarray
    ts: np.ndarray
    duration: np.ndarray

    def __len__(self) -> int:
        return len(self.caller)

    @classmethod
    def concat(cls, batches: list[CallBatch]) -> CallBatch:
        return cls(
            *(
                np.concatenate([getattr(b, f) for b in batches]).astype(np.int64)
                for f in ("caller", "callee", "ts", "duration")
            )
        )


def dial(
    ctx: Ctx,
    caller: np.ndarray,
    day: np.ndarray,
    *,
    per_day: tuple[int, int],
    targets: np.ndarray,
    profile: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (caller, day) dials ``per_day`` random targets: (caller, callee, ts)."""
    clock, rng = ctx.clock, ctx.rng
    k = rng.integers(per_day[0], per_day[1] + 1, len(caller))
    who = np.repeat(caller, k)
    when = clock.moments(np.repeat(day, k), rng, profile)
    callee = targets[rng.integers(0, len(targets), len(who))]
    return who, callee, when


def durations(
    rng: np.random.Generator,
    n: int,
    *,
    answer_rate: float,
    median_s: float,
    spread: float,
    longest: int = 3600,
) -> np.ndarray:
    """Seconds on the line; 0 for calls not answered."""
    answered = rng.random(n) < answer_rate
    talk = np.clip(rng.lognormal(np.log(median_s), spread, n), 3, longest).astype(np.int64)
    return np.where(answered, talk, 0)


def callbacks(
    rng: np.random.Generator,
    calls: CallBatch,
    *,
    rate_missed: float,
    rate_answered: float,
    median_s: float,
    delay_min: tuple[int, int] = (2, 240),
) -> CallBatch:
    """Some of the people called ring the number back, minutes to hours later."""
    p = np.where(calls.duration == 0, rate_missed, rate_answered)
    back = rng.random(len(calls)) < p
    n = int(back.sum())
    delay = rng.integers(delay_min[0] * MINUTE, delay_min[1] * MINUTE, n)
    talk = np.clip(rng.lognormal(np.log(median_s), 0.8, n), 3, 1800).astype(np.int64)
    return CallBatch(calls.callee[back], calls.caller[back], calls.ts[back] + delay, talk)


def working_days(
    clock: Clock, first: np.ndarray, last: np.ndarray, weekdays_only: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(worker, day) pairs for each worker's days in ``[first, last)``."""
    span = np.clip(last - first, 0, None)
    who = np.repeat(np.arange(len(first)), span)
    day = first[who] + np.arange(len(who)) - np.repeat(np.cumsum(span) - span, span)
    if weekdays_only:
        keep = clock.weekday(day) < 5
        who, day = who[keep], day[keep]
    return who, day

"""Time in the finance world: integer seconds of local (Asia/Shanghai) wall-clock time.

A timestamp is an ``int64`` number of seconds since 1970-01-01 00:00 *local
time*; it becomes ISO 8601 text (``+08:00``) only when written. Times of day are
drawn from hourly profiles: people call in the evening, pay at lunch and dinner,
employers pay salaries in office hours, fraud rings work office hours too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tianluo.simulate.timefmt import iso_local

DAY = 86_400
HOUR = 3_600
MINUTE = 60

# Relative activity by hour of day, 0-23.
PROFILES: dict[str, tuple[float, ...]] = {
    "calls": (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 8, 9, 9, 8, 7, 8, 8, 8, 8, 9, 10, 10, 8, 5, 2),
    "shopping": (
        1,
        0.5,
        0.2,
        0.1,
        0.1,
        0.2,
        1,
        4,
        6,
        5,
        5,
        8,
        10,
        7,
        5,
        5,
        5,
        7,
        10,
        10,
        8,
        6,
        4,
        2,
    ),
    "office": (0, 0, 0, 0, 0, 0, 0, 0, 2, 8, 10, 10, 5, 6, 10, 10, 9, 8, 2, 0, 0, 0, 0, 0),
    "courier": (0, 0, 0, 0, 0, 0, 0, 1, 6, 10, 10, 9, 6, 7, 10, 10, 9, 8, 5, 2, 0, 0, 0, 0),
    "messages": (1, 0.5, 0.2, 0.1, 0.1, 0.3, 1, 4, 6, 7, 7, 7, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 5, 2),
}


def _cdf(profile: str) -> np.ndarray:
    w = np.asarray(PROFILES[profile], dtype=np.float64)
    return np.asarray(np.cumsum(w) / w.sum())


@dataclass(frozen=True)
class Clock:
    """The simulated window: ``days`` days from local midnight of ``start``."""

    start: dt.date
    days: int

    @property
    def origin(self) -> int:
        """The first second of the window."""
        return int(np.datetime64(self.start, "s").astype(np.int64))

    @property
    def end(self) -> int:
        """The first second after the window."""
        return self.origin + self.days * DAY

    def weekday(self, day: np.ndarray) -> np.ndarray:
        """Day of week, Monday = 0, of day offsets."""
        return np.asarray((self.start.weekday() + np.asarray(day)) % 7)

    def at(self, day: np.ndarray, second: np.ndarray | int) -> np.ndarray:
        """Timestamps of (day offset, second of day) pairs."""
        return np.asarray(self.origin + np.asarray(day, dtype=np.int64) * DAY + second)

    def time_of_day(self, n: int, rng: np.random.Generator, profile: str) -> np.ndarray:
        """``n`` seconds of the day drawn from an hourly profile."""
        hour = np.searchsorted(_cdf(profile), rng.random(n), side="right")
        return np.asarray(np.minimum(hour, 23) * HOUR + rng.integers(0, HOUR, n))

    def moments(self, day: np.ndarray, rng: np.random.Generator, profile: str) -> np.ndarray:
        """A timestamp on each given day, at a time of day drawn from a profile."""
        return self.at(day, self.time_of_day(len(day), rng, profile))

    def day_of(self, ts: np.ndarray) -> np.ndarray:
        """The day offset of timestamps."""
        return np.asarray((np.asarray(ts) - self.origin) // DAY)

    def iso(self, ts: np.ndarray) -> pa.Array:
        """ISO 8601 text (``2026-03-02T10:00:00+08:00``) of timestamps."""
        return iso_local(np.asarray(ts, dtype=np.int64).astype("datetime64[s]"))

    def seconds(self, when: dt.date | dt.datetime) -> int:
        """The timestamp of a date (its midnight) or a naive local datetime."""
        return int(np.datetime64(when, "s").astype(np.int64))

"""The finance world's view of the city's people: the Population's arrays plus what money needs.

``People`` copies nothing it does not need and derives ages, who is an adult,
who lives in the city (and can be a victim, a landlord or an employee) and the
days each person is present.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import numpy as np

LIVING_GROUPS = ("resident", "venue_neighbour")  # people who live in the city for good
INCOMING_GROUPS = ("migrant_worker", "student")  # from other provinces, months in the city
PARTICIPANT = "participant"  # pyramid-selling participants: their money is the city helper's


class PopulationLike(Protocol):
    """The columns of ``tianluo.simulate.population.Population`` that finance reads."""

    id_number: np.ndarray
    name: np.ndarray
    sex: np.ndarray
    birth_date: np.ndarray
    province_code: np.ndarray
    phone: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    group: np.ndarray
    arrive_day: np.ndarray
    leave_day: np.ndarray


@dataclass
class People:
    """Per-person arrays (index ``i`` is person ``i`` of the Population) and derived facts."""

    id_number: np.ndarray
    name: np.ndarray
    sex: np.ndarray
    phone: np.ndarray
    province: np.ndarray
    group: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    age: np.ndarray  # whole years at the start of the window
    first_day: np.ndarray  # first day present in the window (0-based)
    last_day: np.ndarray  # exclusive; first_day == last_day means never present
    imei: np.ndarray | None = None  # the handset in ``phones``, when the Population has one
    imei_next: np.ndarray | None = None  # the handset after a change (``imei`` if none)
    imei_change_s: np.ndarray | None = None  # second of the window of the change

    @classmethod
    def from_population(cls, pop: PopulationLike, start: dt.date, days: int) -> People:
        birth = np.asarray(pop.birth_date).astype("datetime64[D]")
        age = (np.datetime64(start, "D") - birth).astype(np.int64) // 365.25
        first = np.clip(np.asarray(pop.arrive_day, dtype=np.int64), 0, days)
        last = np.clip(np.asarray(pop.leave_day, dtype=np.int64), 0, days)
        return cls(
            id_number=np.asarray(pop.id_number, dtype=object),
            name=np.asarray(pop.name, dtype=object),
            sex=np.asarray(pop.sex, dtype=object),
            phone=np.asarray(pop.phone, dtype=object),
            province=np.asarray(pop.province_code, dtype=object),
            group=np.asarray(pop.group, dtype=object),
            home_lat=np.asarray(pop.home_lat, dtype=np.float64),
            home_lon=np.asarray(pop.home_lon, dtype=np.float64),
            work_lat=np.asarray(pop.work_lat, dtype=np.float64),
            work_lon=np.asarray(pop.work_lon, dtype=np.float64),
            age=age.astype(np.int64),
            first_day=first,
            last_day=np.maximum(first, last),
            imei=_imeis(getattr(pop, "imei", None)),
            imei_next=_imeis(getattr(pop, "imei_next", None)),
            imei_change_s=_seconds(getattr(pop, "imei_change_s", None)),
        )

    def __len__(self) -> int:
        return len(self.id_number)

    @property
    def adult(self) -> np.ndarray:
        return np.asarray(self.age >= 18)

    @property
    def present_days(self) -> np.ndarray:
        return np.asarray(self.last_day - self.first_day)

    def in_groups(self, groups: tuple[str, ...]) -> np.ndarray:
        """A boolean mask of the persons of some groups."""
        return np.asarray(np.isin(self.group, np.array(groups, dtype=object)))

    def living(self) -> np.ndarray:
        """Adults who live or work in the city for the whole window or months of it."""
        return np.asarray(self.adult & self.in_groups(LIVING_GROUPS + INCOMING_GROUPS))


def _imeis(raw: object) -> np.ndarray | None:
    """The Population's handsets as int64 IMEIs, if it has them (text of 15 digits)."""
    if raw is None:
        return None
    arr = np.asarray(raw)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    return np.asarray(arr.astype(str).astype(np.int64))


def _seconds(raw: object) -> np.ndarray | None:
    """Seconds of the window (int64), if the Population has them."""
    if raw is None:
        return None
    return np.asarray(raw, dtype=np.int64)

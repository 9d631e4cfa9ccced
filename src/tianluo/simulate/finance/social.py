"""Who knows whom: neighbours, colleagues and relatives elsewhere, as a compact contact list.

Everyday calls, texts and family transfers go to acquaintances. Neighbours are
drawn among people living close by (sorted by home location), colleagues among
people working close by, and relatives elsewhere are numbers outside the city
(registered with other carriers, absent from ``phones``). Pyramid participants
and tourists only call home: the pyramid generator writes the participants' own
calls among themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.books import NumberBook
from tianluo.simulate.finance.ids import CARRIER_PREFIXES, new_mobiles
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import PARTICIPANT, People

_ALL_PREFIXES = tuple(p for ps in CARRIER_PREFIXES.values() for p in ps if p not in (170, 171))
_WINDOW = 30  # neighbours and colleagues are drawn among the 2 x 30 nearest in sort order


@dataclass
class Contacts:
    """Each person's acquaintances as number indices (CSR: ``targets[offsets[i]:offsets[i+1]]``)."""

    offsets: np.ndarray
    targets: np.ndarray
    external_first: int  # number index of the first number outside the city

    def degree(self, who: np.ndarray) -> np.ndarray:
        return np.asarray(self.offsets[who + 1] - self.offsets[who])

    def sample(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One acquaintance's number for each person (all have at least one)."""
        pick = (rng.random(len(who)) * self.degree(who)).astype(np.int64)
        return np.asarray(self.targets[self.offsets[who] + pick])


def _near(
    key_lat: np.ndarray, key_lon: np.ndarray, members: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` people near each member in (lat, lon) sort order: (member, neighbour) pairs."""
    if len(members) < 2 or k == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    cell = np.round(key_lat[members] / 0.01) * 10_000 + np.round(key_lon[members] / 0.01)
    order = members[np.argsort(cell, kind="stable")]
    pos = np.repeat(np.arange(len(order)), k)
    step = rng.integers(1, _WINDOW + 1, len(pos)) * np.where(rng.random(len(pos)) < 0.5, -1, 1)
    other = np.clip(pos + step, 0, len(order) - 1)
    other = np.where(other == pos, np.where(pos > 0, pos - 1, pos + 1), other)
    return np.asarray(order[pos]), np.asarray(order[other])


def build_contacts(
    people: People, numbers: NumberBook, rng: np.random.Generator, p: FinanceParams
) -> Contacts:
    """Acquaintances of everyone; adds the numbers outside the city to the number book."""
    n = len(people)
    social = np.flatnonzero(~people.in_groups((PARTICIPANT, "tourist")))
    a1, b1 = _near(people.home_lat, people.home_lon, social, p.contacts_local, rng)
    workers = social[people.adult[social]]
    a2, b2 = _near(people.work_lat, people.work_lon, workers, p.contacts_work, rng)
    n_ext = max(500, n // 2)
    external = numbers.add_mobiles(new_mobiles(n_ext, rng, numbers.taken, _ALL_PREFIXES))
    far_k = rng.integers(1, 2 * p.contacts_far + 1, n)
    a3 = np.repeat(np.arange(n), far_k)
    b3 = external[rng.integers(0, n_ext, len(a3))]
    # acquaintance is mutual between people of the city
    src = np.concatenate([a1, b1, a2, b2, a3])
    dst = np.concatenate([b1, a1, b2, a2, b3])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    keep = np.ones(len(src), dtype=bool)
    keep[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst = src[keep], dst[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.bincount(src, minlength=n)
    return Contacts(np.cumsum(offsets), dst, int(external[0]))

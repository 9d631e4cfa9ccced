"""Recruitment trees of "gathering" pyramid organisations: shape, levels, roles, origins, arrivals.

Shapes are chosen so that the criminal threshold (30 or more members and 3 or
more levels, the organiser and the organiser's level counted) is met by some
organisations and missed by others in both directions:

* ``large``  40-160 members (at most a third of all participants), 4-8 levels (meets the threshold)
* ``wide``   30-40 members, 2 levels: everyone recruited by the organiser (misses: levels)
* ``deep``   6-14 members in 5-9 levels, mostly a chain (misses: size)
* ``medium`` 12-29 members, 3-5 levels (misses: size)
* ``edge``   exactly 29, 30 or 31 members, 3 levels (on the threshold)

Roles, by a rule an analyst can check on a tree: the top is the ``organizer``;
anyone else with 10 or more people below them is a ``leader``, with 3 or more a
``core`` member, otherwise a ``member``.

Origins follow the published shares of participants found in Nanning (Hunan
12.32%, Shandong 8.43%, Henan 6.64%, Sichuan 6.57%, Hubei 6.04%, the rest over
the other provinces outside Guangxi). They are allotted exactly; going down each
tree a recruit keeps the recruiter's province (and mostly county) while that
province's allotment lasts: recruitment runs through relatives and friends
from home. Ages: 51.93% are 25-45 years old, allotted exactly.

A recruit arrives after the recruiter; organisers came one to five months
before the simulated window and their organisations still recruit during it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.model.regions import county_codes, provinces

SHAPES = ("large", "wide", "deep", "medium", "edge")
# the organisations of a default city take these shapes in turn
SHAPE_CYCLE = (
    "large",
    "wide",
    "deep",
    "medium",
    "edge",
    "large",
    "deep",
    "medium",
    "large",
    "edge",
)
ORIGIN_SHARES: dict[str, float] = {
    "43": 0.1232,
    "37": 0.0843,
    "41": 0.0664,
    "51": 0.0657,
    "42": 0.0604,
}
# Relative weights of the other provinces (rough population of labour-exporting regions).
OTHER_WEIGHTS: dict[str, float] = {
    "36": 5,
    "34": 5,
    "52": 5,
    "50": 4,
    "44": 4,
    "53": 4,
    "13": 4,
    "32": 3,
    "35": 3,
    "61": 3,
    "14": 2,
    "22": 2,
    "23": 2,
    "21": 2,
    "33": 2,
    "62": 2,
    "15": 1,
    "46": 1,
    "12": 1,
    "11": 1,
    "31": 1,
    "64": 1,
    "63": 0.5,
    "65": 0.5,
    "54": 0.2,
}
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 25, 0.16),
    (25, 46, 0.5193),
    (46, 61, 0.24),
    (61, 71, 0.0807),
)
ROLES = ("organizer", "leader", "core", "member")


@dataclass
class Trees:
    """All planted participants, index = participant number (organisation by organisation)."""

    org: np.ndarray  # int, organisation number
    parent: np.ndarray  # int, participant number of the recruiter, -1 at the top
    level: np.ndarray  # int, 1 = organiser
    downline: np.ndarray  # int, people below in the tree
    role: np.ndarray  # str, ROLES
    shape: list[str]  # per organisation
    region_code: np.ndarray  # str, 6-digit county code of origin
    age: np.ndarray  # int, years at the start of the window
    arrive_day: np.ndarray  # int, day offset (negative = before the window)

    def __len__(self) -> int:
        return len(self.org)

    @property
    def organisations(self) -> int:
        return len(self.shape)


def _tree(shape: str, rng: np.random.Generator, largest: int) -> np.ndarray:
    """Parent array of one tree (node 0 is the organiser) of the given shape."""
    if shape == "wide":
        size, depth = int(rng.integers(30, 41)), 2
    elif shape == "deep":
        size = int(rng.integers(6, 15))
        depth = int(rng.integers(5, min(9, size) + 1))
    elif shape == "medium":
        size, depth = int(rng.integers(12, 30)), int(rng.integers(3, 6))
    elif shape == "edge":
        size, depth = int(rng.choice([29, 30, 31])), 3
    else:
        size, depth = int(rng.integers(40, max(41, largest + 1))), int(rng.integers(4, 9))
    parent = np.full(size, -1)
    level = np.ones(size, dtype=int)
    for i in range(1, depth):  # a spine guarantees the depth
        parent[i], level[i] = i - 1, i + 1
    children = np.zeros(size)
    children[: depth - 1] = 1
    for i in range(depth, size):
        open_ = np.flatnonzero(level[:i] < depth)
        if shape == "deep":
            open_ = open_[level[open_] >= depth - 2] if rng.random() < 0.5 else open_
        weight = 1.0 + 2.0 * children[open_]  # prolific recruiters recruit more
        p = open_[rng.choice(len(open_), p=weight / weight.sum())]
        parent[i], level[i] = p, level[p] + 1
        children[p] += 1
    return parent


def _downline(parent: np.ndarray, level: np.ndarray) -> np.ndarray:
    down = np.zeros(len(parent), dtype=int)
    for i in np.argsort(-level, kind="stable"):
        if parent[i] >= 0:
            down[parent[i]] += down[i] + 1
    return down


def _quota(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Exact counts per key for ``total`` people (largest remainder)."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys]) * total / sum(shares.values())
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return {k: int(c) for k, c in zip(keys, counts, strict=True)}


def _origins(
    parent: np.ndarray, rng: np.random.Generator, same_province: float, same_county: float
) -> np.ndarray:
    """County codes: a recruit shares the recruiter's province while its quota lasts."""
    rest = 1.0 - sum(ORIGIN_SHARES.values())
    known = set(provinces())
    # the rest goes to the most common other provinces, more of them in a bigger city, so
    # that a small city is not a scatter of one-person provinces that no branch can share
    top = max(3, min(len(OTHER_WEIGHTS), len(parent) // 20))
    ranked = sorted((k for k in OTHER_WEIGHTS if k in known), key=lambda k: -OTHER_WEIGHTS[k])
    other = {k: OTHER_WEIGHTS[k] for k in ranked[:top]}
    shares = dict(ORIGIN_SHARES) | {k: rest * w / sum(other.values()) for k, w in other.items()}
    left = _quota(len(parent), shares)
    keys = list(left)
    # a branch may run over its province's allotment by two binomial standard deviations
    slack = {k: 2 + 2 * np.sqrt(len(parent) * shares[k] * (1 - shares[k])) for k in keys}
    counties = {k: county_codes(k) for k in keys}
    region = np.empty(len(parent), dtype=object)
    for i in range(len(parent)):  # parents precede children
        up = region[parent[i]] if parent[i] >= 0 else None
        if up is not None and left[up[:2]] > -slack[up[:2]] and rng.random() < same_province:
            province = up[:2]
        else:
            weight = np.array([max(left[k], 0) for k in keys], dtype=float) + 1e-9
            province = keys[int(rng.choice(len(keys), p=weight / weight.sum()))]
        left[province] -= 1
        if up is not None and up[:2] == province and rng.random() < same_county / same_province:
            region[i] = up
        else:
            region[i] = counties[province][int(rng.integers(len(counties[province])))]
    return region


def _ages(n: int, rng: np.random.Generator) -> np.ndarray:
    quota = _quota(n, {f"{lo}-{hi}": w for lo, hi, w in AGE_BANDS})
    lo = np.repeat([int(b.split("-")[0]) for b in quota], list(quota.values()))
    hi = np.repeat([int(b.split("-")[1]) for b in quota], list(quota.values()))
    return np.asarray(rng.permutation(rng.integers(lo, hi)))


def _arrivals(parent: np.ndarray, days: int, rng: np.random.Generator) -> np.ndarray:
    raw = np.zeros(len(parent))
    recruited = np.zeros(len(parent))
    for i in range(1, len(parent)):  # parents precede children in index order
        # each further recruit of the same recruiter takes about another week to bring in
        raw[i] = raw[parent[i]] + 3 + rng.exponential(10) + 7 * recruited[parent[i]]
        recruited[parent[i]] += 1
    root = -int(rng.integers(30, 150))
    last = int(rng.integers(days // 2, max(days // 2 + 1, days - 4)))  # still recruiting
    scale = (last - root) / max(raw.max(), 1.0)
    arrive = (root + raw * scale).astype(int)
    for i in range(1, len(parent)):
        arrive[i] = max(arrive[i], arrive[parent[i]] + 1)
    return np.asarray(arrive, dtype=np.int64)


def build_trees(
    participants: int,
    days: int,
    rng: np.random.Generator,
    *,
    same_province: float = 0.92,
    same_county: float = 0.75,
    shapes: tuple[str, ...] = SHAPE_CYCLE,
) -> Trees:
    """Organisations of ``shapes`` (in turn) until at least ``participants`` people are placed."""
    unknown = set(shapes) - set(SHAPES)
    if not shapes or unknown:
        raise ValueError(f"tree shapes must be some of {', '.join(SHAPES)}, not {unknown or '()'}")
    parents: list[np.ndarray] = []
    chosen: list[str] = []
    total = 0
    while total < participants or len(chosen) < 3:
        shape = shapes[len(chosen) % len(shapes)]
        parents.append(_tree(shape, rng, min(160, participants // 3)))
        chosen.append(shape)
        total += len(parents[-1])
    org = np.concatenate([np.full(len(p), k) for k, p in enumerate(parents)])
    offsets = np.cumsum([0] + [len(p) for p in parents[:-1]])
    parent = np.concatenate(
        [np.where(p >= 0, p + o, -1) for p, o in zip(parents, offsets, strict=True)]
    )
    level = np.ones(total, dtype=int)
    for i in range(total):
        if parent[i] >= 0:
            level[i] = level[parent[i]] + 1
    down = _downline(parent, level)
    role = np.where(
        parent < 0,
        "organizer",
        np.where(down >= 10, "leader", np.where(down >= 3, "core", "member")),
    )
    arrive = np.concatenate([_arrivals(p, days, rng) for p in parents])
    return Trees(
        org=org,
        parent=parent,
        level=level,
        downline=down,
        role=np.asarray(role, dtype=object),
        shape=chosen,
        region_code=_origins(parent, rng, same_province, same_county),
        age=_ages(total, rng),
        arrive_day=arrive,
    )

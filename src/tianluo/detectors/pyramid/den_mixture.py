"""Who sleeps in which flat: a mixture of flats, fitted to the suspects' night locations.

A night location is the flat a person sleeps in, seen through a noisy centre of
night pings: off by a Gaussian error of ``error_m`` metres per axis. Its size is
learnt from the data (``night_error``): tenants sleep in the flat they rent, so
the distance from a suspect tenant's night location to their own rental is a
draw of that error. The error of a centre shrinks with the number of pings
averaged, so each person's is scaled by ``sqrt(median pings / their pings)``.

The flats' places are known exactly (registrations, sites, tips), so only how
many suspects sleep in each is unknown. Expectation-maximisation fits the share
of sleepers per flat (a Gaussian mixture with fixed centres); a tenant is held
in their own flat. A flat whose expected suspects (each sleeper counted by their
suspect score) fall short of what it needs is dropped and the rest refitted, the
weakest first, so that several dens in one compound keep one flat each while a
lone suspect's own rental among them does not become a den. Last, each sleeper
is placed in one kept flat: the most likely placement in which every kept flat
holds as many sleepers as it needs (an assignment problem, always solvable since
every kept flat expects that many). Sleepers out of reach of every kept flat are
left to the caller (a den nobody registered or reported).

The fit runs per neighbourhood: the sleepers and flats linked by reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]
from scipy.spatial import cKDTree  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RAYLEIGH_MEDIAN = float(np.sqrt(2 * np.log(2)))
"""The median distance of a 2-D Gaussian error, in units of its per-axis deviation."""
MIN_CALIBRATION_TENANTS = 10
OUTLIER_FACTOR = 5.0
"""A tenant farther than this many times the median distance sleeps elsewhere."""
EM_ITERATIONS = 500
EM_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class NightError:
    """The error of night locations: per axis, for a person with the median number of pings."""

    metres: float
    median_pings: float
    tenants: int
    """How many tenants it was learnt from (0: the configured value)."""

    def of(self, pings: FloatArray) -> FloatArray:
        """Each person's error, from how many night pings their location averages."""
        scaled: FloatArray = self.metres * np.sqrt(self.median_pings / np.maximum(pings, 1.0))
        return scaled


def night_error(
    tenant_distance_m: FloatArray, tenant_pings: FloatArray, pings: FloatArray, default_m: float
) -> NightError:
    """The night-location error, learnt from how far tenants sleep from their own rental."""
    median_pings = float(np.median(pings)) if len(pings) else 1.0
    normalised = tenant_distance_m * np.sqrt(np.maximum(tenant_pings, 1.0) / median_pings)
    if len(normalised):
        normalised = normalised[normalised <= OUTLIER_FACTOR * np.median(normalised)]
    if len(normalised) < MIN_CALIBRATION_TENANTS:
        return NightError(default_m, median_pings, 0)
    metres = max(float(np.median(normalised)) / RAYLEIGH_MEDIAN, 1.0)
    return NightError(metres, median_pings, len(normalised))


@dataclass(frozen=True, slots=True)
class Placement:
    """The flat each sleeper sleeps in (-1: none in reach) and each flat's expected suspects."""

    flat: IntArray
    expected: FloatArray
    """Per flat: the suspects expected to sleep there (0 for a flat that is not kept)."""
    kept: npt.NDArray[np.bool_]


def place_sleepers(  # noqa: PLR0917 (the model's inputs, one array each)
    sleepers: FloatArray,
    error_m: FloatArray,
    weight: FloatArray,
    flats: FloatArray,
    tenant_of: IntArray,
    need: FloatArray,
    reach: float,
) -> Placement:
    """Fit the flats to the sleepers (local metres, ``(n, 2)`` and ``(m, 2)``) and place them.

    ``weight`` is each sleeper's suspect score; ``tenant_of`` the flat a sleeper rents
    (-1 for none); ``need`` the suspects a flat must expect to be kept; a sleeper can
    sleep only in a flat within ``reach`` errors.
    """
    n, m = len(sleepers), len(flats)
    flat = np.full(n, -1, np.int64)
    expected = np.zeros(m)
    kept = np.zeros(m, bool)
    rows, cols = _in_reach(sleepers, error_m, flats, reach)
    if len(rows) == 0:
        return Placement(flat, expected, kept)
    graph = coo_matrix((np.ones(len(rows)), (rows, n + cols)), shape=(n + m, n + m))
    _, part = connected_components(graph, directed=False)
    for label in np.unique(part[n + np.unique(cols)]):
        who = np.flatnonzero(part[:n] == label)
        where = np.flatnonzero(part[n:] == label)
        if len(who) == 0:
            continue
        z = _standard_distance(sleepers[who], error_m[who], flats[where])
        own = _local_tenancy(tenant_of[who], where, z <= reach)
        local = _fit(z, z <= reach, weight[who], own, need[where])
        flat[who] = np.where(local.flat >= 0, where[np.maximum(local.flat, 0)], -1)
        expected[where] = local.expected
        kept[where] = local.kept
    return Placement(flat, expected, kept)


def _in_reach(
    sleepers: FloatArray, error_m: FloatArray, flats: FloatArray, reach: float
) -> tuple[IntArray, IntArray]:
    """(sleeper, flat) index pairs no farther apart than ``reach`` of the sleeper's errors."""
    if len(sleepers) == 0 or len(flats) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    near = cKDTree(flats).query_ball_point(sleepers, reach * error_m)
    rows = np.repeat(np.arange(len(sleepers)), [len(x) for x in near]).astype(np.int64)
    cols = np.array([j for x in near for j in x], np.int64)
    return rows, cols


def _standard_distance(sleepers: FloatArray, error_m: FloatArray, flats: FloatArray) -> FloatArray:
    offset = sleepers[:, None, :] - flats[None, :, :]
    z: FloatArray = np.hypot(offset[..., 0], offset[..., 1]) / error_m[:, None]
    return z


def _local_tenancy(
    tenant_of: IntArray, where: IntArray, reachable: npt.NDArray[np.bool_]
) -> IntArray:
    """Per sleeper, the local number of the flat they rent when it is in reach, else -1."""
    position = {int(f): k for k, f in enumerate(where)}
    own = np.array([position.get(int(f), -1) for f in tenant_of], np.int64)
    rows = np.flatnonzero(own >= 0)
    own[rows[~reachable[rows, own[rows]]]] = -1
    return own


def _fit(
    z: FloatArray,
    reachable: npt.NDArray[np.bool_],
    weight: FloatArray,
    own: IntArray,
    need: FloatArray,
) -> Placement:
    """One neighbourhood: drop the weakest flat until every kept one expects what it needs."""
    kept = np.asarray(reachable.any(axis=0), bool)
    while True:
        held = np.where(kept[np.maximum(own, 0)] & (own >= 0), own, -1)
        responsibility = _em(z, reachable & kept, held)
        expected = weight @ responsibility
        short = expected - need
        weak = np.flatnonzero(kept & (short < 0))
        if len(weak) == 0:
            break
        kept[weak[np.argmin(short[weak])]] = False
    places = np.floor(need + 1e-9).astype(np.int64)
    flat = _assign(z, reachable & kept, held, responsibility.sum(axis=0), places)
    return Placement(flat, np.where(kept, expected, 0.0), kept)


def _em(z: FloatArray, allowed: npt.NDArray[np.bool_], held: IntArray) -> FloatArray:
    """Responsibilities (sleeper x flat) of the mixture with fixed centres; tenants held."""
    n, m = z.shape
    share = allowed.sum(axis=0) / max(1, n)
    log_density = np.where(allowed, -0.5 * z**2, -np.inf)
    tenants = np.flatnonzero(held >= 0)
    responsibility = np.zeros((n, m))
    for _ in range(EM_ITERATIONS):
        with np.errstate(divide="ignore"):
            log_p = log_density + np.log(share)[None, :]
        top = log_p.max(axis=1, keepdims=True)
        free = np.isfinite(top[:, 0])
        responsibility = np.zeros((n, m))
        responsibility[free] = np.exp(log_p[free] - top[free])
        responsibility[free] /= responsibility[free].sum(axis=1, keepdims=True)
        responsibility[tenants] = 0.0
        responsibility[tenants, held[tenants]] = 1.0
        new_share = responsibility.sum(axis=0) / max(1, n)
        done = float(np.max(np.abs(new_share - share))) < EM_TOLERANCE
        share = new_share
        if done:
            break
    return responsibility


def _assign(
    z: FloatArray,
    allowed: npt.NDArray[np.bool_],
    held: IntArray,
    members: FloatArray,
    places: IntArray,
) -> IntArray:
    """Each sleeper's flat: the most likely, every kept flat filling its ``places`` (-1: none)."""
    n = len(z)
    flat = np.full(n, -1, np.int64)
    allowed = allowed.copy()
    for row in np.flatnonzero(held >= 0):  # a tenant sleeps in the flat they rent
        allowed[row] = False
        allowed[row, held[row]] = True
    who = np.flatnonzero(allowed.any(axis=1))
    flats = np.flatnonzero(allowed.any(axis=0))
    if len(who) == 0:
        return flat
    with np.errstate(divide="ignore"):
        log_share = np.log(members / max(1, n))
    cost = (0.5 * z**2 - log_share[None, :])[np.ix_(who, flats)]
    ok = allowed[np.ix_(who, flats)]
    worst = float(cost[ok].max()) + 1.0
    bonus = worst * (len(who) + 1)  # one more filled place outweighs any rearrangement
    cost = np.where(ok, cost, bonus * 1e3)
    # columns: each flat's places that must be filled (with the bonus), then one free
    # place per sleeper who can sleep there
    must = np.repeat(np.arange(len(flats)), places[flats])
    column_flat = np.concatenate(
        [must] + [np.full(int(k), j) for j, k in enumerate(ok.sum(axis=0))]
    )
    filled = np.arange(len(column_flat)) < len(must)
    row, column = linear_sum_assignment(
        cost[:, column_flat] - np.where(filled, bonus, 0.0)[None, :]
    )
    chosen = column_flat[column]
    fits = ok[row, chosen]
    flat[who[row[fits]]] = flats[chosen[fits]]
    return flat

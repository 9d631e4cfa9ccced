"""Sweeps before the window (往次清查): who had already been seized once.

Many participants have been through it before: found in an earlier sweep,
educated or sent home, and back in a scheme. ``prior_seized_share`` of the
participants (organisers and leaders twice as often: old hands) carry a seizure
record from the ``prior_days`` before the window, some of them two. So do
``prior_bystander_ratio`` as many non-participants: migrant workers caught up
in a raid on their compound, residents who once went to a lecture and never
went back, neighbours of a raided venue. A prior seizure is evidence for some
participants, not all, and sometimes for innocent people.

Earlier sweeps are dated events, each with its case number and a few raided
flats at dawn. Dispositions are light (a first time): participants mostly
education or repatriation, bystanders education. The phone is the one known
then, often none.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate import geography as geo
from tianluo.simulate.config import SimConfig
from tianluo.simulate.places import Places, flat_address
from tianluo.simulate.population import Population
from tianluo.simulate.pyramid import Trees
from tianluo.simulate.timefmt import iso_local

PARTICIPANT_DISPOSITIONS = (("education", "repatriation", "fine"), (0.55, 0.35, 0.10))
BYSTANDER_DISPOSITIONS = (("education", "fine"), (0.9, 0.1))
BYSTANDER_GROUPS = (("migrant_worker", 0.6), ("resident", 0.3), ("venue_neighbour", 0.1))


def _chosen(
    cfg: SimConfig, pop: Population, trees: Trees, pidx: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Persons with a prior record (participants first, some twice) and which are participants."""
    pc = cfg.pyramid
    weight = np.where(np.isin(trees.role, ["organizer", "leader"]), 2.0, 1.0)
    prob = np.minimum(1.0, pc.prior_seized_share * weight / weight.mean())
    part = pidx[rng.random(len(trees)) < prob]
    part = np.concatenate([part, part[rng.random(len(part)) < 0.15]])  # seized twice before
    want = rng.multinomial(
        round(len(part) * pc.prior_bystander_ratio), [w for _, w in BYSTANDER_GROUPS]
    )
    others = [
        rng.choice(idx, size=min(int(k), len(idx)), replace=False)
        for (g, _), k in zip(BYSTANDER_GROUPS, want, strict=True)
        if len(idx := pop.indices(g))
    ]
    persons = np.concatenate([part, *others]).astype(int)
    return persons, np.arange(len(persons)) < len(part)


def prior_seizures(
    cfg: SimConfig,
    pop: Population,
    trees: Trees,
    places: Places,
    rng: np.random.Generator,
    *,
    pidx: np.ndarray,
) -> pa.Table:
    """Seizure records of the sweeps before the window, oldest first (ids set by the caller)."""
    persons, is_part = _chosen(cfg, pop, trees, pidx, rng)
    n = len(persons)
    sweeps = max(2, cfg.pyramid.prior_days // 45)
    day = np.sort(-rng.integers(14, max(cfg.pyramid.prior_days, 15), sweeps))
    flats = 4 * sweeps  # up to four flats raided per sweep
    ordinary = places.compounds - len(places.venue_name)
    compound = rng.integers(0, ordinary, flats)
    f_lat, f_lon = geo.offset(places.compound_lat[compound], places.compound_lon[compound], 60, rng)
    f_address = np.array(
        [
            flat_address(places.compound_address[c], int(b), int(u), int(r))
            for c, b, u, r in zip(
                compound,
                rng.integers(1, 31, flats),
                rng.integers(1, 5, flats),
                rng.integers(2, 31, flats) * 100 + rng.integers(1, 5, flats),
                strict=True,
            )
        ],
        dtype=object,
    )
    s = rng.integers(0, sweeps, n)
    flat = s * 4 + rng.integers(0, rng.integers(1, 5, sweeps)[s])
    second = day[s].astype(np.int64) * 86_400 + 6 * 3600 + rng.integers(0, 3600, n)
    start = np.datetime64(cfg.start, "s")
    choices = np.empty(n, dtype=object)
    for mask, (kinds, probs) in (
        (is_part, PARTICIPANT_DISPOSITIONS),
        (~is_part, BYSTANDER_DISPOSITIONS),
    ):
        choices[mask] = rng.choice(np.array(kinds, dtype=object), int(mask.sum()), p=probs)
    dates = start.astype("datetime64[D]") + day.astype("timedelta64[D]")
    year = dates.astype("datetime64[Y]").astype(int) + 1970  # sorted, as the days are
    number = np.arange(sweeps) - np.searchsorted(year, year, "left") + 1  # within its year
    case = np.array(
        [f"南公传清〔{y}〕{k:03d}号" for y, k in zip(year, number, strict=True)], dtype=object
    )[s]
    order = np.lexsort((persons, second))
    return pa.table(
        {
            "record_id": pa.array([""] * n, pa.string()),
            "id_number": pop.id_number[persons][order],
            "name": pop.name[persons][order],
            "seized_at": iso_local(start + second[order].astype("timedelta64[s]")),
            "lat": f_lat[flat][order],
            "lon": f_lon[flat][order],
            "disposition": choices[order],
            "phone": pa.array(
                np.where(rng.random(n) < 0.6, pop.phone[persons], None)[order], pa.string()
            ),
            "address": f_address[flat][order],
            "case_no": case[order],
        }
    )

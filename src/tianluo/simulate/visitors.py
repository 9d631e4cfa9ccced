"""Ordinary people who pass the gates of lecture venues.

A venue is a rented hall, an office floor or a hotel meeting room, and the
pyramid's lectures are a minority of what goes on there. Over the window each
venue also sees, in number ``venue_visitor_ratio`` times its participants:

* ``staff``: people working in the building (other tenants, reception, cleaners,
  security), most weekdays from morning to evening; their workplace is moved to
  the venue, so their location fixes agree;
* ``neighbour``: ``venue_neighbour`` people from the compound beside it (a shop,
  a canteen or a short cut in the building), one to three fixed days a week;
* ``nearby_worker``: migrant workers working beside the venue (deliveries,
  fitting-out), a few mornings a week;
* ``course``: regulars of other courses held there once or twice a week at a fixed
  time (health-product seminars, calligraphy, dance), arriving and leaving
  together like a lecture's audience;
* ``event``: one-off visitors of meetings, job fairs, banquets: anyone in the city.

``plan_visits`` decides who comes when; ``sites.access_chunks`` writes the passes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa

from tianluo.simulate import geography as geo
from tianluo.simulate.config import SimConfig
from tianluo.simulate.places import Places
from tianluo.simulate.population import Homes, Population
from tianluo.simulate.pyramid import Trees

KINDS = ("staff", "neighbour", "nearby_worker", "course", "event")
_COURSE_SLOTS = ((9 * 3600, 9000), (14 * 3600 + 1800, 9000), (19 * 3600, 7200))  # start, length
_STAFF_SHARE = 0.3  # of a venue's ordinary visitors
_COURSE_SHARE = 0.3


@dataclass
class Visits:
    """Venue visits of non-participants: regulars (weekly) and one-off visits (one day each)."""

    person: np.ndarray  # person index; regulars first, then one-off visitors
    venue: np.ndarray  # venue number
    kind: np.ndarray  # index into KINDS
    weekdays: np.ndarray  # int bitmask (bit 0 = Monday); 0 for one-off visits
    day: np.ndarray  # day of a one-off visit; -1 for regulars
    in_s: np.ndarray  # usual second of the day of the pass in
    stay_s: np.ndarray  # usual seconds inside
    jitter_s: np.ndarray  # how much the pass in varies from visit to visit
    show: np.ndarray  # probability that a regular comes on one of their days

    def truth(self, pop: Population, venue_site: dict[int, str]) -> pa.Table:
        """``truth/venue_visitors``: every non-participant who has a reason to pass a venue gate."""
        site = np.array([venue_site.get(int(v), "") for v in self.venue], dtype=object)
        return pa.table(
            {
                "id_number": pop.id_number[self.person],
                "group": pop.group[self.person],
                "site_id": site,
                "kind": np.array(KINDS, dtype=object)[self.kind],
            }
        )


def _bits(k: np.ndarray, rng: np.random.Generator, days: int = 7) -> np.ndarray:
    """A weekday bitmask with ``k`` random days (out of the first ``days``) for each entry."""
    keys = rng.random((len(k), days)).argsort(axis=1)
    chosen = keys < k[:, None]
    return np.asarray((chosen.astype(np.int64) << np.arange(days)).sum(axis=1))


def _regulars(
    person: np.ndarray,
    venue: np.ndarray,
    kind: str,
    *,
    weekdays: np.ndarray,
    in_s: np.ndarray,
    stay_s: np.ndarray,
    jitter_s: float,
    show: float,
) -> Visits:
    n = len(person)
    return Visits(
        person=person,
        venue=venue,
        kind=np.full(n, KINDS.index(kind)),
        weekdays=weekdays,
        day=np.full(n, -1),
        in_s=in_s,
        stay_s=stay_s,
        jitter_s=np.full(n, jitter_s),
        show=np.full(n, show),
    )


def plan_visits(
    cfg: SimConfig,
    pop: Population,
    homes: Homes,
    places: Places,
    rng: np.random.Generator,
    *,
    trees: Trees,
) -> Visits:
    """Who passes each venue's gate besides the participants; moves the staff's workplace."""
    venues = len(places.venue_name)
    ordinary = places.compounds - venues
    days = cfg.days
    attendees = np.bincount(places.org_venue[trees.org], minlength=venues)
    lo, hi = cfg.pyramid.venue_visitor_ratio
    target = np.maximum(12, np.round(attendees * rng.uniform(lo, hi, venues))).astype(int)
    g = pop.group
    parts: list[Visits] = []
    # neighbours: 40% of those beside a venue, 1-3 fixed days a week, half an hour to two
    vn = np.flatnonzero((g == "venue_neighbour") & (homes.compound >= ordinary))
    vn = vn[rng.random(len(vn)) < 0.4]
    parts.append(
        _regulars(
            vn,
            homes.compound[vn] - ordinary,
            "neighbour",
            weekdays=_bits(rng.integers(1, 4, len(vn)), rng),
            in_s=rng.integers(8 * 3600, 18 * 3600, len(vn)),
            stay_s=rng.integers(1800, 7200, len(vn)),
            jitter_s=3600.0,
            show=0.85,
        )
    )
    # migrant workers working beside a venue: half of them, 2-5 mornings a week
    nw = np.flatnonzero((g == "migrant_worker") & (homes.work_venue >= 0))
    nw = nw[rng.random(len(nw)) < 0.5]
    parts.append(
        _regulars(
            nw,
            homes.work_venue[nw],
            "nearby_worker",
            weekdays=_bits(rng.integers(2, 6, len(nw)), rng, days=6),
            in_s=rng.integers(8 * 3600, 11 * 3600, len(nw)),
            stay_s=rng.integers(3600, 4 * 3600, len(nw)),
            jitter_s=2400.0,
            show=0.8,
        )
    )
    # staff and other tenants: employed residents (and some migrant workers), weekdays
    staff_n = np.round(target * _STAFF_SHARE).astype(int)
    pool = np.flatnonzero(
        ((g == "resident") & (pop.work_lat != pop.home_lat))
        | ((g == "migrant_worker") & (homes.work_venue < 0))
    )
    staff = rng.choice(pool, size=min(int(staff_n.sum()), len(pool)), replace=False)
    s_venue = np.repeat(np.arange(venues), staff_n)[: len(staff)]
    pop.work_lat[staff], pop.work_lon[staff] = geo.offset(
        places.venue_lat[s_venue], places.venue_lon[s_venue], 30.0, rng
    )
    six = rng.random(len(staff)) < 0.2
    parts.append(
        _regulars(
            staff,
            s_venue,
            "staff",
            weekdays=np.where(six, 0b0111111, 0b0011111),
            in_s=rng.integers(7 * 3600 + 1800, 9 * 3600 + 900, len(staff)),
            stay_s=rng.integers(8 * 3600, 10 * 3600, len(staff)),
            jitter_s=1200.0,
            show=0.92,
        )
    )
    parts.append(_courses(pop, target, venues, rng))
    taken = np.bincount(
        np.concatenate([p.venue for p in parts]).astype(int), minlength=venues
    ).astype(int)
    parts.append(_events(pop, np.maximum(target - taken, 0), days, rng))
    return Visits(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Visits)))


def _courses(pop: Population, target: np.ndarray, venues: int, rng: np.random.Generator) -> Visits:
    """Other courses: 6-20 regulars each, one or two fixed days, arriving together."""
    want = np.round(target * _COURSE_SHARE).astype(int)
    courses = np.maximum(1, np.ceil(want / 13)).astype(int)
    c_venue = np.repeat(np.arange(venues), courses)
    size = rng.integers(6, 21, len(c_venue))
    c_days = _bits(rng.integers(1, 3, len(c_venue)), rng)
    slot = rng.integers(0, len(_COURSE_SLOTS), len(c_venue))
    c_start = np.array([s for s, _ in _COURSE_SLOTS])[slot]
    c_len = np.array([n for _, n in _COURSE_SLOTS])[slot]
    pool = np.flatnonzero(np.isin(pop.group, ["resident", "student", "venue_neighbour"]))
    course = np.repeat(np.arange(len(c_venue)), size)
    person = rng.choice(pool, size=min(len(course), len(pool)), replace=False)
    course = course[: len(person)]
    k = len(person)
    return _regulars(
        person,
        c_venue[course],
        "course",
        weekdays=c_days[course],
        in_s=c_start[course] - rng.integers(300, 1200, k),
        stay_s=c_len[course] + rng.integers(900, 2100, k),
        jitter_s=120.0,
        show=0.85,
    )


def _events(pop: Population, want: np.ndarray, days: int, rng: np.random.Generator) -> Visits:
    """One-off visitors, in events of 8-40 people on one day: anyone present that day."""
    venue = np.repeat(np.arange(len(want)), want)
    if len(venue) == 0:
        return _regulars(
            venue, venue, "event", weekdays=venue, in_s=venue, stay_s=venue, jitter_s=0.0, show=1.0
        )
    pos = np.arange(len(venue)) - np.repeat(np.cumsum(want) - want, want)
    size = rng.integers(8, 41, len(want))
    _, event = np.unique(venue * (int(want.max()) + 1) + pos // size[venue], return_inverse=True)
    m = int(event.max()) + 1
    e_day = rng.integers(0, max(days, 1), m)[event]
    e_start = rng.integers(9 * 3600, 19 * 3600, m)[event]
    e_len = rng.integers(3600, 4 * 3600, m)[event]
    candidates = np.flatnonzero(pop.group != "participant")
    person = candidates[rng.integers(0, len(candidates), len(venue))]
    for _ in range(4):  # someone who is in the city that day
        away = (pop.arrive_day[person] > e_day) | (e_day >= pop.leave_day[person])
        if not away.any():
            break
        person[away] = candidates[rng.integers(0, len(candidates), int(away.sum()))]
    keep = (pop.arrive_day[person] <= e_day) & (e_day < pop.leave_day[person])
    k = int(keep.sum())
    visits = _regulars(
        person[keep],
        venue[keep],
        "event",
        weekdays=np.zeros(k, dtype=np.int64),
        in_s=e_start[keep] - rng.integers(0, 1800, k),
        stay_s=e_len[keep] + rng.integers(0, 1800, k),
        jitter_s=0.0,
        show=1.0,
    )
    visits.day = e_day[keep]
    return visits

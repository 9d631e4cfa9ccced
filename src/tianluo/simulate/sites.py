"""Watched sites (``sites``) and their gate logs (``access_events``).

Watched are: most compounds that hold a den, every compound beside a venue, a
few ordinary compounds; most venues; the dens already known; stations
(``other``). A gate logs a pass with probability ``gate_capture`` (the rest of
the faces are missed); a logged pass names the person (identity number and
name) with probability ``gate_identified``, otherwise it carries at most a
phone (a Wi-Fi probe) or nothing. Den mates leave together before a lecture.
Venue gates see participants on lecture days and, more often, ordinary
visitors (``visitors.py``): participants are a third to a half of the people
who pass a venue gate over the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa

from tianluo.simulate import geography as geo
from tianluo.simulate.config import PyramidConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.movement import Schedule
from tianluo.simulate.places import Places
from tianluo.simulate.population import Homes, Population
from tianluo.simulate.timefmt import iso_local
from tianluo.simulate.visitors import Visits

_Passes = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # who, site, second, inward


@dataclass
class Sites:
    """The ``sites`` table and which compounds and venues have a watched gate."""

    table: pa.Table
    compound_site: dict[int, str]  # compound number -> site_id
    venue_site: dict[int, str]  # venue number -> site_id
    den_site: dict[int, str]  # den number -> site_id (known dens)


def build_sites(places: Places, dens: Dens, rng: np.random.Generator) -> Sites:
    """Choose the watched sites and build the ``sites`` table."""
    ordinary = places.compounds - len(places.venue_name)
    den_compounds = np.unique(dens.compound)
    watched = set(den_compounds[rng.random(len(den_compounds)) < 0.85].tolist())
    watched |= set(places.venue_compound.tolist())
    extra = max(2, ordinary // 20)
    watched |= set(rng.choice(ordinary, size=min(extra, ordinary), replace=False).tolist())
    rows: list[dict[str, object]] = []
    compound_site: dict[int, str] = {}
    for c in sorted(watched):
        sid = f"SC{len(compound_site) + 1:05d}"
        compound_site[c] = sid
        rows.append(
            {
                "site_id": sid,
                "name": places.compound_name[c],
                "kind": "compound",
                "lat": places.compound_lat[c],
                "lon": places.compound_lon[c],
                "radius_m": 200.0,
                "district": places.compound_district[c],
                "address": places.compound_address[c],
            }
        )
    venue_site: dict[int, str] = {}
    for v in range(len(places.venue_name)):
        if rng.random() < 0.9:
            sid = f"SV{len(venue_site) + 1:05d}"
            venue_site[v] = sid
            rows.append(
                {
                    "site_id": sid,
                    "name": places.venue_name[v],
                    "kind": "venue",
                    "lat": places.venue_lat[v],
                    "lon": places.venue_lon[v],
                    "radius_m": 100.0,
                    "district": places.venue_district[v],
                    "address": places.venue_address[v],
                }
            )
    den_site: dict[int, str] = {}
    for d in np.flatnonzero(dens.known).tolist():
        sid = f"SD{len(den_site) + 1:05d}"
        den_site[d] = sid
        rows.append(
            {
                "site_id": sid,
                "name": f"疑似窝点 {dens.address[d]}",
                "kind": "den",
                "lat": dens.lat[d],
                "lon": dens.lon[d],
                "radius_m": 30.0,
                "district": places.compound_district[dens.compound[d]],
                "address": dens.address[d],
            }
        )
    for k, (name, lat, lon) in enumerate(geo.STATIONS):
        rows.append(
            {
                "site_id": f"SO{k + 1:05d}",
                "name": name,
                "kind": "other",
                "lat": lat,
                "lon": lon,
                "radius_m": 300.0,
                "district": str(geo.district_names(np.array([lat]), np.array([lon]))[0]),
                "address": f"南宁市{name}",
            }
        )
    return Sites(pa.Table.from_pylist(rows), compound_site, venue_site, den_site)


def access_chunks(
    pop: Population,
    homes: Homes,
    sched: Schedule,
    sites: Sites,
    rng: np.random.Generator,
    *,
    person_venue: np.ndarray,
    start: np.datetime64,
    days: int,
    cfg: PyramidConfig,
    visits: Visits | None = None,
) -> Iterator[pa.Table]:
    """Gate passes, one table per day: out and in at watched compounds, in and out at venues.

    At venues, participants on their lecture days and the ordinary ``visits``
    (staff, neighbours, nearby workers, other courses, one-off events) pass alike.
    """
    site_of_compound = np.full(max(homes.compound.max() + 2, 1), "", dtype=object)
    for c, sid in sites.compound_site.items():
        site_of_compound[c] = sid
    at_gate = np.flatnonzero((homes.compound >= 0) & (site_of_compound[homes.compound] != ""))
    top = max(int(person_venue.max()), max(sites.venue_site, default=0))
    if visits is not None and len(visits.venue):
        top = max(top, int(visits.venue.max()))
    site_of_venue = np.full(top + 2, "", dtype=object)
    for v, sid in sites.venue_site.items():
        site_of_venue[v] = sid
    goers = np.flatnonzero((person_venue >= 0) & (site_of_venue[person_venue] != ""))
    if visits is not None:  # only visits of watched venues leave passes
        watched = site_of_venue[visits.venue] != ""
        visits = Visits(*(getattr(visits, f.name)[watched] for f in fields(Visits)))
    weekday0 = int((start.astype("datetime64[D]").astype(np.int64) + 3) % 7)
    counter = 0
    for day in range(days):
        weekday = (weekday0 + day) % 7
        parts: list[_Passes] = []
        home = at_gate[(pop.arrive_day[at_gate] <= day) & (day < pop.leave_day[at_gate])]
        lecture = ((sched.weekdays[home] >> weekday) & 1 == 1) & (pop.group[home] == "participant")
        # den mates leave together 45 minutes before the lecture; others between 7 and 10
        out_s = np.where(
            lecture,
            sched.start_s[home] - 2700 + rng.integers(0, 300, len(home)),
            rng.integers(7 * 3600, 10 * 3600, len(home)),
        )
        in_s = np.where(
            lecture,
            sched.end_s[home] + rng.integers(1800, 5400, len(home)),
            rng.integers(17 * 3600, 22 * 3600, len(home)),
        )
        sid = site_of_compound[homes.compound[home]]
        parts.append((home, sid, out_s, np.zeros(len(home), dtype=bool)))
        parts.append((home, sid, in_s, np.ones(len(home), dtype=bool)))
        go = goers[
            (pop.arrive_day[goers] <= day)
            & (day < pop.leave_day[goers])
            & ((sched.weekdays[goers] >> weekday) & 1 == 1)
        ]
        vsid = site_of_venue[person_venue[go]]
        parts.append(
            (
                go,
                vsid,
                sched.start_s[go] - rng.integers(300, 1200, len(go)),
                np.ones(len(go), dtype=bool),
            )
        )
        parts.append(
            (
                go,
                vsid,
                sched.end_s[go] + rng.integers(0, 900, len(go)),
                np.zeros(len(go), dtype=bool),
            )
        )
        if visits is not None:
            parts.extend(_visitor_passes(pop, visits, site_of_venue, rng, day=day, weekday=weekday))
        who = np.concatenate([p[0] for p in parts])
        site = np.concatenate([p[1] for p in parts])
        sec = np.concatenate([p[2] for p in parts])
        inward = np.concatenate([p[3] for p in parts])
        keep = rng.random(len(who)) < cfg.gate_capture
        who, site, sec, inward = who[keep], site[keep], sec[keep], inward[keep]
        order = np.lexsort((who, sec, site))
        who, site, sec, inward = who[order], site[order], sec[order], inward[order]
        k = len(who)
        named = rng.random(k) < cfg.gate_identified
        with_phone = rng.random(k) < np.where(named, 0.3, 0.1)
        ts = start.astype("datetime64[s]") + (day * 86_400 + sec).astype("timedelta64[s]")
        yield pa.table(
            {
                "event_id": [f"AE{counter + i:09d}" for i in range(k)],
                "site_id": pa.array(site, pa.string()),
                "ts": iso_local(ts, offset=False),
                "id_number": pa.array(np.where(named, pop.id_number[who], None), pa.string()),
                "name": pa.array(np.where(named, pop.name[who], None), pa.string()),
                "phone": pa.array(np.where(with_phone, pop.phone[who], None), pa.string()),
                "direction": pa.array(np.where(inward, "in", "out"), pa.string()),
            }
        )
        counter += k


def _visitor_passes(
    pop: Population,
    visits: Visits,
    site_of_venue: np.ndarray,
    rng: np.random.Generator,
    *,
    day: int,
    weekday: int,
) -> list[_Passes]:
    """The ordinary visitors' passes in and out of venue gates on one day."""
    p = visits.person
    today = np.where(visits.day >= 0, visits.day == day, (visits.weekdays >> weekday) & 1 == 1)
    today &= (pop.arrive_day[p] <= day) & (day < pop.leave_day[p])
    today &= rng.random(len(p)) < visits.show
    k = np.flatnonzero(today)
    jitter = (visits.jitter_s[k] * rng.uniform(-1.0, 1.0, len(k))).astype(np.int64)
    in_s = np.clip(visits.in_s[k] + jitter, 0, 86_000)
    out_s = np.minimum(in_s + visits.stay_s[k] * rng.uniform(0.9, 1.1, len(k)), 86_399)
    site = site_of_venue[visits.venue[k]]
    return [
        (p[k], site, in_s.astype(np.int64), np.ones(len(k), dtype=bool)),
        (p[k], site, out_s.astype(np.int64), np.zeros(len(k), dtype=bool)),
    ]

"""Activity profile: per person, lectures attended, time at venues and where they sleep.

The daily presence table says how near a person came to each kind of site on a
day; a lecture needs the hour too. This is one more pass over the pings, which
keeps per phone and local day:

* whether the phone was within ``lecture_radius_m`` of a watched venue inside a
  lecture window on a lecture weekday (a *lecture day*), and at which venue;
* how many of its pings near a venue fell outside the lecture windows (people
  who work at a venue are there all day; participants come for the lecture);
* the accuracy-weighted sums of its night pings, from which the night location
  (where the person sleeps) is the weighted centre.

Per person (a phone's owner, ``keys.phone_owners``) the days are then summed.
Nearness to a venue is decided, as in ``presence``, at the centre of the ping's
grid cell: only the few cells within the radius of some venue are looked up,
so the pings join a small table.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from tianluo.detectors.grid import Grid, nearest_sites
from tianluo.detectors.keys import person_days
from tianluo.detectors.presence import DAY_BIAS, DAY_SLOTS, load_sites, phone_day_key
from tianluo.engine import Engine
from tianluo.rules.models import ClockWindow, SuspectRules

DERIVED_NAME = "activity_profile"
DAY_S = 86_400
CELLS_PER_DEGREE = 2000
DEFAULT_ACCURACY_M = 200.0
"""Weight of a ping without ``accuracy_m``: a typical cell-tower fix."""


def activity_columns() -> list[str]:
    """The columns of the profile, in order."""
    return [
        "person_key",
        "days_seen",
        "first_day",
        "last_day",
        "lecture_days",
        "lecture_venue",
        "venue_pings",
        "venue_offhours_pings",
        "night_pings",
        "night_lat",
        "night_lon",
    ]


def in_window(second: ir.IntegerValue, window: ClockWindow) -> ir.BooleanValue:
    """Whether a second of the day falls in a (possibly midnight-wrapping) window."""
    start, end = window.start_s, window.end_s
    if start <= end:
        inside: ir.BooleanValue = (second >= start) & (second < end)
    else:
        inside = (second >= start) | (second < end)
    return inside


def venue_cells(engine: Engine, pings: ir.Table, grid: Grid, radius_m: float) -> VenueCells:
    """The grid cells (of the pings) whose centre lies within ``radius_m`` of a venue.

    A table of ``cell`` and ``venue_index`` (the nearest venue's number), and the
    table from number to venue id.
    """
    sites = load_sites(engine)
    members = sites.of_kind("venue")
    cells = np.array([], np.int64)
    nearest = np.array([], np.int64)
    if len(members):
        cell = grid.cell_of(pings.lat, pings.lon)
        cells = engine.to_arrow(pings.select(cell=cell).distinct())["cell"].to_numpy()
        lat, lon = grid.centres(cells)
        _, nearest = nearest_sites(lat, lon, sites.lat[members], sites.lon[members], radius_m)
    near = nearest >= 0
    lookup = pa.table(
        {
            "cell": pa.array(np.asarray(cells)[near], pa.int64()),
            "venue_index": pa.array(nearest[near], pa.int64()),
        }
    )
    names = pa.table(
        {
            "venue_index": pa.array(np.arange(len(members)), pa.int64()),
            "lecture_venue": pa.array(sites.ids[members], pa.string()),
        }
    )
    return VenueCells(
        engine.register("activity_venue_cells", lookup),
        engine.register("activity_venue_names", names),
    )


@dataclass(frozen=True, slots=True)
class VenueCells:
    """Cells near a venue (``cell``, ``venue_index``) and venue numbers to ids."""

    cells: ir.Table
    names: ir.Table


def activity_profile(engine: Engine, rules: SuspectRules) -> ir.Table:
    """One row per person seen in the pings: lecture days, venue time, night location."""
    grid = Grid(CELLS_PER_DEGREE)
    pings = engine.source("pings")
    venues = venue_cells(engine, pings, grid, rules.lecture_radius_m)
    local = engine.local_seconds(pings.ts)
    second = local % DAY_S
    day = local // DAY_S
    weekday = (day + 3) % 7 + 1  # ISO: 1 = Monday (1970-01-01 was a Thursday)
    accuracy = (
        pings.accuracy_m.cast("float64").fill_null(DEFAULT_ACCURACY_M)
        if "accuracy_m" in pings.columns
        else ibis.literal(DEFAULT_ACCURACY_M)
    )
    weight = 1.0 / (accuracy.clip(lower=1.0) ** 2)
    in_lecture = ibis.or_(*(in_window(second, w) for w in rules.lecture_windows))
    located = pings.select(
        phone_day=phone_day_key(pings.phone.cast("int64"), day),
        cell=grid.cell_of(pings.lat, pings.lon),
        lecture_time=in_lecture & weekday.isin(list(rules.lecture_weekdays)),
        night=in_window(second, rules.night_window),
        weight=weight,
        lat=pings.lat,
        lon=pings.lon,
    )
    near = venues.cells
    joined = located.left_join(near, located.cell == near.cell)
    at_venue = joined.venue_index.notnull()
    lecture = at_venue & joined.lecture_time
    night_weight = ibis.ifelse(joined.night, joined.weight, 0.0)
    per_day = joined.group_by("phone_day").aggregate(
        lecture_venue=joined.venue_index.min(where=lecture),
        venue_pings=at_venue.sum(),
        venue_offhours_pings=(at_venue & ~joined.lecture_time).sum(),
        night_pings=joined.night.sum(),
        night_w=night_weight.sum(),
        night_wlat=(night_weight * joined.lat).sum(),
        night_wlon=(night_weight * joined.lon).sum(),
    )
    per_day = per_day.mutate(
        phone_number=per_day.phone_day // DAY_SLOTS,
        day=per_day.phone_day % DAY_SLOTS - DAY_BIAS,
    )
    daily = person_days(
        engine,
        per_day,
        day="day",
        merge={
            "lecture_venue": lambda c: c.min(),
            **{name: (lambda c: c.sum()) for name in SUMMED},
        },
    )
    profile = daily.group_by("person_key").aggregate(
        days_seen=daily.count(),
        first_day=daily.day.min(),
        last_day=daily.day.max(),
        lecture_days=daily.lecture_venue.count(),
        venue_pings=daily.venue_pings.sum(),
        venue_offhours_pings=daily.venue_offhours_pings.sum(),
        night_pings=daily.night_pings.sum(),
        night_w=daily.night_w.sum(),
        night_wlat=daily.night_wlat.sum(),
        night_wlon=daily.night_wlon.sum(),
    )
    favourite = _favourite_venue(daily, venues.names)
    profile = profile.left_join(favourite, profile.person_key == favourite.person_key)
    has_night = profile.night_w > 0
    return profile.select(
        person_key=profile.person_key,
        days_seen=profile.days_seen.cast("int64"),
        first_day=profile.first_day.cast("int64"),
        last_day=profile.last_day.cast("int64"),
        lecture_days=profile.lecture_days.cast("int64"),
        lecture_venue=profile.lecture_venue,
        venue_pings=profile.venue_pings.cast("int64"),
        venue_offhours_pings=profile.venue_offhours_pings.cast("int64"),
        night_pings=profile.night_pings.cast("int64"),
        night_lat=ibis.ifelse(has_night, profile.night_wlat / profile.night_w, ibis.null()),
        night_lon=ibis.ifelse(has_night, profile.night_wlon / profile.night_w, ibis.null()),
    )


SUMMED = (
    "venue_pings",
    "venue_offhours_pings",
    "night_pings",
    "night_w",
    "night_wlat",
    "night_wlon",
)


def _favourite_venue(days: ir.Table, names: ir.Table) -> ir.Table:
    """Per person, the venue of most lecture days (ties to the lower venue number)."""
    lectures = days.filter(days.lecture_venue.notnull())
    counted = lectures.group_by(["person_key", "lecture_venue"]).aggregate(n=lectures.count())
    order = ibis.window(group_by="person_key", order_by=[ibis.desc("n"), "lecture_venue"])
    ranked = counted.mutate(rank=ibis.row_number().over(order))
    top = ranked.filter(ranked.rank == 0)
    named = top.join(names, top.lecture_venue == names.venue_index)
    return named.select("person_key", lecture_venue=names.lecture_venue)

"""Heat maps of participants' activity: pings, persons and person-days per H3 hexagon and
per district of the city, over the whole period (result ``heat_cells``) and per week
(derived table ``heat_weeks``, which the workbench's map filters by).

Participants' phones come from ``phones`` (``tianluo.detectors.keys.phone_owners``); their
pings are counted per fine grid cell (``tianluo.detectors.grid``, 0.0005 degree), person
and local day on the engine. Only the distinct fine cells (tens of thousands at most)
come back to Python, where ``h3`` gives each one its hexagon at every configured
resolution and ``tianluo.geo.district_of`` its district; that lookup goes back to the
engine, which joins it and counts per hexagon and district.

Why not a UDF: a Python UDF runs row by row on Spark's Python workers and is declared
differently on DuckDB, while this lookup is the same numpy/h3 code on both engines and
touches each distinct cell once, not each ping (the pattern of ``presence.py``).
The price: a ping is placed by the centre of its fine cell, at most 39 m away, so a
ping within 39 m of a hexagon's or district's edge may be counted in its neighbour;
a resolution-8 hexagon is about 920 m across.
"""

from __future__ import annotations

import h3
import ibis
import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.detectors.grid import Grid
from tianluo.detectors.keys import phone_owners
from tianluo.detectors.pyramid.stats.participants import participants
from tianluo.engine import Engine
from tianluo.geo import city_districts, district_of
from tianluo.rules.statistics import StatisticsRules

CELLS_PER_DEGREE = 2000
DISTRICT_LAYER = "district"
WEEKS = "heat_weeks"
"""The derived table of the same counts per week (Monday to Sunday, Beijing days)."""
MONDAY_OFFSET = 3
"""Day 0 (1970-01-01) was a Thursday: day ``n`` is in the week starting on day
``(n + 3) // 7 * 7 - 3``."""
SCHEMA = pa.schema(
    [
        ("layer", pa.string()),
        ("cell", pa.string()),
        ("name", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("persons", pa.int64()),
        ("person_days", pa.int64()),
        ("pings", pa.int64()),
    ]
)


def h3_layer(resolution: int) -> str:
    """The layer name of one H3 resolution: ``h3_res8``."""
    return f"h3_res{resolution}"


def participant_activity(engine: Engine, rules: StatisticsRules, grid: Grid) -> ir.Table:
    """Pings of participants' phones per fine cell, person and local day."""
    people = participants(engine, rules.participant_min_score)
    owners = phone_owners(engine)
    phones = owners.join(people, "person_key").select("phone", "person_key")
    pings = engine.source("pings")
    located = pings.join(phones, "phone").select(
        "person_key",
        fine_cell=grid.cell_of(pings.lat, pings.lon),
        day_number=engine.local_day_number(pings.ts),
    )
    return located.group_by(["fine_cell", "person_key", "day_number"]).aggregate(
        pings=located.count()
    )


def area_lookup(grid: Grid, cells: npt.NDArray[np.int64], resolutions: tuple[int, ...]) -> pa.Table:
    """For each fine cell, the area it falls in on each layer: ``fine_cell``, ``layer``, ``cell``.

    Cells outside the city have no district row.
    """
    lat, lon = grid.centres(cells)
    layers: list[str] = []
    areas: list[str] = []
    fine: list[int] = []
    for resolution in resolutions:
        layer = h3_layer(resolution)
        for i, (a, b) in enumerate(zip(lat.tolist(), lon.tolist(), strict=True)):
            fine.append(int(cells[i]))
            layers.append(layer)
            areas.append(h3.latlng_to_cell(a, b, resolution))
    codes = {d.name: d.code for d in city_districts()}
    for i, name in enumerate(district_of(lat, lon).tolist()):
        if name:
            fine.append(int(cells[i]))
            layers.append(DISTRICT_LAYER)
            areas.append(codes[name])
    return pa.table(
        {
            "fine_cell": pa.array(fine, pa.int64()),
            "layer": pa.array(layers, pa.string()).dictionary_encode(),
            "cell": pa.array(areas, pa.string()),
        }
    )


def describe_areas(counts: pa.Table) -> pa.Table:
    """Add each area's ``name``, ``lat`` and ``lon``: a district's name and inner point,
    a hexagon's centre and the district holding it (empty outside the city)."""
    districts = {d.code: d for d in city_districts()}
    names: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    for layer, cell in zip(counts["layer"].to_pylist(), counts["cell"].to_pylist(), strict=True):
        if layer == DISTRICT_LAYER:
            district = districts[cell]
            point = district.geometry.representative_point()
            names.append(district.name)
            lats.append(float(point.y))
            lons.append(float(point.x))
        else:
            a, b = h3.cell_to_latlng(cell)
            names.append(str(district_of([a], [b])[0]))
            lats.append(a)
            lons.append(b)
    return pa.table(
        {
            "layer": counts["layer"].cast(pa.string()),
            "cell": counts["cell"],
            "name": pa.array(names, pa.string()),
            "lat": pa.array(lats, pa.float64()),
            "lon": pa.array(lons, pa.float64()),
            "persons": counts["persons"].cast(pa.int64()),
            "person_days": counts["person_days"].cast(pa.int64()),
            "pings": counts["pings"].cast(pa.int64()),
        }
    )


WEEKS_SCHEMA = pa.schema(
    [
        ("layer", pa.string()),
        ("cell", pa.string()),
        ("week", pa.date32()),
        ("persons", pa.int64()),
        ("person_days", pa.int64()),
        ("pings", pa.int64()),
    ]
)


def weekly_areas(counts: pa.Table) -> pa.Table:
    """The weekly rows (``week`` as the Monday's day number) in ``WEEKS_SCHEMA``, ordered by
    layer, week, then most persons first (then cell)."""
    table = pa.table(
        {
            "layer": counts["layer"].cast(pa.string()),
            "cell": counts["cell"],
            "week": counts["week"].cast(pa.int32()).cast(pa.date32()),
            "persons": counts["persons"].cast(pa.int64()),
            "person_days": counts["person_days"].cast(pa.int64()),
            "pings": counts["pings"].cast(pa.int64()),
        }
    )
    order = [
        ("layer", "ascending"),
        ("week", "ascending"),
        ("persons", "descending"),
        ("cell", "ascending"),
    ]
    return table.sort_by(order)


def heat_tables(engine: Engine, rules: StatisticsRules) -> tuple[pa.Table, pa.Table]:
    """The ``heat_cells`` result (per layer and area: participants, person-days, pings; by
    layer, then most persons first, then cell) and the same counts per week
    (``heat_weeks``, ``WEEKS_SCHEMA``).

    Both come from one query: the whole period's rows have no week. The per-person-day
    counts they share are computed once (DuckDB materialises a common table used twice).
    """
    grid = Grid(CELLS_PER_DEGREE)
    activity = participant_activity(engine, rules, grid)
    cells = engine.to_arrow(activity.select("fine_cell").distinct())["fine_cell"]
    if len(cells) == 0:
        return SCHEMA.empty_table(), WEEKS_SCHEMA.empty_table()
    lookup = area_lookup(grid, cells.to_numpy(), rules.h3_resolutions)
    areas = engine.register("heat_areas", lookup)
    placed = activity.join(areas, "fine_cell")
    per_day = placed.group_by(["layer", "cell", "person_key", "day_number"]).aggregate(
        pings=placed.pings.sum()
    )
    dated = per_day.mutate(
        week=((per_day.day_number + MONDAY_OFFSET) // 7 * 7 - MONDAY_OFFSET).cast("int64")
    )
    whole = dated.group_by(["layer", "cell"]).aggregate(
        persons=dated.person_key.nunique(),
        person_days=dated.count(),
        pings=dated.pings.sum(),
    )
    whole = whole.mutate(week=ibis.null("int64"))
    weekly = dated.group_by(["layer", "cell", "week"]).aggregate(
        persons=dated.person_key.nunique(),
        person_days=dated.count(),
        pings=dated.pings.sum(),
    )
    columns = ["layer", "cell", "week", "persons", "person_days", "pings"]
    both = engine.to_arrow(whole.select(*columns).union(weekly.select(*columns)))
    is_whole = pc.is_null(both["week"])
    table = describe_areas(both.filter(is_whole))
    order = [("layer", "ascending"), ("persons", "descending"), ("cell", "ascending")]
    return table.sort_by(order), weekly_areas(both.filter(pc.invert(is_whole)))

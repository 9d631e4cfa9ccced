"""The heat map's areas (``heat_cells``): the layers there are, and each area's counts with,
for an H3 hexagon, its outline to draw.

``heat_cells`` counts participants' activity per area over the whole period the data
covers; the derived table ``heat_weeks`` holds the same counts per week (Monday to
Sunday), so that the map can show one week.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import h3
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import InvalidInput

DISTRICT_LAYER = "district"
WEEKS = "heat_weeks"
H3_LAYER = re.compile(r"^h3_res(\d{1,2})$")
METRICS = ("persons", "person_days", "pings")
"""What an area's colour shows: distinct participants, participant-days, or location fixes."""


@dataclass(frozen=True, slots=True)
class HeatCell:
    cell: str  # an H3 index or a district's GB/T 2260 code
    name: str  # the district (holding the hexagon)
    lat: float
    lon: float
    persons: int
    person_days: int
    pings: int
    outline: tuple[tuple[float, float], ...]  # (lat, lon) corners of a hexagon; () for districts

    def metric(self, name: str) -> int:
        value: int = getattr(self, name)
        return value


def _resolution(layer: str) -> int | None:
    match = H3_LAYER.match(layer)
    return int(match.group(1)) if match else None


def layers(results: ResultsStore) -> list[str]:
    """The layers of ``heat_cells``: districts first, then hexagons from coarse to fine."""
    table = results.table("heat_cells")
    if table is None or table.num_rows == 0:
        return []
    names = [str(v) for v in pc.unique(table["layer"]).to_pylist() if v]
    return sorted(names, key=lambda n: (n != DISTRICT_LAYER, _resolution(n) or 0, n))


def weeks(results: ResultsStore) -> list[dt.date]:
    """The Mondays of the weeks with activity (``heat_weeks``), earliest first."""
    table = results.derived(WEEKS)
    if table is None or table.num_rows == 0:
        return []
    return sorted(d for d in pc.unique(table["week"]).to_pylist() if d is not None)


def week_rows(results: ResultsStore, week: dt.date) -> pa.Table:
    """The ``heat_weeks`` rows of one week (every layer); a week without activity is refused."""
    table = results.derived(WEEKS)
    found = None if table is None else table.filter(pc.equal(table["week"], week))
    if found is None or found.num_rows == 0:
        raise InvalidInput(f"no activity in the week of {week.isoformat()}", field="week")
    return found


def cells(results: ResultsStore, layer: str, week: dt.date | None = None) -> list[HeatCell]:
    """The areas of one layer, most persons first; hexagons come with their outline.

    With ``week`` (a Monday of ``weeks``), the counts are that week's and only the areas
    active in it are given.
    """
    if layer not in layers(results):
        raise InvalidInput(f"no heat-map layer {layer!r}", field="layer")
    whole = _whole_period(results, layer)
    if week is None:
        return whole
    table = week_rows(results, week)
    chosen = pc.equal(table["layer"], layer)
    by_cell = {c.cell: c for c in whole}
    found = [
        replace(
            by_cell[r["cell"]],
            persons=int(r["persons"]),
            person_days=int(r["person_days"]),
            pings=int(r["pings"]),
        )
        for r in table.filter(chosen).to_pylist()
        if r["cell"] in by_cell
    ]
    return sorted(found, key=lambda c: (-c.persons, c.cell))


def _whole_period(results: ResultsStore, layer: str) -> list[HeatCell]:
    table = results.table("heat_cells")
    assert table is not None  # layers() found it
    rows = table.filter(pc.equal(table["layer"], layer)).to_pylist()
    hexagons = _resolution(layer) is not None
    found = [
        HeatCell(
            cell=r["cell"],
            name=r["name"] or "",
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            persons=int(r["persons"]),
            person_days=int(r["person_days"]),
            pings=int(r["pings"]),
            outline=tuple(h3.cell_to_boundary(r["cell"])) if hexagons else (),
        )
        for r in rows
    ]
    return sorted(found, key=lambda c: (-c.persons, c.cell))

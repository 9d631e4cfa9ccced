"""The heat map's areas (``heat_cells``): the layers there are, and each area's counts with,
for an H3 hexagon, its outline to draw.

``heat_cells`` counts participants' activity per area over the whole period the data
covers: it has no time dimension, so the map is filtered by layer, not by week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import h3
import pyarrow.compute as pc

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import InvalidInput

DISTRICT_LAYER = "district"
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


def cells(results: ResultsStore, layer: str) -> list[HeatCell]:
    """The areas of one layer, most persons first; hexagons come with their outline."""
    if layer not in layers(results):
        raise InvalidInput(f"no heat-map layer {layer!r}", field="layer")
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

"""Daily presence: where each person was, day by day, relative to the city and watched sites.

One row per person and local (Beijing) day with the number of pings, whether any
ping fell inside the city, and for each kind of watched site (compound, venue,
den, other) the distance from that day's closest ping to the nearest such site,
with the site's id as evidence. The residency rule (the "云觅" rule) and the den
and organisation detectors start from this table.

How it stays fast (100 million pings against 2,000 sites): a ping is placed in a
fine grid cell (``cells_per_degree``, default 2000: 0.0005 degree, about 55 m by
51 m). The distinct cells of the pings are pulled out (a few million at most), and
for each cell numpy finds the nearest site of every kind from the cell's centre,
comparing only with sites in neighbouring coarse blocks (see ``grid.nearest_sites``).
That per-cell lookup goes back to the engine, which joins it to the pings and
aggregates per person and day; no pings-by-sites product is ever formed.
The one pass over the pings groups on a single integer (phone and day packed, see
``phone_day_key``) and keeps per kind only the smallest packed (distance, site) key;
owners, distances and site ids are attached to the per-day rows, not to the pings
(docs/decisions/0002-engine-and-presence.md has the figures).

The price is a bounded approximation: distances are measured from the centre of
the ping's cell, which is at most half a cell diagonal from the ping (39.3 m at the
default size; ``Grid.max_offset_m``). So a reported distance is within 39.3 m of the
exact one, a site counts as "within the cap" when its distance from the cell centre
is at most ``cap_m``, a named nearest site may differ from the exact one only when
two sites are within 79 m of being equally near, and ``in_city`` is decided at the
cell centre (a ping within 39 m of the city border may fall either way). Signalling
pings locate a phone to a few hundred metres, so none of this changes a finding;
a finer grid (``cells_per_degree=20000``: 3.9 m) tightens it at the cost of more cells.
Distances are haversine on a sphere (``grid.EARTH_RADIUS_M``), rounded to the millimetre.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from tianluo.contract.sources import SITE_KINDS
from tianluo.detectors.grid import FloatArray, Grid, nearest_sites
from tianluo.detectors.keys import person_days
from tianluo.engine import Engine

InCity = Callable[[FloatArray, FloatArray], npt.NDArray[np.bool_]]
"""Whether each point (lats, lons in degrees) is inside the city."""

SITE_SLOTS = 1 << 20
"""Room for site numbers in an encoded (distance, site) key: at most 1,048,576 sites."""

DAY_SLOTS = 1 << 17
"""Room for a day in an encoded (phone, day) key: 131,072 days."""

DAY_BIAS = 1 << 16
"""Days -65,536..65,535 from 1970 (1790-2149) fit; ingest keeps timestamps in 1900-2099."""

MAX_EXACT = 1 << 53  # integers up to here survive a trip through a double (Spark's `/`)

DERIVED_NAME = "presence_daily"


class PresenceSettings(BaseModel):
    """Parameters of the daily presence table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cap_m: float = Field(
        default=5000.0,
        gt=0,
        le=1_000_000,
        description="sites farther than this (metres) are ignored: the distance is empty",
    )
    cells_per_degree: int = Field(
        default=2000,
        ge=10,
        le=100_000,
        description="grid resolution: 2000 = 0.0005 degree cells, distances within 39.3 m",
    )


def presence_columns(kinds: tuple[str, ...] = SITE_KINDS) -> list[str]:
    """The columns of the table, in order."""
    per_kind = [c for k in kinds for c in (f"min_dist_{k}_m", f"nearest_{k}")]
    return ["person_key", "day", "pings", "in_city", *per_kind]


def daily_presence(
    engine: Engine, settings: PresenceSettings | None = None, *, in_city: InCity | None = None
) -> ir.Table:
    """Pings per person and local day, whether in the city, and the nearest site of each kind.

    ``in_city`` defaults to Nanning's boundary (``tianluo.geo.in_city``). Building the
    expression runs one query (the distinct cells of the pings) to make the lookup.
    """
    settings = settings or PresenceSettings()
    if in_city is None:
        from tianluo.geo import in_city as city_test  # noqa: PLC0415 (loads shapes; only here)

        in_city = city_test
    grid = Grid(settings.cells_per_degree)
    pings = engine.source("pings")
    cell = grid.cell_of(pings.lat, pings.lon)
    cells = engine.to_arrow(pings.select(cell=cell).distinct())["cell"].to_numpy()
    sites = load_sites(engine)
    lookup = cell_lookup(grid, cells, sites, cap_m=settings.cap_m, in_city=in_city)
    cell_table = engine.register("presence_cells", lookup)

    # One pass over the pings, grouped on one integer (phone and day packed together);
    # every other step works on the per-day rows, which are fewer than the pings.
    located = pings.select(
        phone_day=phone_day_key(pings.phone.cast("int64"), engine.local_day_number(pings.ts)),
        cell=cell,
    )
    joined = located.join(cell_table, "cell")
    keys = [f"key_{k}" for k in SITE_KINDS]
    per_phone = joined.group_by("phone_day").aggregate(
        pings=joined.count(),
        in_city=joined.in_city.any(),
        **{key: joined[key].min() for key in keys},
    )
    per_phone = per_phone.mutate(
        phone_number=per_phone.phone_day // DAY_SLOTS,
        day_number=per_phone.phone_day % DAY_SLOTS - DAY_BIAS,
    )
    daily = person_days(
        engine,
        per_phone,
        day="day_number",
        merge={
            "pings": lambda c: c.sum(),
            "in_city": lambda c: c.any(),
            **{key: (lambda c: c.min()) for key in keys},
        },
    )
    # site numbers become distances and ids only now, on the final rows
    daily = daily.mutate(
        day=engine.day_from_number(daily.day_number),
        **{
            f"min_dist_{k}_m": (daily[f"key_{k}"] // SITE_SLOTS).cast("float64") / 1000
            for k in SITE_KINDS
        },
        **{f"site_{k}": daily[f"key_{k}"] % SITE_SLOTS for k in SITE_KINDS},
    )
    for kind in SITE_KINDS:
        names = engine.register(f"presence_sites_{kind}", sites.names(kind))
        daily = daily.left_join(names, daily[f"site_{kind}"] == names[f"site_index_{kind}"])
    return daily.select(*presence_columns())


def phone_day_key(phone: ir.IntegerValue, day_number: ir.IntegerValue) -> ir.IntegerValue:
    """One integer for a phone (its 11 digits as a number) and a day (days since 1970).

    ``phone * DAY_SLOTS + day_number + DAY_BIAS``: mobiles are below 2e10 (34.3 bits) and
    days take 17 bits, so keys stay below 2^53 and survive any engine's double division;
    ``// DAY_SLOTS`` and ``% DAY_SLOTS`` (a power of two, hence exact) unpack them.
    """
    key: ir.IntegerValue = phone * DAY_SLOTS + (day_number + DAY_BIAS)
    return key


def write_daily_presence(
    engine: Engine, settings: PresenceSettings | None = None, *, in_city: InCity | None = None
) -> Path:
    """Materialise the table at ``derived/presence_daily.parquet`` of the workspace."""
    path = engine.workspace.derived_path(DERIVED_NAME)
    return engine.write_parquet(daily_presence(engine, settings, in_city=in_city), path)


@dataclass(frozen=True, slots=True)
class WatchedSites:
    """The watched sites, one per id (its latest load), sorted by id; numbered by position."""

    ids: npt.NDArray[np.str_]
    kinds: npt.NDArray[np.str_]
    lat: FloatArray
    lon: FloatArray

    def of_kind(self, kind: str) -> npt.NDArray[np.int64]:
        """The numbers of the sites of one kind."""
        (members,) = np.nonzero(self.kinds == kind)
        return members.astype(np.int64)

    def names(self, kind: str) -> pa.Table:
        """Site number to site id for one kind: ``site_index_<kind>``, ``nearest_<kind>``.

        The ids are dictionary-encoded: a label column, which DuckDB joins and writes as
        an ENUM (the write of the presence table takes a third less time).
        """
        members = self.of_kind(kind)
        return pa.table(
            {
                f"site_index_{kind}": pa.array(members, pa.int64()),
                f"nearest_{kind}": pa.array(self.ids[members], pa.string()).dictionary_encode(),
            }
        )


def load_sites(engine: Engine) -> WatchedSites:
    """The workspace's watched sites (none when the source was never loaded)."""
    if not engine.has_source("sites"):
        empty = np.array([], dtype=str)
        return WatchedSites(empty, empty, np.array([]), np.array([]))
    sites = engine.source("sites")
    frame = engine.to_arrow(sites.select("site_id", "kind", "lat", "lon", "_load_id")).to_pandas()
    frame = frame.sort_values(["site_id", "_load_id"]).drop_duplicates("site_id", keep="last")
    if len(frame) >= SITE_SLOTS:
        raise ValueError(f"{len(frame)} sites: at most {SITE_SLOTS - 1} are supported")
    return WatchedSites(
        frame["site_id"].to_numpy(str),
        frame["kind"].to_numpy(str),
        frame["lat"].to_numpy(np.float64),
        frame["lon"].to_numpy(np.float64),
    )


def cell_lookup(
    grid: Grid,
    cells: npt.NDArray[np.int64],
    sites: WatchedSites,
    *,
    cap_m: float,
    in_city: InCity,
) -> pa.Table:
    """Per cell: inside the city or not, and per kind an encoded (millimetres, site) key.

    The key ``mm * SITE_SLOTS + site`` orders by distance, then by site id, so the
    engine's plain ``min`` picks the nearest site (and breaks ties the same way on
    every engine) without a costly arg-min.
    """
    if cap_m * 1000 * SITE_SLOTS >= MAX_EXACT:
        raise ValueError(f"cap_m={cap_m} is too large to encode exactly")
    lat, lon = grid.centres(cells)

    def nearest_key(kind: str) -> pa.Array:
        members = sites.of_kind(kind)
        dist, nearest = nearest_sites(lat, lon, sites.lat[members], sites.lon[members], cap_m)
        found = nearest >= 0
        site = np.zeros(len(cells), np.int64)
        site[found] = members[nearest[found]]
        millimetres = np.round(np.where(found, dist, 0.0) * 1000).astype(np.int64)
        return pa.array(millimetres * SITE_SLOTS + site, pa.int64(), mask=~found)

    # numpy and GEOS release the GIL: the kinds (and the city test) run side by side
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        inside = pool.submit(in_city, lat, lon)
        keys = list(pool.map(nearest_key, SITE_KINDS))
    columns: dict[str, pa.Array] = {
        "cell": pa.array(cells, pa.int64()),
        "in_city": pa.array(np.asarray(inside.result(), dtype=bool)),
    }
    columns |= {f"key_{kind}": key for kind, key in zip(SITE_KINDS, keys, strict=True)}
    return pa.table(columns)

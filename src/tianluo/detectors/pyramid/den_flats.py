"""Flats that may be dens: the suspects' rentals, known den sites and tips that name a flat.

A den is a dwelling, and the feeds name dwellings in three ways: a rental
registration (a flat and its tenant), a den already listed in ``sites`` (kind
``den``), and a citizen's tip whose text names a flat (an address with a room
number, 室). Records with the same address are one flat. A tip is attached to
the flat whose address its text quotes, or else to a flat at the very point the
tip was located; otherwise it stands for a flat of its own.

Only rentals whose tenant is one of the given suspects are read: each is a flat
where at least one suspect sleeps, the seed of a possible den.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.detectors.keys import record_keys
from tianluo.detectors.pyramid.coresidence import local_metres
from tianluo.engine import Engine

FLAT_COLUMNS = ["lat", "lon", "address", "tenants", "rentals", "site_id", "tips"]
SAME_POINT_M = 1.0
"""A tip located this close to a flat's point is about that flat (geocoded from its address)."""
NAMES_A_FLAT = re.compile(r"\d+\s*室")


@dataclass
class _Flat:
    lat: float
    lon: float
    address: str | None = None
    tenants: list[str] = field(default_factory=list)
    rentals: list[str] = field(default_factory=list)
    site_id: str | None = None
    tips: list[str] = field(default_factory=list)


def candidate_flats(engine: Engine, suspects: list[str]) -> pd.DataFrame:
    """One row per flat: place, address, tenants among ``suspects``, rental, site and tip ids."""
    flats: dict[str, _Flat] = {}
    for rental in _suspects_rentals(engine, suspects):
        address = _address(rental["address"])
        flat = flats.setdefault(address, _Flat(float(rental["lat"]), float(rental["lon"]), address))
        _add(flat.tenants, str(rental["person_key"]))
        _add(flat.rentals, str(rental["record_id"]))
    for site in _known_dens(engine):
        address = _address(site["address"])
        key = address or str(site["site_id"])
        flat = flats.setdefault(key, _Flat(float(site["lat"]), float(site["lon"]), address or None))
        flat.site_id = flat.site_id or str(site["site_id"])
    addresses = [a for a, f in flats.items() if f.address]
    for tip in _flat_tips(engine):
        lat, lon = float(tip["lat"]), float(tip["lon"])
        quoted = next((a for a in addresses if a in str(tip["text"])), None)
        key = quoted or _same_point(flats, lat, lon) or str(tip["report_id"])
        _add(flats.setdefault(key, _Flat(lat, lon)).tips, str(tip["report_id"]))
    return pd.DataFrame(
        [[getattr(f, c) for c in FLAT_COLUMNS] for f in flats.values()], columns=FLAT_COLUMNS
    )


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _address(value: object) -> str:
    """An address without its spaces, so that two spellings of one flat compare equal."""
    return "".join(value.split()) if isinstance(value, str) else ""


def _same_point(flats: dict[str, _Flat], lat: float, lon: float) -> str | None:
    if not flats:
        return None
    keys = list(flats)
    plane = local_metres(
        np.array([flats[k].lat for k in keys] + [lat]),
        np.array([flats[k].lon for k in keys] + [lon]),
    )
    distance = np.hypot(*(plane[:-1] - plane[-1]).T)
    best = int(np.argmin(distance))
    return keys[best] if distance[best] <= SAME_POINT_M else None


Row = dict[str, Any]


def _rows(engine: Engine, table: ir.Table, order: list[str]) -> list[Row]:
    rows: list[Row] = engine.to_arrow(table).to_pylist()
    return sorted(rows, key=lambda row: [str(row[c]) for c in order])


def _suspects_rentals(engine: Engine, suspects: list[str]) -> list[Row]:
    """The located rentals whose tenant (the resolved person) is one of ``suspects``."""
    if not (engine.has_source("rentals") and suspects):
        return []
    rentals = engine.source("rentals")
    if not {"lat", "lon"} <= set(rentals.columns):
        return []
    keys = record_keys(engine, "rentals")
    wanted = engine.register(
        "den_suspects", pa.table({"suspect_key": pa.array(suspects, pa.string())})
    )
    located = rentals.filter(rentals.lat.notnull() & rentals.lon.notnull())
    keyed = located.join(keys, located.record_id.cast("string") == keys.record_id)
    theirs = keyed.join(wanted, keyed.person_key == wanted.suspect_key)
    address = theirs.address if "address" in rentals.columns else theirs.record_id
    table = theirs.select(
        record_id=theirs.record_id.cast("string"),
        person_key=theirs.person_key,
        address=address.cast("string"),
        lat=theirs.lat.cast("float64"),
        lon=theirs.lon.cast("float64"),
    )
    return _rows(engine, table, ["record_id", "person_key"])


def _known_dens(engine: Engine) -> list[Row]:
    """The located sites of kind ``den``."""
    if not engine.has_source("sites"):
        return []
    sites = engine.source("sites")
    dens = sites.filter((sites.kind == "den") & sites.lat.notnull() & sites.lon.notnull())
    address = dens.address if "address" in sites.columns else dens.site_id
    table = dens.select(
        site_id=dens.site_id.cast("string"),
        address=address.cast("string"),
        lat=dens.lat.cast("float64"),
        lon=dens.lon.cast("float64"),
    )
    return _rows(engine, table, ["site_id"])


def _flat_tips(engine: Engine) -> list[Row]:
    """The located reports whose text names a flat (a room number)."""
    if not engine.has_source("reports"):
        return []
    reports = engine.source("reports")
    if not {"lat", "lon"} <= set(reports.columns):
        return []
    located = reports.filter(reports.lat.notnull() & reports.lon.notnull() & reports.text.notnull())
    table = located.select(
        report_id=located.report_id.cast("string"),
        text=located.text.cast("string"),
        lat=located.lat.cast("float64"),
        lon=located.lon.cast("float64"),
    )
    return [r for r in _rows(engine, table, ["report_id"]) if NAMES_A_FLAT.search(r["text"])]

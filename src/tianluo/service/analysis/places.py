"""The watched sites and the dens found, for the map: where they are and what they are.

A site loaded again in a later feed is shown as its latest load has it (load folders sort
by time). The lake's sites are read again only when its files change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import duckdb

from tianluo.contract.sources import SITE_KINDS
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

__all__ = ["SITE_KINDS", "Den", "Site", "dens", "watched_sites"]

OPTIONAL = ("radius_m", "district", "address")
"""Optional columns of ``sites`` (contract): read as empty when a feed lacks them."""


@dataclass(frozen=True, slots=True)
class Site:
    """A watched site (``sites``): a compound, a lecture venue, a known den, or another."""

    site_id: str
    name: str
    kind: str
    lat: float
    lon: float
    radius_m: float | None
    district: str
    address: str


@dataclass(frozen=True, slots=True)
class Den:
    """A likely den (``dens``): where it is, how many sleep there, its score and reasons."""

    den_id: str
    lat: float
    lon: float
    members: int
    score: float
    address: str  # masked like any free text
    reasons: str


def watched_sites(workspace: Workspace) -> list[Site]:
    """Every watched site with a location, as of its latest load, by kind then id."""
    files = workspace.lake_files("sites")
    stamps = tuple((str(f), f.stat().st_mtime) for f in files)
    return list(_read_sites(stamps))


@functools.lru_cache(maxsize=4)
def _read_sites(stamps: tuple[tuple[str, float], ...]) -> tuple[Site, ...]:
    if not stamps:
        return ()
    files = [path for path, _ in stamps]
    scan = "read_parquet(?, union_by_name=true, filename=true)"
    with duckdb.connect() as con:
        present = {d[0] for d in con.execute(f"SELECT * FROM {scan} LIMIT 0", [files]).description}
        extra = ", ".join(c if c in present else f"NULL AS {c}" for c in OPTIONAL)
        rows = con.execute(
            f"SELECT site_id, name, kind, lat, lon, {extra} FROM {scan} "
            "WHERE lat IS NOT NULL AND lon IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY site_id ORDER BY filename DESC) = 1 "
            "ORDER BY kind, site_id",
            [files],
        ).fetchall()
    return tuple(
        Site(
            site_id=str(site_id),
            name=str(name or site_id),
            kind=str(kind or "other"),
            lat=float(lat),
            lon=float(lon),
            radius_m=None if radius is None else float(radius),
            district=str(district or ""),
            address=str(address or ""),
        )
        for site_id, name, kind, lat, lon, radius, district, address in rows
    )


def _count(members: object) -> int:
    """``members`` is the list of the den's members, or (in other feeds) their number."""
    if isinstance(members, list):
        return len(members)
    return int(members) if isinstance(members, int | float) else 0


def dens(results: ResultsStore, masker: Masker, *, min_score: float = 0.0) -> list[Den]:
    """The dens scoring at least ``min_score``, highest score first (address and reasons
    masked by ``masker``)."""
    table = results.table("dens")
    if table is None:
        return []
    found = [
        Den(
            den_id=str(r["den_id"]),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            members=_count(r["members"]),
            score=float(r["score"]),
            address=masker.text(r.get("address")) or "",
            reasons=masker.text(r.get("reasons")) or "",
        )
        for r in table.to_pylist()
        if r["lat"] is not None and r["lon"] is not None and float(r["score"]) >= min_score
    ]
    return sorted(found, key=lambda d: (-d.score, -d.members, d.den_id))

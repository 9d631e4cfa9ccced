"""Who a person is linked to: calls, transfers, and sleeping under one roof.

Calls and transfers come from the detectors' pair tables (``derived/call_links``,
``derived/transfer_links``: counts per ordered pair of persons). Co-residents are the
people whose night location (``derived/activity_profile``: the centre of their night
pings) lies within the rules' ``coresidence_radius_m`` of the person's, as the suspect
profile counts them, and the other members of the dens the person belongs to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tianluo.service.analysis.lake import PersonLake, derived_scan, fetch
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.privacy.masking import Masker

EARTH_RADIUS_M = 6_371_008.8
LINKS_SHOWN = 40
"""The strongest links shown (a graph of hundreds of people cannot be read)."""


@dataclass(frozen=True, slots=True)
class CoresidenceRule:
    radius_m: float
    min_night_pings: int


def _link(links: dict[str, dict[str, Any]], other: str) -> dict[str, Any]:
    return links.setdefault(
        other,
        {
            "key": other,
            "calls_out": 0,
            "calls_in": 0,
            "answered": 0,
            "transfers_out": 0,
            "yuan_out": 0.0,
            "transfers_in": 0,
            "yuan_in": 0.0,
            "fees_out": 0,
            "fees_in": 0,
            "coresident_m": None,
            "dens": [],
        },
    )


def _calls(lake: PersonLake, links: dict[str, dict[str, Any]]) -> None:
    scan = derived_scan(lake.workspace, "call_links")
    if scan is None:
        return
    rows = fetch(
        lake.con,
        f"SELECT caller_key, callee_key, calls, answered FROM {scan} "
        "WHERE caller_key = ? OR callee_key = ?",
        [lake.person, lake.person],
    )
    for r in rows:
        out = r["caller_key"] == lake.person
        link = _link(links, r["callee_key"] if out else r["caller_key"])
        link["calls_out" if out else "calls_in"] += int(r["calls"])
        link["answered"] += int(r["answered"])


def _transfers(lake: PersonLake, links: dict[str, dict[str, Any]]) -> None:
    scan = derived_scan(lake.workspace, "transfer_links")
    if scan is None:
        return
    rows = fetch(
        lake.con,
        f"SELECT payer_key, payee_key, transfers, yuan::DOUBLE AS yuan, fees FROM {scan} "
        "WHERE payer_key = ? OR payee_key = ?",
        [lake.person, lake.person],
    )
    for r in rows:
        out = r["payer_key"] == lake.person
        link = _link(links, r["payee_key"] if out else r["payer_key"])
        side = "out" if out else "in"
        link[f"transfers_{side}"] += int(r["transfers"])
        link[f"yuan_{side}"] = round(link[f"yuan_{side}"] + float(r["yuan"] or 0.0), 2)
        link[f"fees_{side}"] += int(r["fees"])


def _coresidents(lake: PersonLake, rule: CoresidenceRule, links: dict[str, dict[str, Any]]) -> None:
    scan = derived_scan(lake.workspace, "activity_profile")
    if scan is None:
        return
    columns = "person_key, night_lat, night_lon, night_pings"
    me = fetch(lake.con, f"SELECT {columns} FROM {scan} WHERE person_key = ?", [lake.person])
    if not me or me[0]["night_lat"] is None or me[0]["night_pings"] < rule.min_night_pings:
        return
    lat, lon = float(me[0]["night_lat"]), float(me[0]["night_lon"])
    dlat = math.degrees(rule.radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    near = fetch(
        lake.con,
        f"SELECT {columns} FROM {scan} WHERE night_lat BETWEEN ? AND ? "
        "AND night_lon BETWEEN ? AND ? AND night_pings >= ? AND person_key <> ?",
        [lat - dlat, lat + dlat, lon - dlon, lon + dlon, rule.min_night_pings, lake.person],
    )
    for r in near:
        metres = _metres(lat, lon, float(r["night_lat"]), float(r["night_lon"]))
        if metres <= rule.radius_m:
            _link(links, r["person_key"])["coresident_m"] = round(metres, 1)


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on a local plane: exact to well under a metre at these ranges."""
    north = math.radians(lat2 - lat1) * EARTH_RADIUS_M
    east = math.radians(lon2 - lon1) * EARTH_RADIUS_M * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(north, east)


def _strength(link: dict[str, Any]) -> float:
    """How strongly linked: calls, transfers (weighed up), a shared den; sleeping nearby a little.

    In a tower block dozens sleep within the radius: alone, that must not crowd out the
    calls and payments that bind an organisation.
    """
    calls = int(link["calls_out"] + link["calls_in"])
    transfers = int(link["transfers_out"] + link["transfers_in"])
    den = 15 if link["dens"] else 0
    nearby = 2 if link["coresident_m"] is not None else 0
    return float(calls + 5 * transfers + den + nearby)


def _suspect_scores(results: ResultsStore, keys: list[str]) -> dict[str, float]:
    table = results.table("suspects")
    if table is None or not keys:
        return {}
    chosen = table.filter(pc.is_in(table.column("id_number"), pa.array(keys, pa.string())))
    return dict(
        zip(chosen.column("id_number").to_pylist(), chosen.column("score").to_pylist(), strict=True)
    )


def person_links(
    lake: PersonLake,
    results: ResultsStore,
    masker: Masker,
    *,
    rule: CoresidenceRule,
    den_mates: dict[str, list[str]],
    limit: int = LINKS_SHOWN,
) -> dict[str, Any]:
    """The person's strongest links (at most ``limit``), each with its counts, and how many."""
    links: dict[str, dict[str, Any]] = {}
    _calls(lake, links)
    _transfers(lake, links)
    _coresidents(lake, rule, links)
    for den, others in sorted(den_mates.items()):
        for other in others:
            _link(links, other)["dens"].append(den)
    ranked = sorted(links.values(), key=lambda k: (-_strength(k), k["key"]))[:limit]
    scores = _suspect_scores(results, [k["key"] for k in ranked])
    shown = [
        {
            **{name: value for name, value in link.items() if name != "key"},
            "person": masker.value(link["key"]),
            "ref": masker.ref(link["key"]),
            "suspect_score": scores.get(link["key"]),
        }
        for link in ranked
    ]
    return {"total": len(links), "links": shown}

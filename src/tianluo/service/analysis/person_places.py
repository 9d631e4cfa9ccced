"""Where one person lives and goes: dens, rentals, and the watched sites passed or stayed near."""

from __future__ import annotations

from typing import Any

from tianluo.service.analysis.lake import (
    PersonLake,
    fetch,
    lake_columns,
    lake_scan,
    with_optional,
)
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.privacy.masking import Masker


def den_mates(results: ResultsStore, person: str) -> dict[str, list[str]]:
    """The dens (``dens``) whose members include the person, and their other members."""
    table = results.table("dens")
    if table is None:
        return {}
    dens = zip(table.column("den_id").to_pylist(), table.column("members").to_pylist(), strict=True)
    return {den: [m for m in members if m != person] for den, members in dens if person in members}


def dens_of(results: ResultsStore, person: str, masker: Masker) -> list[dict[str, Any]]:
    """The dens whose members include the person: where, how many, score and reasons."""
    table = results.table("dens")
    if table is None:
        return []
    mine = den_mates(results, person)
    return [
        {
            "den_id": den["den_id"],
            "address": den.get("address"),
            "lat": den["lat"],
            "lon": den["lon"],
            "members": len(den["members"] or []),
            "score": den["score"],
            "reasons": masker.text(den["reasons"]),
        }
        for den in table.to_pylist()
        if den["den_id"] in mine
    ]


def rentals(lake: PersonLake, masker: Masker) -> list[dict[str, Any]]:
    """The person's rental registrations (``rentals``), newest first."""
    rows = lake.rows(
        "rentals",
        "record_id, address, lat, lon, start_date::VARCHAR AS start_date, "
        "end_date::VARCHAR AS end_date, landlord_id_number",
        optional=("lat", "lon", "end_date", "landlord_id_number"),
        tail="ORDER BY start_date DESC",
    )
    return [{**r, "landlord_id_number": masker.value(r["landlord_id_number"])} for r in rows]


def gate_passes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per watched site, the person's passes through its gates (``access_events`` rows)."""
    sites: dict[str, dict[str, Any]] = {}
    for event in events:
        site = sites.setdefault(
            event["site_id"],
            {"site_id": event["site_id"], "passes": 0, "days": set(), "first": event["at"]},
        )
        site["passes"] += 1
        site["days"].add(event["at"][:10])
        site["last"] = event["at"]
    passes = [{**s, "days": len(s["days"])} for s in sites.values()]
    return sorted(passes, key=lambda s: (-s["passes"], s["site_id"]))


def site_names(lake: PersonLake, site_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Name, kind and district of the watched sites (``sites``, their latest load)."""
    scan = lake_scan(lake.workspace, "sites")
    if scan is None or not site_ids:
        return {}
    scan = with_optional(scan, lake_columns(lake.workspace, "sites"), ("district", "address"))
    rows = fetch(
        lake.con,
        f"SELECT site_id, arg_max(name, _load_id) AS name, arg_max(kind, _load_id) AS kind, "
        f"arg_max(district, _load_id) AS district FROM {scan} "
        "WHERE site_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY site_id",
        [site_ids],
    )
    return {r["site_id"]: r for r in rows}


def visited_sites(
    lake: PersonLake, gates: list[dict[str, Any]], near: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Watched sites with the person's gate passes and the days spent near each."""
    by_site: dict[str, dict[str, Any]] = {}
    for gate in gates:
        by_site[gate["site_id"]] = {
            "site_id": gate["site_id"],
            "passes": gate["passes"],
            "gate_days": gate["days"],
            "first_pass": gate["first"],
            "last_pass": gate["last"],
            "near_days": 0,
        }
    for entry in near:
        site = by_site.setdefault(
            entry["site_id"], {"site_id": entry["site_id"], "passes": 0, "gate_days": 0}
        )
        site["near_days"] = entry["days"]
    names = site_names(lake, sorted(by_site))
    sites = [{**s, **names.get(s["site_id"], {})} for s in by_site.values()]
    return sorted(sites, key=lambda s: (-(s["near_days"] + s["gate_days"]), s["site_id"]))

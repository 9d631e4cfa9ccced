"""A person's presence in the city over time, from the daily presence table of the detectors.

``derived/presence_daily`` has one row per person and day seen in the pings: how many
pings, whether any fell in the city, and the distance to the nearest watched site of each
kind. For one person this is a few hundred rows at most, read with the person's key as a
filter pushed into the Parquet scan. Days are shown one by one up to ``DAILY_UP_TO``
days of span; longer spans are summed by week (Monday first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tianluo.service.analysis.lake import PersonLake, derived_scan, fetch

PRESENCE_TABLE = "presence_daily"
DAILY_UP_TO = 120
"""Spans of up to this many days are charted day by day; longer ones week by week."""


def presence_days(lake: PersonLake, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """The person's days: ``day``, ``pings``, ``in_city``, and per site kind the nearest site."""
    scan = derived_scan(lake.workspace, PRESENCE_TABLE)
    if scan is None:
        return []
    per_kind = ", ".join(f"min_dist_{k}_m, nearest_{k}" for k in kinds)
    return fetch(
        lake.con,
        f"SELECT day, pings, in_city, {per_kind} FROM {scan} WHERE person_key = ? ORDER BY day",
        [lake.person],
    )


def near_site(day: dict[str, Any], kinds: Sequence[str], radius_m: float) -> str | None:
    """The watched site (of ``kinds``) nearest the person that day, if within ``radius_m``."""
    best: tuple[float, str] | None = None
    for kind in kinds:
        distance = day.get(f"min_dist_{kind}_m")
        if distance is not None and distance <= radius_m and (best is None or distance < best[0]):
            best = (float(distance), str(day[f"nearest_{kind}"]))
    return best[1] if best else None


def presence_series(
    days: list[dict[str, Any]], kinds: Sequence[str], radius_m: float
) -> dict[str, Any]:
    """Per day (or week): days seen, days in the city, days near a watched site, pings."""
    if not days:
        return {
            "bucket": "day",
            "days_seen": 0,
            "days_in_city": 0,
            "days_near": 0,
            "radius_m": radius_m,
            "points": [],
        }
    first, last = days[0]["day"], days[-1]["day"]
    bucket = "day" if (last - first).days < DAILY_UP_TO else "week"
    points: dict[dt.date, dict[str, Any]] = {}
    for day in days:
        start = day["day"] if bucket == "day" else day["day"] - dt.timedelta(day["day"].weekday())
        point = points.setdefault(
            start,
            {"start": start.isoformat(), "seen": 0, "in_city": 0, "near": 0, "pings": 0},
        )
        point["seen"] += 1
        point["in_city"] += int(bool(day["in_city"]))
        point["near"] += int(near_site(day, kinds, radius_m) is not None)
        point["pings"] += int(day["pings"])
        if bucket == "day":
            nearest = [day.get(f"min_dist_{k}_m") for k in kinds]
            known = [float(d) for d in nearest if d is not None]
            point["nearest_m"] = round(min(known)) if known else None
    series = [points[k] for k in sorted(points)]
    return {
        "bucket": bucket,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "days_seen": len(days),
        "days_in_city": sum(p["in_city"] for p in series),
        "days_near": sum(p["near"] for p in series),
        "radius_m": radius_m,
        "points": series,
    }


def sites_near(
    days: list[dict[str, Any]], kinds: Sequence[str], radius_m: float
) -> list[dict[str, Any]]:
    """The watched sites the person was nearest to and within ``radius_m`` of, by days."""
    counts: dict[str, dict[str, Any]] = {}
    for day in days:
        site = near_site(day, kinds, radius_m)
        if site is None:
            continue
        entry = counts.setdefault(site, {"site_id": site, "days": 0, "first": day["day"]})
        entry["days"] += 1
        entry["last"] = day["day"]
    ranked = sorted(counts.values(), key=lambda e: (-e["days"], e["site_id"]))
    return [{**e, "first": e["first"].isoformat(), "last": e["last"].isoformat()} for e in ranked]

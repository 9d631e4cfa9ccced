"""The map (地图): participants' activity as a heat map over the city's districts, with the
watched sites and the dens found.

The layers are chosen by query parameters (the filter form sends them with htmx and the
address bar keeps them): ``layer`` (a layer of ``heat_cells``, or ``none``), ``metric``,
``week`` (the Monday of a week, for that week's activity; the whole period without it),
``site`` (kinds of watched site, repeated), ``dens`` and ``min_score`` (of dens), and
``den`` (a den to open the map on). Hexagons are drawn from their H3 outlines as polygons
of an ECharts custom series on the districts' map.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from functools import cache
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from tianluo.geo import city_bbox, city_districts, geojson_path
from tianluo.service.alerts.subjects import alert_ids_by_subject
from tianluo.service.analysis import heatmap, places
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.web.i18n import Translate, language_of, translator
from tianluo.web.pages.alerts import fragment_only
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(page_requires(Permission.ANALYSE))]

NO_LAYER = "none"
HEAT = ["#fde9c9", "#f8b36b", "#e8683a", "#b8261e", "#6e0f0f"]
SITE_STYLE = {
    # kind: (symbol, colour)
    "compound": ("rect", "#1e4e8c"),
    "venue": ("triangle", "#6b3fa0"),
    "den": ("diamond", "#a05a00"),
    "other": ("circle", "#61707f"),
}
DEN_COLOUR = "#1f2933"  # dark, to stand out on the heat colours
TOP_AREAS = 10
PAD = 0.08  # of the shown extent, around it
FOCUS_BOX = ((-0.012, -0.012), (0.012, 0.012))  # degrees around a den asked for (~2.5 km)
TRIM_FROM = 50  # points, from which the opening view leaves the farthest out


@cache
def district_names() -> dict[str, str]:
    """``{Chinese name: English name}`` of the shipped districts (the map's region names)."""
    collection = json.loads(geojson_path("nanning_districts").read_text(encoding="utf-8"))
    return {f["properties"]["name"]: f["properties"]["name_en"] for f in collection["features"]}


def _tip(*lines: str) -> dict[str, str]:
    """A data item's own tooltip: escaped lines (the item's text comes from the data)."""
    return {"formatter": "<br/>".join(escape(line) for line in lines if line)}


def _bounds(points: list[tuple[float, float]]) -> list[list[float]]:
    """ECharts ``boundingCoords`` ([[west, north], [east, south]]): the view opens on where
    most points are (outliers beyond the 3rd and 97th percentiles left out, reached by
    zooming out), or on the whole city when there are none."""
    if points:
        lats = sorted(p[0] for p in points)
        lons = sorted(p[1] for p in points)
        trim = len(points) >= TRIM_FROM
        low = int(len(lats) * 0.03) if trim else 0
        high = int(len(lats) * 0.97) - 1 if trim else len(lats) - 1
        south, north, west, east = lats[low], lats[high], lons[low], lons[high]
    else:
        south, west, north, east = city_bbox()
    pad_lat = max((north - south) * PAD, 0.01)
    pad_lon = max((east - west) * PAD, 0.01)
    return [[west - pad_lon, north + pad_lat], [east + pad_lon, south - pad_lat]]


def _district_corners(codes: set[str]) -> list[tuple[float, float]]:
    """The corners of the bounding boxes of the districts with these codes."""
    corners: list[tuple[float, float]] = []
    for district in city_districts():
        if district.code in codes:
            west, south, east, north = district.geometry.bounds
            corners += [(south, west), (north, east)]
    return corners


def _pieces(values: list[int]) -> list[dict[str, Any]]:
    """Colour classes at the quintiles of ``values``: activity is skewed (a few busy areas,
    many quiet ones), so a linear scale would leave all but the busiest pale."""
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return [{"min": 0, "max": 0, "color": HEAT[0]}]
    cuts = sorted({ordered[int(len(ordered) * q / 5)] for q in range(5)} | {ordered[-1] + 1})
    pieces = []
    for i, (low, high) in enumerate(itertools.pairwise(cuts)):
        label = f"{low}" if high - 1 == low else f"{low}–{high - 1}"
        colour = HEAT[min(i, len(HEAT) - 1)]
        pieces.append({"gte": low, "lt": high, "label": label, "color": colour, "opacity": 0.8})
    return pieces


def _week(text: str) -> dt.date | None:
    """The ``week`` parameter: empty for the whole period, else a date (``YYYY-MM-DD``)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"week {text!r} is not a date (YYYY-MM-DD)", field="week") from None


def _district(name: str, english: bool) -> str:
    return district_names().get(name, name) if english else name


def activity_series(
    cells: list[heatmap.HeatCell], layer: str, metric: str, t: Translate, english: bool
) -> dict[str, Any]:
    """The heat layer: districts coloured on the map, or hexagon polygons over it."""
    name = t("map.activity")

    def tip(c: heatmap.HeatCell, title: str) -> dict[str, str]:
        return _tip(
            title,
            t("map.persons", n=c.persons),
            t("map.person_days", n=c.person_days),
            t("map.pings", n=c.pings),
        )

    if layer == heatmap.DISTRICT_LAYER:
        return {
            "type": "map",
            "geoIndex": 0,
            "name": name,
            "data": [
                {
                    "name": _district(c.name, english),
                    "value": c.metric(metric),
                    "tooltip": tip(c, _district(c.name, english)),
                }
                for c in cells
            ],
        }
    return {
        "type": "custom",
        "coordinateSystem": "geo",
        "geoIndex": 0,
        "name": name,
        "renderItem": "polygon",  # workbench.js draws each item's `coords` as a polygon
        "itemStyle": {"color": HEAT[3]},  # the legend's swatch; the pieces colour the cells
        "z": 2,
        "data": [
            {
                "name": c.cell,
                "value": [round(c.lon, 5), round(c.lat, 5), c.metric(metric)],
                "coords": [[round(lon, 4), round(lat, 4)] for lat, lon in c.outline],
                "tooltip": tip(c, f"{_district(c.name, english)} · {c.cell}"),
            }
            for c in cells
        ],
    }


def site_series(sites: list[places.Site], t: Translate, english: bool) -> list[dict[str, Any]]:
    """One scatter series per kind of watched site (the legend turns each on and off)."""
    series = []
    for kind in places.SITE_KINDS:
        chosen = [s for s in sites if s.kind == kind]
        if not chosen:
            continue
        symbol, colour = SITE_STYLE.get(kind, SITE_STYLE["other"])
        series.append(
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "geoIndex": 0,
                "name": t(f"map.site.{kind}"),
                "symbol": symbol,
                "symbolSize": 9,
                "z": 4,
                "itemStyle": {"color": colour, "borderColor": "#fff", "borderWidth": 1},
                "data": [
                    {
                        "name": s.name,
                        "value": [round(s.lon, 5), round(s.lat, 5)],
                        "tooltip": _tip(
                            f"{s.name} ({s.site_id})",
                            t(f"map.site.{kind}"),
                            _district(s.district, english),
                            s.address,
                            t("map.radius", m=f"{s.radius_m:.0f}") if s.radius_m else "",
                        ),
                    }
                    for s in chosen
                ],
            }
        )
    return series


def den_series(dens: list[places.Den], alert_ids: dict[str, int], t: Translate) -> dict[str, Any]:
    """The dens as red pins sized by their members; a den with an alert opens it on click."""
    data = []
    for d in dens:
        item: dict[str, Any] = {
            "name": d.den_id,
            "value": [round(d.lon, 5), round(d.lat, 5), round(d.score, 3), d.members],
            "symbolSize": 10 + 2 * min(d.members, 12),
            "tooltip": _tip(
                d.den_id,
                t("map.members", n=d.members),
                t("map.score", score=f"{d.score:.2f}"),
                d.address,
            ),
        }
        if d.den_id in alert_ids:
            item["href"] = f"/alerts/{alert_ids[d.den_id]}"
        data.append(item)
    return {
        "type": "scatter",
        "coordinateSystem": "geo",
        "geoIndex": 0,
        "name": t("map.dens"),
        "symbol": "pin",
        "z": 5,
        "itemStyle": {"color": DEN_COLOUR, "borderColor": "#ffffff", "borderWidth": 1},
        "data": data,
    }


def map_options(shown: dict[str, Any], metric: str, t: Translate, english: bool) -> dict[str, Any]:
    """The ECharts options: the districts' map, the heat layer, sites and dens."""
    series: list[dict[str, Any]] = []
    cells: list[heatmap.HeatCell] = shown["cells"]
    points: list[tuple[float, float]] = []
    options: dict[str, Any] = {
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"top": 0, "left": "center", "type": "scroll"},
    }
    if shown["layer"] != NO_LAYER:
        series.append(activity_series(cells, shown["layer"], metric, t, english))
        options["visualMap"] = {
            "type": "piecewise",
            "seriesIndex": 0,
            "pieces": _pieces([c.metric(metric) for c in cells]),
            "left": 10,
            "bottom": 10,
            "showLabel": True,
        }
        if shown["layer"] != heatmap.DISTRICT_LAYER:
            options["visualMap"]["dimension"] = 2
            points += [(c.lat, c.lon) for c in cells]
        else:
            points += _district_corners({c.cell for c in cells})
    series += site_series(shown["sites"], t, english)
    points += [(s.lat, s.lon) for s in shown["sites"]]
    if shown["dens"] is not None:
        series.append(den_series(shown["dens"], shown["den_alerts"], t))
        points += [(d.lat, d.lon) for d in shown["dens"]]
    geo: dict[str, Any] = {
        "map": "nanning",
        "roam": True,
        "boundingCoords": _bounds(shown["focus"] or points),
        "top": 36,
        "bottom": 10,
        "label": {"show": True, "color": "#61707f", "fontSize": 11},
        "itemStyle": {"areaColor": "#f1f3f6", "borderColor": "#8a96a3"},
        "emphasis": {"label": {"show": True}, "itemStyle": {"areaColor": "#e3e8ee"}},
        "select": {"disabled": True},
    }
    if english:
        geo["nameMap"] = district_names()
    options["geo"] = geo
    options["series"] = series
    return options


@router.get("/map")
def map_page(
    request: Request,
    *,
    principal: Analyst,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    layer: Annotated[str | None, Query(max_length=32)] = None,
    metric: Annotated[str, Query(pattern="^(persons|person_days|pings)$")] = "persons",
    week: Annotated[str, Query(max_length=10)] = "",
    site: Annotated[list[str] | None, Query()] = None,
    dens: bool = False,
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    filtered: bool = False,
    den: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The map page; inside an htmx request, only its panel (the map and its tables)."""
    language = language_of(request)
    t = translator(language)
    results = context.results
    available = heatmap.layers(results)
    all_sites = places.watched_sites(context.workspace)
    site_kinds = [k for k in places.SITE_KINDS if any(s.kind == k for s in all_sites)]
    if not filtered:  # first visit: the finest hexagons, every site, every den
        layer = layer or (available[-1] if available else NO_LAYER)
        site = site if site is not None else site_kinds
        dens = True
    layer = layer or NO_LAYER
    chosen_kinds = [k for k in site or [] if k in site_kinds]
    monday = _week(week)
    cells = [] if layer == NO_LAYER else heatmap.cells(results, layer, monday)
    found_dens = places.dens(results, masker, min_score=min_score) if dens else None
    focus = [(d.lat, d.lon) for d in found_dens or [] if d.den_id == den]
    shown: dict[str, Any] = {
        "layer": layer,
        "cells": cells,
        "sites": [s for s in all_sites if s.kind in chosen_kinds],
        "dens": found_dens,
        "focus": [(lat + dlat, lon + dlon) for lat, lon in focus for dlat, dlon in FOCUS_BOX],
        "den_alerts": alert_ids_by_subject(session, principal, "pyramid_den")
        if dens and principal.can(Permission.READ_ALERTS)
        else {},
    }
    english = language == "en"
    values = {
        "layers": available,
        "layer": layer,
        "metric": metric,
        "metrics": heatmap.METRICS,
        "weeks": heatmap.weeks(results),
        "week": monday,
        "site_kinds": site_kinds,
        "chosen_kinds": chosen_kinds,
        "dens_on": dens,
        "min_score": min_score,
        "options": map_options(shown, metric, t, english),
        "top_areas": cells[:TOP_AREAS],
        "area_name": lambda c: _district(c.name, english),
        "dens": (shown["dens"] or [])[:TOP_AREAS],
        "den_count": len(shown["dens"] or []),
        "den_alerts": shown["den_alerts"],
        "site_count": len(shown["sites"]),
        "cell_count": len(cells),
    }
    template = "map_panel.html" if fragment_only(request) else "map.html"
    return render(request, template, values)

"""The overview (总览): what the results found, the participants' origins and profile, and
how much work waits on the user's agency.

Every chart's ECharts options are built here and sent inline with the page (one request):
the figures are small aggregates of the results (``participant_stats``) and of the
agency's queue, never row lists.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from tianluo.geo import geojson_path
from tianluo.service.alerts import workload
from tianluo.service.analysis import overview
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db
from tianluo.web.i18n import Translate, language_of, translator
from tianluo.web.navigation import home_for
from tianluo.web.session import PageUser
from tianluo.web.templating import render

router = APIRouter()

PALETTE = ["#9b1c1c", "#1e4e8c", "#a05a00", "#1d6b3a", "#6b3fa0", "#0f7b8a", "#61707f"]
HEAT = ["#fdf1ec", "#f6c6a8", "#e0785a", "#b2342a", "#6e1212"]


@cache
def province_names() -> dict[str, tuple[str, str]]:
    """``{2-digit code: (Chinese name, English name)}`` of the shipped map of China: the
    names its features carry, which the map series' data must repeat."""
    collection = json.loads(geojson_path("china_provinces").read_text(encoding="utf-8"))
    return {
        f["properties"]["code"][:2]: (f["properties"]["name"], f["properties"]["name_en"])
        for f in collection["features"]
    }


def _age_label(bar: overview.Bar, t: Translate, language: str) -> str:
    if language == "zh" and bar.label:
        return bar.label
    if not bar.key:
        return t("overview.unknown")
    if bar.key.startswith("<"):
        return t("overview.age_under", age=bar.key[1:])
    if bar.key.endswith("+"):
        return t("overview.age_over", age=bar.key[:-1])
    return bar.key


def origins_map(results_bars: list[overview.Bar], t: Translate, language: str) -> dict[str, Any]:
    """Participants by province of origin on the map of China (every province, 0 if none)."""
    names = province_names()
    counts = {b.key: b.persons for b in results_bars if b.key}
    english = language == "en"
    data = [
        {"name": en if english else zh, "value": counts.get(code, 0)}
        for code, (zh, en) in sorted(names.items())
    ]
    series: dict[str, Any] = {
        "type": "map",
        "map": "china",
        "name": t("overview.participants"),
        "roam": True,
        "zoom": 1.5,
        "center": [106.5, 34.5],  # the mainland fills the frame; the South China Sea by panning
        "data": data,
        "label": {"show": False},
        "emphasis": {"label": {"show": True}},
        "itemStyle": {"borderColor": "#b8c0ca", "areaColor": "#f5f7fa"},
    }
    if english:
        series["nameMap"] = dict(names.values())
    top = max(counts.values(), default=0)
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "visualMap": {
            "min": 0,
            "max": max(top, 1),
            "left": 10,
            "bottom": 10,
            "calculable": True,
            "text": [t("overview.more"), t("overview.fewer")],
            "inRange": {"color": HEAT},
        },
        "series": [series],
    }


def bar_chart(
    labels: list[str],
    series: list[dict[str, Any]],
    *,
    horizontal: bool = False,
    every_label: bool = False,
) -> dict[str, Any]:
    """Bars by category; ``every_label`` shows each category's name (slanted), not a few."""
    axis_label = {"interval": 0, "rotate": 30} if every_label else {"hideOverlap": True}
    categories = {"type": "category", "data": labels, "axisLabel": axis_label}
    values = {"type": "value", "minInterval": 1}
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"show": len(series) > 1, "top": 0, "type": "scroll"},
        "grid": {
            "left": 8,
            "right": 16,
            "top": 32 if len(series) > 1 else 16,
            "bottom": 8,
            "containLabel": True,
        },
        "xAxis": values if horizontal else categories,
        "yAxis": categories if horizontal else values,
        "series": series,
    }


def arrivals_chart(bars: list[overview.Bar], t: Translate) -> dict[str, Any]:
    """Participants by the week they were first seen in the city (the unknown bar left out)."""
    known = [b for b in bars if b.key]
    return bar_chart(
        [b.label for b in known],
        [{"type": "bar", "name": t("overview.participants"), "data": [b.persons for b in known]}],
    )


def alerts_trend(weeks: dict[str, Counter[str]], t: Translate) -> dict[str, Any]:
    """The agency's alerts per week of their evidence, stacked by kind."""
    kinds = sorted({k for c in weeks.values() for k in c})
    series = [
        {
            "type": "bar",
            "stack": "alerts",
            "name": t(f"alerts.kind.{kind}"),
            "data": [weeks[w][kind] for w in weeks],
        }
        for kind in kinds
    ]
    return bar_chart(list(weeks), series)


def ages_chart(bars: list[overview.Bar], t: Translate, language: str) -> dict[str, Any]:
    return bar_chart(
        [_age_label(b, t, language) for b in bars],
        [{"type": "bar", "name": t("overview.participants"), "data": [b.persons for b in bars]}],
        every_label=True,
    )


def dispositions_chart(bars: list[overview.Bar], t: Translate) -> dict[str, Any]:
    data = [
        {"name": t(f"overview.disposition.{b.key or 'none'}"), "value": b.persons} for b in bars
    ]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"type": "scroll", "orient": "vertical", "right": 0, "top": "middle"},
        "series": [
            {
                "type": "pie",
                "name": t("overview.dispositions"),
                "radius": ["30%", "58%"],
                "center": ["34%", "50%"],
                "data": data,
                "label": {"show": False},
                "emphasis": {"label": {"show": True, "formatter": "{b}\n{c}"}},
            }
        ],
    }


def waiting_chart(counts: dict[str, Counter[str]], t: Translate) -> dict[str, Any]:
    """The agency's alerts still waiting for a decision, by kind and state."""
    kinds = sorted(counts, key=lambda k: -workload.waiting({k: counts[k]}))
    series = [
        {
            "type": "bar",
            "stack": "waiting",
            "name": t(f"alerts.status.{status}"),
            "data": [counts[k][status] for k in kinds],
        }
        for status in workload.WAITING
    ]
    return bar_chart([t(f"alerts.kind.{k}") for k in kinds], series, horizontal=True)


def cases_chart(cases: Counter[str], t: Translate) -> dict[str, Any]:
    kinds = sorted(cases, key=lambda k: -cases[k])
    return bar_chart(
        [t(f"overview.case_kind.{k}") for k in kinds],
        [{"type": "bar", "name": t("overview.open_cases"), "data": [cases[k] for k in kinds]}],
    )


def _work(session: Session, principal: Principal) -> dict[str, Any]:
    """The agency's queue and cases, as far as the role may read them."""
    work: dict[str, Any] = {"alerts": None, "cases": None}
    if principal.can(Permission.READ_ALERTS):
        counts = workload.alerts_by_kind(session, principal)
        work["alerts"] = {
            "by_kind": counts,
            "waiting": workload.waiting(counts),
            "weeks": workload.alerts_per_week(session, principal),
        }
    if principal.can(Permission.READ_CASES):
        by_kind = workload.open_cases_by_kind(session, principal)
        work["cases"] = {"by_kind": by_kind, "open": sum(by_kind.values())}
    return work


@router.get("/")
def overview_page(request: Request, principal: PageUser, session: Db, context: Ctx) -> Response:
    """The overview, for the roles that analyse; others go to their own first page."""
    if not principal.can(Permission.ANALYSE):
        return RedirectResponse(home_for(principal), status_code=303)
    language = language_of(request)
    t = translator(language)
    results = context.results
    figures = overview.key_figures(results)
    provinces = overview.bars(results, "origin_province")
    arrivals = overview.bars(results, "arrival_week")
    work = _work(session, principal)
    charts: dict[str, dict[str, Any]] = {
        "origins": origins_map(provinces, t, language),
        "arrivals": arrivals_chart(arrivals, t),
        "ages": ages_chart(overview.bars(results, "age_band"), t, language),
        "dispositions": dispositions_chart(overview.bars(results, "disposition"), t),
    }
    if work["alerts"] is not None:
        charts["alerts_trend"] = alerts_trend(work["alerts"]["weeks"], t)
        charts["waiting"] = waiting_chart(work["alerts"]["by_kind"], t)
    if work["cases"] is not None:
        charts["cases"] = cases_chart(work["cases"]["by_kind"], t)
    values = {
        "figures": figures,
        "likely": overview.LIKELY,
        "work": work,
        "charts": charts,
        "unknown_origin": next((b.persons for b in provinces if not b.key), 0),
        "never_seen": next((b.persons for b in arrivals if not b.key), 0),
        "as_of": overview.as_of(results),
    }
    return render(request, "overview.html", values)

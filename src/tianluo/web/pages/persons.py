"""A person's profile (画像): identity, origin, presence over time, places, links, money, cases.

``/persons/<ref>`` shows the profile that ``GET /api/persons/<ref>`` answers, built by the
same service function (``service.analysis.persons.look_up``), which audits every view.
Numbers are masked unless ``?unmask=true`` is asked by a role that may unmask (audited
too; refused with a 403 page, also audited, otherwise). A URL carrying a number rather
than a reference is sent on to the reference, so that numbers stay out of addresses.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import RedirectResponse, Response

from tianluo.service.analysis import persons
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.web.i18n import Translate, language_of, translator
from tianluo.web.pages import formats  # noqa: F401 (registers the money and time filters)
from tianluo.web.reasons import render_reasons
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(page_requires(Permission.ANALYSE))]
TIMELINE_SHOWN = 60
"""The latest events listed (an active participant has hundreds of gate passes)."""

COLOURS = {"near": "#9b1c1c", "city": "#1e4e8c", "away": "#c3cad3", "line": "#a05a00"}
EDGE_COLOURS = {"call": "#1e4e8c", "transfer": "#9b1c1c", "roof": "#1d6b3a"}


def presence_chart(series: dict[str, Any], t: Translate) -> dict[str, Any]:
    """ECharts options: pings per day coloured by where (near a site, in the city, away),
    and the distance to the nearest watched site; days near sites per week for long spans."""
    points = series["points"]
    days = [p["start"] for p in points]
    common: dict[str, Any] = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 60, "top": 36, "bottom": 50},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 16, "bottom": 8}],
        "xAxis": {"type": "category", "data": days},
    }
    if series["bucket"] == "week":
        return {
            **common,
            "yAxis": {"type": "value", "name": t("person.presence.days"), "max": 7},
            "series": [
                {
                    "type": "bar",
                    "name": t("person.presence.in_city_days"),
                    "data": [p["in_city"] for p in points],
                    "itemStyle": {"color": COLOURS["city"]},
                },
                {
                    "type": "bar",
                    "name": t("person.presence.near_days"),
                    "data": [p["near"] for p in points],
                    "itemStyle": {"color": COLOURS["near"]},
                },
            ],
        }

    def where(p: dict[str, Any]) -> str:
        return "near" if p["near"] else "city" if p["in_city"] else "away"

    return {
        **common,
        "yAxis": [
            {"type": "value", "name": t("person.presence.pings")},
            {"type": "value", "name": t("person.presence.nearest_m"), "position": "right"},
        ],
        "series": [
            {
                "type": "bar",
                "name": t("person.presence.pings"),
                "data": [
                    {"value": p["pings"], "itemStyle": {"color": COLOURS[where(p)]}} for p in points
                ],
            },
            {
                "type": "line",
                "name": t("person.presence.nearest_m"),
                "yAxisIndex": 1,
                "symbolSize": 4,
                "data": [p.get("nearest_m") for p in points],
                "itemStyle": {"color": COLOURS["line"]},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "data": [{"yAxis": series.get("radius_m", 0)}],
                    "lineStyle": {"type": "dashed", "color": COLOURS["near"]},
                    "label": {"formatter": t("person.presence.rule_radius")},
                },
            },
        ],
    }


def _edge_label(kind: str, link: dict[str, Any], t: Translate) -> str:
    if kind == "call":
        return t("person.links.edge_calls", n=link["calls_out"] + link["calls_in"])
    if kind == "transfer":
        count = link["transfers_out"] + link["transfers_in"]
        yuan = link["yuan_out"] + link["yuan_in"]
        return t("person.links.edge_transfers", n=count, yuan=f"{yuan:,.0f}")
    if link["coresident_m"] is not None:
        return t("person.links.edge_roof_m", m=f"{link['coresident_m']:.0f}")
    return t("person.links.edge_den", den=", ".join(link["dens"]))


def links_graph(profile: dict[str, Any], t: Translate) -> dict[str, Any]:
    """Cytoscape elements: the person in the middle, linked people around, an edge per kind."""
    me = profile["ref"]
    nodes: list[dict[str, Any]] = [
        {"data": {"id": me, "label": profile["person"], "self": 1, "score": 1.0}}
    ]
    edges: list[dict[str, Any]] = []
    for link in profile["links"]["links"]:
        other = link["ref"]
        score = link["suspect_score"]
        nodes.append(
            {
                "data": {
                    "id": other,
                    "label": link["person"],
                    "href": f"/persons/{other}",
                    "score": score if score is not None else 0.0,
                }
            }
        )
        kinds = []
        if link["calls_out"] + link["calls_in"]:
            kinds.append(("call", link["calls_out"] + link["calls_in"]))
        if link["transfers_out"] + link["transfers_in"]:
            kinds.append(("transfer", 3 * (link["transfers_out"] + link["transfers_in"])))
        if link["coresident_m"] is not None or link["dens"]:
            kinds.append(("roof", 15 if link["dens"] else 4))
        for kind, weight in kinds:
            edges.append(
                {
                    "data": {
                        "id": f"{kind}-{other}",
                        "source": me,
                        "target": other,
                        "kind": kind,
                        "weight": min(weight, 60),
                        "label": _edge_label(kind, link, t),
                    }
                }
            )
    style = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "font-size": 9,
                "background-color": "#8a96a3",
                "width": 14,
                "height": 14,
                "text-valign": "bottom",
                "color": "#1f2933",
            },
        },
        {"selector": "node[score >= 0.5]", "style": {"background-color": "#c0392b"}},
        {
            "selector": "node[self = 1]",
            "style": {"background-color": "#2b1111", "width": 26, "height": 26, "font-size": 11},
        },
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "width": "mapData(weight, 1, 60, 1, 7)",
                "label": "data(label)",
                "font-size": 8,
                "text-rotation": "autorotate",
                "color": "#61707f",
                "opacity": 0.8,
            },
        },
        *(
            {"selector": f"edge[kind = '{kind}']", "style": {"line-color": colour}}
            for kind, colour in EDGE_COLOURS.items()
        ),
        {"selector": "edge[kind = 'roof']", "style": {"line-style": "dashed"}},
    ]
    layout = {"name": "concentric", "minNodeSpacing": 18, "animate": False}
    return {"elements": nodes + edges, "style": style, "layout": layout}


@router.get("/persons/{key}")
def person_page(
    request: Request,
    *,
    principal: Analyst,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    key: Annotated[str, Path(min_length=2, max_length=64)],
) -> Response:
    """The profile page; every view is audited as ``person.lookup``."""
    if not key.startswith("p_"):
        target = f"/persons/{masker.ref(key.strip())}"
        query = request.url.query
        return RedirectResponse(f"{target}?{query}" if query else target, status_code=303)
    profile = persons.look_up(session, context, principal, key, masker)
    language = language_of(request)
    t = translator(language)
    timeline = profile["timeline"]
    values = {
        "p": profile,
        "can_unmask": principal.can(Permission.UNMASK) and not masker.unmasked,
        "suspect_reasons": render_reasons((profile["suspect"] or {}).get("reasons"), language),
        "number_reasons": render_reasons((profile["fraud_number"] or {}).get("reasons"), language),
        "presence_options": presence_chart(profile["presence"], t),
        "graph": links_graph(profile, t),
        "timeline": list(reversed(timeline[-TIMELINE_SHOWN:])),
        "timeline_total": len(timeline),
    }
    return render(request, "persons_profile.html", values)

"""Organisations (组织): the list, one organisation's recruitment tree, and its evidence pack.

``/organizations`` lists ``org_summary`` (sortable, paged); ``/organizations/<org_id>``
draws the recruitment tree with levels, roles, downline sizes and money, the threshold
badge and its reasons, the members, and the evidence of each upline→member link, whose
payment records load on demand (``/organizations/<org_id>/links/<member ref>``).
``/organizations/<org_id>/evidence.zip`` exports the pack (``web.org_pack``), audited
as ``export``. The data come from ``service.analysis.organizations``, as in the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from tianluo.service.analysis import organizations
from tianluo.service.analysis.persons import rules_in_force
from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.web.i18n import Translate, language_of, translator
from tianluo.web.org_pack import ROLE_COLOURS, PackInput, build_pack
from tianluo.web.pages import formats  # noqa: F401 (registers the money and time filters)
from tianluo.web.reasons import render_reasons
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(page_requires(Permission.ANALYSE))]
OrgId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
PER_PAGE = 20
ROW_PX = 16
RESULTS_READ = ("organizations", "org_summary", "transfer_links", "person_records")
LAKE_READ = ("accounts", "transactions")


@router.get("/organizations")
def organization_list(
    request: Request,
    *,
    principal: Analyst,
    context: Ctx,
    masker: MaskerDep,
    sort: Annotated[str, Query(pattern="^(" + "|".join(organizations.SORTS) + ")$")] = "members",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every organisation found, with its size, depth, money and the threshold test."""
    rows = organizations.summaries(context.results, sort, descending=order == "desc")
    pages = max(1, -(-len(rows) // PER_PAGE))
    shown = [
        organizations.public_summary(r, masker)
        for r in rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    ]
    values = {
        "rows": shown,
        "total": len(rows),
        "meeting": sum(1 for r in rows if r["meets_criminal_threshold"]),
        "members": sum(int(r["members"]) for r in rows),
        "funds": sum(float(r["funds_collected"]) for r in rows),
        "sort": sort,
        "order": order,
        "page": page,
        "pages": pages,
        "can_unmask": principal.can(Permission.UNMASK) and not masker.unmasked,
        "unmasked": masker.unmasked,
    }
    return render(request, "organizations_list.html", values)


def _role_mark(role: str, t: Translate) -> str:
    """A short mark of the role beside a member's label; plain members have none."""
    return "" if role == "member" else f" {t('org.role_short.' + role)}"


def tree_chart(org_id: str, members: list[dict[str, Any]], t: Translate) -> dict[str, Any]:
    """ECharts options of the recruitment tree, organiser at the left, levels rightwards."""
    nodes: dict[str, dict[str, Any]] = {}
    for m in members:
        money = f" · ¥{m['collected']:,.0f}" if m["collected"] else ""
        tip = [
            m["person"],
            f"{t('org.role.' + m['role'])} · {t('org.col.level')} {m['level']}",
            t("org.tip.downline", n=m["downline"], recruits=m["recruits"]),
            t("org.tip.money", paid=f"{m['paid_upline']:,.0f}", collected=f"{m['collected']:,.0f}"),
        ]
        nodes[m["ref"]] = {
            "name": f"{m['person'][-4:]}{_role_mark(m['role'], t)}{money}",
            "value": m["downline"],
            "href": f"/persons/{m['ref']}",
            "symbolSize": 8 + min(m["downline"], 40) // 3,
            "itemStyle": {"color": ROLE_COLOURS.get(m["role"], "#8a96a3")},
            "tooltip": {"formatter": "<br/>".join(tip)},
            "children": [],
        }
    roots: list[dict[str, Any]] = []
    for m in members:
        parent = nodes.get(m["upline_ref"] or "")
        (parent["children"] if parent else roots).append(nodes[m["ref"]])
    leaves = sum(1 for n in nodes.values() if not n["children"])
    data = roots[0] if len(roots) == 1 else {"name": org_id, "children": roots}
    return {
        "height": max(420, leaves * ROW_PX + 60),
        "options": {
            "tooltip": {"trigger": "item", "confine": True},
            "series": [
                {
                    "type": "tree",
                    "data": [data],
                    "orient": "LR",
                    "top": 20,
                    "bottom": 20,
                    "left": 40,
                    "right": 190,
                    "initialTreeDepth": -1,
                    "expandAndCollapse": False,
                    "roam": True,
                    # above an upline (its lines leave to the right), beside a leaf
                    "label": {"position": "top", "fontSize": 11, "distance": 4},
                    "leaves": {"label": {"position": "right", "verticalAlign": "middle"}},
                    "lineStyle": {"color": "#b8c0ca", "curveness": 0.4},
                    "animation": False,
                }
            ],
        },
    }


def _public_summary(context: Ctx, org_id: str, masker: MaskerDep, language: str) -> dict[str, Any]:
    """The summary row, with its reasons one per finding in ``language``."""
    summary = organizations.summary(context.results, org_id, masker)
    summary["reason_list"] = render_reasons(summary.get("reasons"), language)
    return summary


def _sources(context: Ctx) -> dict[str, str]:
    """What a pack is read from: result and derived tables with the time each was written
    (UTC), and the lake's loads of accounts and transfers."""
    workspace = context.workspace
    found = {}
    for name in RESULTS_READ:
        path = workspace.result_path(name)
        if not path.exists():
            path = workspace.derived_path(name)
        if path.exists():
            written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            found[name] = written.isoformat(timespec="seconds")
    for source in LAKE_READ:
        loads = sorted({f.parent.name.removeprefix("load=") for f in workspace.lake_files(source)})
        if loads:
            found[f"lake/{source}"] = ", ".join(loads)
    return found


@router.get("/organizations/{org_id}")
def organization_page(
    request: Request,
    org_id: OrgId,
    *,
    principal: Analyst,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """The recruitment tree, the threshold test, the members and the evidence of each link."""
    language = language_of(request)
    summary = _public_summary(context, org_id, masker, language)
    members = organizations.members(context.results, context.workspace, org_id, masker)
    # each link's payments are counted here and listed on demand (link_payments)
    links = [m for m in members if m["upline_ref"]]
    t = translator(language)
    by_role: dict[str, int] = {}
    for m in members:
        by_role[m["role"]] = by_role.get(m["role"], 0) + 1
    values = {
        "org_id": org_id,
        "s": summary,
        "members": members,
        "links": links,
        "by_role": [(r, by_role[r]) for r in organizations.ROLES if r in by_role],
        "tree": tree_chart(org_id, members, t),
        "payments": sum(m["transfers_up"] + m["transfers_down"] for m in links),
        "can_unmask": principal.can(Permission.UNMASK) and not masker.unmasked,
        "unmasked": masker.unmasked,
    }
    return render(request, "organizations_detail.html", values)


@router.get("/organizations/{org_id}/links/{member_ref}")
def link_payments(
    request: Request,
    org_id: OrgId,
    member_ref: Annotated[str, Path(pattern=r"^p_[0-9a-f]{1,64}$")],
    *,
    principal: Analyst,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """The payment records behind one upline→member link (a fragment for the page)."""
    rules = rules_in_force().suspects
    (link,) = organizations.evidence(
        context.results, context.workspace, org_id, masker, rules, member_ref=member_ref
    )
    return render(request, "organizations_payments.html", {"link": link, "org_id": org_id})


@router.get("/organizations/{org_id}/evidence.zip")
def evidence_pack(
    request: Request,
    org_id: OrgId,
    *,
    principal: Analyst,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """The evidence pack as a zip (printable report and CSV files); audited as ``export``."""
    language = language_of(request)
    summary = _public_summary(context, org_id, masker, language)
    members = organizations.members(context.results, context.workspace, org_id, masker)
    rules = rules_in_force().suspects
    links = organizations.evidence(context.results, context.workspace, org_id, masker, rules)
    pack = PackInput(
        org_id=org_id,
        summary=summary,
        members=members,
        links=links,
        username=principal.username,
        agency=principal.agency_code,
        unmasked=masker.unmasked,
        sources=_sources(context),
        made_at=dt.datetime.now(dt.UTC),
    )
    data, manifest = build_pack(pack, translator(language), language)
    record(
        session,
        Actor.of(principal),
        "export",
        f"organization:{org_id}",
        detail={
            "what": "evidence_pack",
            "unmasked": masker.unmasked,
            "members": manifest["members"],
            "payments": manifest["payments"],
            "files": {name: f["sha256"] for name, f in manifest["files"].items()},
        },
    )
    session.commit()
    stamp = pack.made_at.strftime("%Y%m%d-%H%M%S")
    name = f"{org_id}-evidence-{stamp}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

"""Read-only analysis for the workbench: statistics, heat cells, persons, organisations, traces."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from tianluo.service.analysis import heatmap, organizations, persons
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep, require
from tianluo.service.errors import NotFound

router = APIRouter(prefix="/api", tags=["analysis"])
Analyst = Annotated[Principal, Depends(require(Permission.ANALYSE))]


@router.get("/statistics")
def statistics(_: Analyst, context: Ctx, dimension: str | None = None) -> list[dict[str, Any]]:
    """Bars of the participants' charts (``participant_stats``)."""
    rows = context.results.rows("participant_stats")
    return [r for r in rows if dimension is None or r["dimension"] == dimension]


@router.get("/heat-cells")
def heat_cells(
    _: Analyst, context: Ctx, layer: str | None = None, week: dt.date | None = None
) -> list[dict[str, Any]]:
    """Areas of the heat map (``heat_cells``): H3 hexagons or districts, over the whole period,
    or in the week starting on the Monday ``week`` (``heat_weeks``; a week without
    activity is a 422)."""
    if week is None:
        rows = context.results.rows("heat_cells")
        return [r for r in rows if layer is None or r["layer"] == layer]
    rows = heatmap.week_rows(context.results, week).to_pylist()
    return [r for r in rows if layer is None or r["layer"] == layer]


@router.get("/persons/{key}")
def person(
    key: str, principal: Analyst, session: Db, context: Ctx, masker: MaskerDep
) -> dict[str, Any]:
    """A person's profile (画像) and timeline, by identity number, phone, or reference; audited."""
    return persons.look_up(session, context, principal, key, masker)


@router.get("/organizations")
def list_organizations(
    _: Analyst,
    context: Ctx,
    masker: MaskerDep,
    sort: Annotated[str, Query(pattern="^(" + "|".join(organizations.SORTS) + ")$")] = "members",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
) -> list[dict[str, Any]]:
    """Every organisation (``org_summary``), the organiser masked, largest first by default."""
    rows = organizations.summaries(context.results, sort, descending=order == "desc")
    return [organizations.public_summary(o, masker) for o in rows]


@router.get("/organizations/{org_id}")
def organization(org_id: str, _: Analyst, context: Ctx, masker: MaskerDep) -> dict[str, Any]:
    return organizations.tree(context.results, org_id, masker)


@router.get("/organizations/{org_id}/members")
def organization_members(
    org_id: str, _: Analyst, context: Ctx, masker: MaskerDep
) -> list[dict[str, Any]]:
    """Each member with upline, level, role, downline and money paid up and collected."""
    return organizations.members(context.results, context.workspace, org_id, masker)


@router.get("/organizations/{org_id}/evidence")
def organization_evidence(
    org_id: str, _: Analyst, context: Ctx, masker: MaskerDep
) -> list[dict[str, Any]]:
    """For each upline→member link, the evidence that oriented it and its payment records."""
    rules = persons.rules_in_force().suspects
    return organizations.evidence(context.results, context.workspace, org_id, masker, rules)


@router.get("/traces/{txn_id}")
def trace(txn_id: str, _: Analyst, context: Ctx) -> dict[str, Any]:
    """Where a reported transfer's money is now, in freeze order (``traces``)."""
    rows = [r for r in context.results.rows("traces") if r["txn_id"] == txn_id]
    if not rows:
        raise NotFound(f"no trace of transfer {txn_id!r}")
    rows.sort(key=lambda r: (r.get("rank") or 0, -float(r["amount"])))
    return {
        "txn_id": txn_id,
        "accounts": rows,
        "total_amount": round(sum(float(r["amount"]) for r in rows), 2),
    }

"""Read-only analysis for the workbench: statistics, heat cells, persons, organisations, traces."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from tianluo.service.analysis import organizations, persons
from tianluo.service.audit import record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep, actor_of, require
from tianluo.service.errors import NotFound
from tianluo.service.privacy.masking import mask_value

router = APIRouter(prefix="/api", tags=["analysis"])
Analyst = Annotated[Principal, Depends(require(Permission.ANALYSE))]


@router.get("/statistics")
def statistics(_: Analyst, context: Ctx, dimension: str | None = None) -> list[dict[str, Any]]:
    """Bars of the participants' charts (``participant_stats``)."""
    rows = context.results.rows("participant_stats")
    return [r for r in rows if dimension is None or r["dimension"] == dimension]


@router.get("/heat-cells")
def heat_cells(_: Analyst, context: Ctx, layer: str | None = None) -> list[dict[str, Any]]:
    """Areas of the heat map (``heat_cells``): H3 hexagons or districts."""
    rows = context.results.rows("heat_cells")
    return [r for r in rows if layer is None or r["layer"] == layer]


@router.get("/persons/{key}")
def person(
    key: str, principal: Analyst, session: Db, context: Ctx, masker: MaskerDep
) -> dict[str, Any]:
    """A person's profile and timeline, by identity number, phone, or reference; audited."""
    resolved = context.refs.resolve(key)
    subject = mask_value(resolved or key)
    record(
        session,
        actor_of(principal),
        "person.lookup",
        subject,
        detail={"found": resolved is not None},
    )
    session.commit()
    if resolved is None:
        raise NotFound("no person with this reference")
    return persons.profile(session, context.results, context.workspace, resolved, masker)


@router.get("/organizations")
def list_organizations(_: Analyst, context: Ctx, masker: MaskerDep) -> list[dict[str, Any]]:
    return [
        {
            **o,
            "top_id_number": masker.value(o["top_id_number"]),
            "reasons": masker.text(o.get("reasons")),
        }
        for o in organizations.summaries(context.results)
    ]


@router.get("/organizations/{org_id}")
def organization(org_id: str, _: Analyst, context: Ctx, masker: MaskerDep) -> dict[str, Any]:
    return organizations.tree(context.results, org_id, masker)


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

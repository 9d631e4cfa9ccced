"""The alert queue: list, read, assign, snooze, dismiss, reopen, escalate to a case; reload."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field

from tianluo.service.alerts import queue
from tianluo.service.alerts.subjects import case_items
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases import cases
from tianluo.service.cases.access import writable_case
from tianluo.service.deps import Ctx, Db, MaskerDep, require
from tianluo.service.history import changes_of

router = APIRouter(prefix="/api/alerts", tags=["alerts"])
Reader = Annotated[Principal, Depends(require(Permission.READ_ALERTS))]
Worker = Annotated[Principal, Depends(require(Permission.WORK_ALERTS))]


class AssignIn(BaseModel):
    user_id: int


class SnoozeIn(BaseModel):
    until: AwareDatetime


class DismissIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


class EscalateIn(BaseModel):
    case_id: int | None = None
    title: str | None = Field(default=None, max_length=300)


@router.get("")
def list_alerts(
    principal: Reader,
    session: Db,
    masker: MaskerDep,
    kind: str | None = None,
    status: Annotated[
        str | None, Query(pattern="^(open|assigned|snoozed|dismissed|escalated)$")
    ] = None,
    assignee_id: int | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    include_snoozed: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: Annotated[str, Query(pattern="^(score|time)$")] = "score",
) -> dict[str, Any]:
    filt = queue.AlertFilter(
        kind, status, assignee_id, min_score, include_snoozed, limit, offset, sort
    )
    total, alerts = queue.list_alerts(session, principal, filt)
    return {"total": total, "alerts": [queue.public(a, masker) for a in alerts]}


@router.post("/reload")
def reload_alerts(_: Worker, session: Db, context: Ctx) -> dict[str, Any]:
    """Load the workspace's latest ``results/alerts.parquet`` into the queue."""
    return {"alerts": queue.sync_alerts(session, context.results)}


@router.get("/{alert_id}")
def read_alert(alert_id: int, principal: Reader, session: Db, masker: MaskerDep) -> dict[str, Any]:
    alert = queue.get_alert(session, principal, alert_id)
    return {**queue.public(alert, masker), "history": changes_of(session, "alert", alert.id)}


@router.post("/{alert_id}/assign")
def assign(
    alert_id: int, body: AssignIn, principal: Worker, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    alert = queue.get_alert(session, principal, alert_id)
    return queue.public(queue.assign(session, principal, alert, body.user_id), masker)


@router.post("/{alert_id}/snooze")
def snooze(
    alert_id: int, body: SnoozeIn, principal: Worker, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    alert = queue.get_alert(session, principal, alert_id)
    return queue.public(
        queue.snooze(session, principal, alert, body.until.astimezone(dt.UTC)), masker
    )


@router.post("/{alert_id}/dismiss")
def dismiss(
    alert_id: int, body: DismissIn, principal: Worker, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    alert = queue.get_alert(session, principal, alert_id)
    return queue.public(queue.dismiss(session, principal, alert, body.reason), masker)


@router.post("/{alert_id}/reopen")
def reopen(alert_id: int, principal: Worker, session: Db, masker: MaskerDep) -> dict[str, Any]:
    alert = queue.get_alert(session, principal, alert_id)
    return queue.public(queue.reopen(session, principal, alert), masker)


@router.post("/{alert_id}/escalate", status_code=201)
def escalate(
    alert_id: int, body: EscalateIn, principal: Worker, session: Db, context: Ctx
) -> dict[str, Any]:
    """Put the alert in a case: a new one, or ``case_id`` of one your agency holds."""
    alert = queue.get_alert(session, principal, alert_id)
    case = writable_case(session, principal, body.case_id) if body.case_id is not None else None
    related = case_items(alert, context.results)
    case = cases.escalate(session, principal, alert, case, body.title, related=related)
    return {"case_id": case.id, "alert_id": alert.id, "status": alert.status}

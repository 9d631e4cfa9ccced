"""The alert queue (预警) and an alert's page: filter, sort and page the agency's alerts;
assign, snooze, dismiss with a reason, reopen, escalate to a case.

Each route calls the queue's service functions (``tianluo.service.alerts.queue``) as the
JSON API does, so the agency's boundaries, the audit records and the masking are the
API's own. Actions are htmx requests answered with the fragment they change (a row of
the queue, or the work panel of an alert's page); without JavaScript they redirect back.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from tianluo.service.alerts import queue, subjects, workload
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases import cases
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import Alert
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.service.history import changes_of
from tianluo.service.privacy.masking import Masker
from tianluo.web.i18n import language_of
from tianluo.web.pages import formats  # also registers the local_time filter
from tianluo.web.reasons import render_reasons
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(page_requires(Permission.READ_ALERTS))]
Worker = Annotated[Principal, Depends(page_requires(Permission.WORK_ALERTS))]

PAGE_SIZE = 25
SNOOZE_DAYS = (1, 3, 7, 14)
STATUS_PATTERN = "^(|open|assigned|snoozed|dismissed|escalated)$"
RELATED_PATHS = {
    "person": "/persons/{}",
    "organization": "/organizations/{}",
    "trace": "/traces/{}",
    "den": "/map?den={}",
}


def _score(text: str | None) -> float | None:
    """The minimum score typed in the filter form (blank: none)."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput("the minimum score is a number from 0 to 1", field="min_score") from None
    if not 0 <= value <= 1:
        raise InvalidInput("the minimum score is a number from 0 to 1", field="min_score")
    return value


def _assignee(text: str | None, principal: Principal) -> int | None:
    if not text:
        return None
    return principal.user_id if text == "me" else int(text)


def _names(session: Session, principal: Principal) -> dict[int, str]:
    """The agency's assignable users by id (for the filter, the rows and the assign form)."""
    return {u.id: u.username for u in queue.assignees(session, principal)}


def fragment_only(request: Request) -> bool:
    """An htmx request that swaps part of the page (not the restoring of a page from history)."""
    return bool(request.headers.get("hx-request")) and not request.headers.get(
        "hx-history-restore-request"
    )


@router.get("/alerts")
def alert_queue(
    request: Request,
    *,
    principal: Reader,
    session: Db,
    masker: MaskerDep,
    kind: Annotated[str, Query(max_length=32)] = "",
    status: Annotated[str, Query(pattern=STATUS_PATTERN)] = "",
    assignee: Annotated[str, Query(pattern=r"^(|me|\d{1,9})$")] = "",
    min_score: Annotated[str, Query(max_length=8)] = "",
    sort: Annotated[str, Query(pattern="^(score|time)$")] = "score",
    snoozed: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The agency's queue; inside an htmx request, only the list (the filters stay)."""
    filt = queue.AlertFilter(
        kind=kind or None,
        status=status or None,
        assignee_id=_assignee(assignee, principal),
        min_score=_score(min_score),
        include_snoozed=snoozed or status == "snoozed",
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        sort=sort,
    )
    total, alerts = queue.list_alerts(session, principal, filt)
    params = {
        "kind": kind,
        "status": status,
        "assignee": assignee,
        "min_score": min_score,
        "sort": sort,
        "snoozed": "true" if snoozed else "",
    }
    values = {
        "alerts": [queue.public(a, masker) for a in alerts],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "params": params,
        "kinds": sorted(workload.alerts_by_kind(session, principal)),
        "statuses": queue.STATUSES,
        "names": _names(session, principal),
        "can_work": principal.can(Permission.WORK_ALERTS),
    }
    template = "alerts_list.html" if fragment_only(request) else "alerts.html"
    return render(request, template, values)


def _detail(detail: dict[str, Any], names: dict[int, str], masker: Masker) -> list[dict[str, Any]]:
    """A change's details for the history table: ``{"key", "text", "case_id"?}``."""
    shown: list[dict[str, Any]] = []
    for key, value in detail.items():
        if key == "user_id":
            text = names.get(value, f"#{value}")
        elif key == "until":
            text = formats.local_time(dt.datetime.fromisoformat(str(value)))
        else:
            text = masker.text(str(value)) or ""
        item: dict[str, Any] = {"key": key, "text": text}
        if key == "case_id":
            item["case_id"] = value
        shown.append(item)
    return shown


def _work_values(
    session: Session, principal: Principal, alert: Alert, masker: Masker
) -> dict[str, Any]:
    """What the work panel of an alert's page shows: its state, the actions, the history."""
    names = _names(session, principal)
    row = queue.public(alert, masker)
    row["dismiss_reason"] = masker.text(alert.dismiss_reason)
    return {
        "alert": row,
        "names": names,
        "history": [
            {
                "at": c["at"],
                "change": c["change"],
                "who": names.get(c["user_id"], f"#{c['user_id']}") if c["user_id"] else "",
                "detail": _detail(c["detail"], names, masker),
            }
            for c in changes_of(session, "alert", alert.id)
        ],
        "can_work": principal.can(Permission.WORK_ALERTS),
        "snooze_days": SNOOZE_DAYS,
        "min_reason": queue.MIN_REASON,
        "case_id": alert.case_id,
    }


@router.get("/alerts/{alert_id}")
def alert_page(
    alert_id: int,
    request: Request,
    *,
    principal: Reader,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """One alert: its evidence (score, reasons, subject), where it leads, and its work."""
    alert = queue.get_alert(session, principal, alert_id)
    related = [
        {
            "kind": r.kind,
            "label": r.label,
            "role": r.role,
            "level": r.level,
            "href": RELATED_PATHS[r.kind].format(quote(r.key, safe="")),
        }
        for r in subjects.related(alert, context.results, masker)
    ]
    values = {
        **_work_values(session, principal, alert, masker),
        "related": related,
        "reasons": render_reasons(masker.text(alert.reasons), language_of(request)),
        "unmasked": masker.unmasked,
        "can_unmask": principal.can(Permission.UNMASK),
    }
    return render(request, "alerts_detail.html", values)


def _answer(
    request: Request,
    *,
    session: Session,
    principal: Principal,
    alert: Alert,
    masker: Masker,
    view: str,
) -> Response:
    """After an action: the changed row or work panel (htmx), or back to the page."""
    if not request.headers.get("hx-request"):
        back = "/alerts" if view == "row" else f"/alerts/{alert.id}"
        return RedirectResponse(back, status_code=303)
    if view == "row":
        values = {
            "a": queue.public(alert, masker),
            "names": _names(session, principal),
            "can_work": True,
        }
        return render(request, "alerts_row.html", values)
    return render(request, "alerts_work.html", _work_values(session, principal, alert, masker))


View = Annotated[str, Form(pattern="^(row|page)$")]


@router.post("/alerts/{alert_id}/assign")
def assign(
    alert_id: int,
    request: Request,
    *,
    principal: Worker,
    session: Db,
    masker: MaskerDep,
    user_id: Annotated[str, Form(pattern=r"^(me|\d{1,9})$")],
    view: View = "page",
) -> Response:
    alert = queue.get_alert(session, principal, alert_id)
    target = principal.user_id if user_id == "me" else int(user_id)
    queue.assign(session, principal, alert, target)
    return _answer(
        request, session=session, principal=principal, alert=alert, masker=masker, view=view
    )


@router.post("/alerts/{alert_id}/snooze")
def snooze(
    alert_id: int,
    request: Request,
    *,
    principal: Worker,
    session: Db,
    masker: MaskerDep,
    days: Annotated[int, Form(ge=1, le=90)],
    view: View = "page",
) -> Response:
    alert = queue.get_alert(session, principal, alert_id)
    queue.snooze(session, principal, alert, utcnow() + dt.timedelta(days=days))
    return _answer(
        request, session=session, principal=principal, alert=alert, masker=masker, view=view
    )


@router.post("/alerts/{alert_id}/dismiss")
def dismiss(
    alert_id: int,
    request: Request,
    *,
    principal: Worker,
    session: Db,
    masker: MaskerDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    view: View = "page",
) -> Response:
    """Dismiss with a reason (the service refuses a blank one, and says so on the page)."""
    alert = queue.get_alert(session, principal, alert_id)
    queue.dismiss(session, principal, alert, reason)
    return _answer(
        request, session=session, principal=principal, alert=alert, masker=masker, view=view
    )


@router.post("/alerts/{alert_id}/reopen")
def reopen(
    alert_id: int,
    request: Request,
    *,
    principal: Worker,
    session: Db,
    masker: MaskerDep,
    view: View = "page",
) -> Response:
    alert = queue.get_alert(session, principal, alert_id)
    queue.reopen(session, principal, alert)
    return _answer(
        request, session=session, principal=principal, alert=alert, masker=masker, view=view
    )


@router.post("/alerts/{alert_id}/escalate")
def escalate(
    alert_id: int,
    request: Request,
    *,
    principal: Worker,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """A new case with the alert, its subject and organisation; the alert leaves the queue."""
    alert = queue.get_alert(session, principal, alert_id)
    related = subjects.case_items(alert, context.results)
    cases.escalate(session, principal, alert, None, title.strip() or None, related=related)
    return _answer(
        request, session=session, principal=principal, alert=alert, masker=masker, view="page"
    )

"""The alert queue: each agency sees the alerts of its kind (pyramid selling, fraud)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import PERMISSIONS, Permission, Role, alert_queue
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import Alert, User
from tianluo.service.errors import Conflict, Forbidden, InvalidInput, NotFound
from tianluo.service.history import note_change
from tianluo.service.privacy.masking import Masker

STATUSES = ("open", "assigned", "snoozed", "dismissed", "escalated")
SORTS = ("score", "time")
"""Queue orders: highest score first, or newest evidence first."""
MIN_REASON = 3
"""A dismissal says why in at least this many characters (blanks aside)."""


def sync_alerts(session: Session, results: ResultsStore) -> int:
    """Load ``results/alerts.parquet``: new alerts join the queue, known ones are updated."""
    rows = results.rows("alerts")
    known = {a.alert_id: a for a in session.scalars(sa.select(Alert))}
    seen = set()
    for row in rows:
        seen.add(row["alert_id"])
        alert = known.get(row["alert_id"])
        if alert is None:
            alert = Alert(alert_id=row["alert_id"], agency_kind=alert_queue(row["kind"]).value)
            session.add(alert)
        alert.kind = row["kind"]
        alert.subject = row["subject"]
        alert.score = float(row["score"])
        alert.created_at = row["created_at"]
        alert.reasons = row["reasons"] or ""
        alert.in_results = True
    for alert_id, alert in known.items():
        if alert_id not in seen:
            alert.in_results = False
    session.commit()
    return len(rows)


@dataclass(frozen=True, slots=True)
class AlertFilter:
    kind: str | None = None
    status: str | None = None
    assignee_id: int | None = None
    min_score: float | None = None
    include_snoozed: bool = False
    limit: int = 100
    offset: int = 0
    sort: str = "score"


def list_alerts(
    session: Session, principal: Principal, filt: AlertFilter
) -> tuple[int, list[Alert]]:
    query = sa.select(Alert).where(Alert.agency_kind == principal.agency_kind.value)
    if filt.kind:
        query = query.where(Alert.kind == filt.kind)
    if filt.status:
        query = query.where(Alert.status == filt.status)
    if filt.assignee_id is not None:
        query = query.where(Alert.assignee_id == filt.assignee_id)
    if filt.min_score is not None:
        query = query.where(Alert.score >= filt.min_score)
    if not filt.include_snoozed:
        query = query.where(sa.or_(Alert.snoozed_until.is_(None), Alert.snoozed_until <= utcnow()))
    if filt.sort not in SORTS:
        raise InvalidInput(f"sort is one of {', '.join(SORTS)}", field="sort")
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    order = (
        (Alert.created_at.desc().nulls_last(), Alert.score.desc(), Alert.id)
        if filt.sort == "time"
        else (Alert.score.desc(), Alert.id)
    )
    page = query.order_by(*order).limit(filt.limit).offset(filt.offset)
    return total, list(session.scalars(page))


def get_alert(session: Session, principal: Principal, alert_pk: int) -> Alert:
    alert = session.get(Alert, alert_pk)
    if alert is None:
        raise NotFound(f"no alert {alert_pk}")
    if alert.agency_kind != principal.agency_kind.value:
        raise Forbidden("this alert is in another agency's queue")
    return alert


def _changed(
    session: Session, principal: Principal, alert: Alert, change: str, **detail: Any
) -> Alert:
    alert.updated_at = utcnow()
    note_change(session, "alert", alert.id, principal, change, detail=detail)
    record(session, Actor.of(principal), f"alert.{change}", f"alert:{alert.id}", detail=detail)
    session.commit()
    return alert


def _open(alert: Alert) -> None:
    if alert.status in ("dismissed", "escalated"):
        raise Conflict(f"alert {alert.id} is {alert.status}")


def assign(session: Session, principal: Principal, alert: Alert, user_id: int) -> Alert:
    _open(alert)
    user = session.get(User, user_id)
    if user is None or user.agency_id != principal.agency_id:
        raise InvalidInput("assign to a user of your own agency", field="user_id")
    alert.assignee_id = user.id
    alert.status = "assigned"
    return _changed(session, principal, alert, "assign", user_id=user.id)


def snooze(session: Session, principal: Principal, alert: Alert, until: dt.datetime) -> Alert:
    _open(alert)
    if until <= utcnow():
        raise InvalidInput("snooze until a time in the future", field="until")
    alert.snoozed_until = until
    alert.status = "snoozed"
    return _changed(session, principal, alert, "snooze", until=until.isoformat())


def dismiss(session: Session, principal: Principal, alert: Alert, reason: str) -> Alert:
    _open(alert)
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            f"say why the alert is dismissed (at least {MIN_REASON} characters)", field="reason"
        )
    alert.status = "dismissed"
    alert.dismiss_reason = reason
    return _changed(session, principal, alert, "dismiss", reason=reason)


def reopen(session: Session, principal: Principal, alert: Alert) -> Alert:
    if alert.status == "escalated":
        raise Conflict(f"alert {alert.id} is part of case {alert.case_id}")
    alert.status = "open"
    alert.snoozed_until = None
    alert.dismiss_reason = None
    return _changed(session, principal, alert, "reopen")


def assignees(session: Session, principal: Principal) -> list[User]:
    """The active users of the principal's agency who may work alerts: whom one may assign to."""
    users = session.scalars(
        sa.select(User)
        .where(User.agency_id == principal.agency_id, User.active.is_(True))
        .order_by(User.username)
    )
    return [u for u in users if Permission.WORK_ALERTS in PERMISSIONS[Role(u.role)]]


def public(alert: Alert, masker: Masker) -> dict[str, Any]:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "subject": masker.value(alert.subject),
        "subject_ref": masker.ref(alert.subject),
        "score": alert.score,
        "created_at": alert.created_at,
        "reasons": masker.text(alert.reasons),
        "status": alert.status,
        "assignee_id": alert.assignee_id,
        "snoozed_until": alert.snoozed_until,
        "dismiss_reason": alert.dismiss_reason,
        "case_id": alert.case_id,
        "in_results": alert.in_results,
    }

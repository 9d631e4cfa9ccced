"""Create, send and answer actions; each step dated, so that every action has a clock."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.actions.kinds import KINDS, ActionKind
from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import AgencyKind
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import Action, Agency
from tianluo.service.errors import Conflict, Forbidden, InvalidInput, NotFound
from tianluo.service.history import note_change


def create(
    session: Session,
    principal: Principal,
    *,
    kind: ActionKind,
    to_agency: str,
    body: dict[str, Any],
    case_id: int | None,
) -> Action:
    recipient = session.scalar(sa.select(Agency).where(Agency.code == to_agency))
    if recipient is None:
        raise NotFound(f"no agency {to_agency!r}", field="to_agency")
    if AgencyKind(recipient.kind) not in KINDS[kind].recipients:
        allowed = ", ".join(sorted(KINDS[kind].recipients))
        raise InvalidInput(f"a {kind} goes to an agency of kind {allowed}", field="to_agency")
    action = Action(
        kind=kind.value,
        case_id=case_id,
        from_agency_id=principal.agency_id,
        to_agency_id=recipient.id,
        created_by=principal.user_id,
        body=body,
    )
    session.add(action)
    session.flush()
    _changed(session, principal, action, "create", to=to_agency)
    return action


def _changed(
    session: Session, principal: Principal, action: Action, change: str, **detail: Any
) -> None:
    note_change(session, "action", action.id, principal, change, detail=detail)
    record(
        session,
        Actor.of(principal),
        f"action.{change}",
        f"action:{action.id}",
        detail={"kind": action.kind, **detail},
    )
    session.commit()


def visible(session: Session, principal: Principal, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"no action {action_id}")
    draft_for_recipient = (
        action.status == "created" and principal.agency_id != action.from_agency_id
    )
    if draft_for_recipient:
        raise NotFound(f"no action {action_id}")
    if principal.agency_id not in (action.from_agency_id, action.to_agency_id):
        record(session, Actor.of(principal), "action.read", f"action:{action_id}", outcome="denied")
        session.commit()
        raise Forbidden("this action is between other agencies")
    return action


def send(session: Session, principal: Principal, action: Action) -> Action:
    if action.from_agency_id != principal.agency_id:
        raise Forbidden("only the sending agency sends an action")
    if action.status != "created":
        raise Conflict(f"action {action.id} is {action.status}")
    action.status = "sent"
    action.sent_at = utcnow()
    _changed(session, principal, action, "send")
    return action


def answer(
    session: Session, principal: Principal, action: Action, status: str, note: str
) -> Action:
    """The recipient acknowledges, then gives its outcome (frozen, refused, blocked, done)."""
    if action.to_agency_id != principal.agency_id:
        raise Forbidden("only the receiving agency answers an action")
    outcomes = KINDS[ActionKind(action.kind)].outcomes
    if status != "acknowledged" and status not in outcomes:
        allowed = ", ".join(["acknowledged", *sorted(outcomes)])
        raise InvalidInput(f"a {action.kind} is answered with {allowed}", field="status")
    if action.status not in ("sent", "acknowledged") or (
        status == "acknowledged" and action.status != "sent"
    ):
        raise Conflict(f"action {action.id} is {action.status}; it cannot become {status}")
    if status == "refused" and not note.strip():
        raise InvalidInput("a refusal says why", field="note")
    now = utcnow()
    if action.acknowledged_at is None:
        action.acknowledged_at = now
    if status != "acknowledged":
        action.closed_at = now
    action.status = status
    action.answer = note
    action.answered_by = principal.user_id
    _changed(session, principal, action, "answer", status=status)
    return action


def _seconds(later: Any, earlier: Any) -> float | None:
    return None if later is None or earlier is None else round((later - earlier).total_seconds(), 3)


def clock(action: Action) -> dict[str, float | None]:
    """How long each step took; ``time_to_freeze_seconds`` from sending to frozen."""
    now = utcnow()
    return {
        "age_seconds": _seconds(now, action.created_at),
        "waiting_seconds": _seconds(now, action.sent_at) if action.closed_at is None else None,
        "time_to_acknowledge_seconds": _seconds(action.acknowledged_at, action.sent_at),
        "time_to_close_seconds": _seconds(action.closed_at, action.sent_at),
        "time_to_freeze_seconds": _seconds(action.closed_at, action.sent_at)
        if action.status == "frozen"
        else None,
    }


def list_actions(
    session: Session,
    principal: Principal,
    direction: str,
    status: str | None,
    *,
    case_id: int | None = None,
    kind: str | None = None,
) -> list[Action]:
    """The actions the user's agency sent, received (once sent), or both; newest first."""
    query = sa.select(Action).order_by(Action.id.desc())
    if case_id is not None:
        query = query.where(Action.case_id == case_id)
    if kind:
        query = query.where(Action.kind == kind)
    if direction == "sent":
        query = query.where(Action.from_agency_id == principal.agency_id)
    received = sa.and_(Action.to_agency_id == principal.agency_id, Action.status != "created")
    if direction == "received":
        query = query.where(received)
    elif direction != "sent":
        query = query.where(sa.or_(Action.from_agency_id == principal.agency_id, received))
    if status:
        query = query.where(Action.status == status)
    return list(session.scalars(query))

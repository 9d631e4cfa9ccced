"""An action as its recipient reads it: JSON, or a printable HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from tianluo.service.actions.kinds import KINDS, ActionKind
from tianluo.service.actions.workflow import clock, visible
from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.db.models import Action, Agency
from tianluo.service.privacy.masking import Masker

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
PERSONAL_KEYS = ("id_number", "phone")


def _masked(value: Any, masker: Masker) -> Any:
    """The body with identity numbers and phones masked, at any depth."""
    if isinstance(value, dict):
        return {
            k: masker.value(v) if k in PERSONAL_KEYS and isinstance(v, str) else _masked(v, masker)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v, masker) for v in value]
    if isinstance(value, str):
        return masker.text(value)
    return value


def document(session: Session, action: Action, masker: Masker) -> dict[str, Any]:
    sender = session.get(Agency, action.from_agency_id)
    recipient = session.get(Agency, action.to_agency_id)
    return {
        "id": action.id,
        "kind": action.kind,
        "title": KINDS[ActionKind(action.kind)].title,
        "status": action.status,
        "from_agency": sender.code if sender else None,
        "from_agency_name": sender.name if sender else None,
        "to_agency": recipient.code if recipient else None,
        "to_agency_name": recipient.name if recipient else None,
        "case_id": action.case_id,
        "created_at": action.created_at,
        "sent_at": action.sent_at,
        "acknowledged_at": action.acknowledged_at,
        "closed_at": action.closed_at,
        "answer": action.answer,
        "clock": clock(action),
        "body": _masked(action.body, masker),
    }


def masker_for(principal: Principal, action: Action, masker: Masker) -> Masker:
    """The recipient reads the identifiers in full: acting on them is the document's purpose."""
    if principal.agency_id == action.to_agency_id and principal.can(Permission.ANSWER_ACTIONS):
        return Masker("", unmasked=True)
    return masker


def read(session: Session, principal: Principal, action_id: int, masker: Masker) -> dict[str, Any]:
    """The document of an action the user's agency sent or received; the reading is audited."""
    action = visible(session, principal, action_id)
    record(session, Actor.of(principal), "action.read", f"action:{action.id}")
    session.commit()
    return document(session, action, masker_for(principal, action, masker))


def printable(doc: dict[str, Any]) -> str:
    return TEMPLATES.get_template("action.html").render(doc=doc)

"""Open cases, escalate alerts into them, add what they hold, share them; every change kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.cases.access import readable_case, visible_case_ids
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import Agency, Alert, Case, CaseFile, CaseItem, CaseNote, CaseShare
from tianluo.service.errors import Conflict, InvalidInput, NotFound
from tianluo.service.history import changes_of, note_change
from tianluo.service.privacy.masking import Masker

ITEM_KINDS = ("alert", "person", "organization", "account", "phone")
CASE_KINDS = ("pyramid", "fraud", "other")
"""What a case is about: pyramid selling (传销), telecom or online fraud (电诈), or other."""


def _touched(
    session: Session, principal: Principal, case: Case, change: str, **detail: Any
) -> None:
    case.updated_at = utcnow()
    note_change(session, "case", case.id, principal, change, detail=detail)
    record(session, Actor.of(principal), f"case.{change}", f"case:{case.id}", detail=detail)


def open_case(
    session: Session, principal: Principal, title: str, summary: str, kind: str = "other"
) -> Case:
    if kind not in CASE_KINDS:
        raise InvalidInput(f"kind is one of {', '.join(CASE_KINDS)}", field="kind")
    case = Case(
        title=title,
        summary=summary,
        kind=kind,
        agency_id=principal.agency_id,
        created_by=principal.user_id,
    )
    session.add(case)
    session.flush()
    _touched(session, principal, case, "open", title=title, kind=kind)
    session.commit()
    return case


def escalate(
    session: Session,
    principal: Principal,
    alert: Alert,
    case: Case | None,
    title: str | None,
    *,
    related: Sequence[tuple[str, str]] = (),
) -> Case:
    """Put an alert in a case (a new one unless ``case`` is given); the alert leaves the queue.

    The case gains the alert, its subject and the ``related`` items (``(kind, value)``,
    e.g. the organisation an organiser's alert is about)."""
    if alert.status in ("dismissed", "escalated"):
        raise Conflict(f"alert {alert.id} is {alert.status}")
    if case is None:
        case = Case(
            title=title or f"{alert.kind} {alert.id}",
            kind="pyramid" if alert.kind.startswith("pyramid") else "fraud",
            agency_id=principal.agency_id,
            created_by=principal.user_id,
        )
        session.add(case)
        session.flush()
        _touched(session, principal, case, "open", title=case.title, from_alert=alert.id)
    alert.status = "escalated"
    alert.case_id = case.id
    alert.updated_at = utcnow()
    note_change(session, "alert", alert.id, principal, "escalate", detail={"case_id": case.id})
    _add_item(session, principal, case, "alert", str(alert.id))
    subject_kind = _subject_kind(alert.kind)
    if subject_kind:
        _add_item(session, principal, case, subject_kind, alert.subject)
    for kind, value in related:
        _add_item(session, principal, case, kind, value)
    session.commit()
    return case


def _subject_kind(alert_kind: str) -> str | None:
    return {
        "pyramid_suspect": "person",
        "pyramid_organization": "person",  # the subject is the organiser
        "fraud_number": "phone",
        "mule_account": "account",
        "victim_warning": "person",
    }.get(alert_kind)


def _add_item(
    session: Session, principal: Principal, case: Case, kind: str, value: str
) -> CaseItem:
    exists = session.scalar(
        sa.select(CaseItem).where(
            CaseItem.case_id == case.id, CaseItem.kind == kind, CaseItem.value == value
        )
    )
    if exists is not None:
        return exists
    item = CaseItem(case_id=case.id, kind=kind, value=value, added_by=principal.user_id)
    session.add(item)
    session.flush()
    _touched(session, principal, case, "add_item", kind=kind, item_id=item.id)
    return item


def add_item(session: Session, principal: Principal, case: Case, kind: str, value: str) -> CaseItem:
    if kind not in ITEM_KINDS:
        raise InvalidInput(f"kind is one of {', '.join(ITEM_KINDS)}", field="kind")
    item = _add_item(session, principal, case, kind, value)
    session.commit()
    return item


def add_note(session: Session, principal: Principal, case: Case, text: str) -> CaseNote:
    note = CaseNote(case_id=case.id, author_id=principal.user_id, text=text)
    session.add(note)
    session.flush()
    _touched(session, principal, case, "add_note", note_id=note.id)
    session.commit()
    return note


def add_file(
    session: Session,
    principal: Principal,
    case: Case,
    *,
    name: str,
    content_type: str,
    size: int,
    sha256: str,
) -> CaseFile:
    stored = CaseFile(
        case_id=case.id,
        name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=principal.user_id,
    )
    session.add(stored)
    session.flush()
    _touched(session, principal, case, "add_file", file_id=stored.id, name=name, sha256=sha256)
    session.commit()
    return stored


def share(session: Session, principal: Principal, case: Case, agency_code: str) -> None:
    agency = session.scalar(sa.select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"no agency {agency_code!r}", field="agency")
    if agency.id == case.agency_id or session.get(CaseShare, (case.id, agency.id)) is not None:
        raise Conflict(f"case {case.id} is already visible to {agency_code}")
    session.add(CaseShare(case_id=case.id, agency_id=agency.id, shared_by=principal.user_id))
    _touched(session, principal, case, "share", agency=agency_code)
    session.commit()


def set_status(session: Session, principal: Principal, case: Case, status: str) -> Case:
    if status not in ("open", "closed"):
        raise InvalidInput("status is open or closed", field="status")
    case.status = status
    _touched(session, principal, case, "status", status=status)
    session.commit()
    return case


def list_cases(
    session: Session, principal: Principal, status: str | None, kind: str | None = None
) -> list[Case]:
    query = sa.select(Case).where(Case.id.in_(visible_case_ids(principal))).order_by(Case.id.desc())
    if status:
        query = query.where(Case.status == status)
    if kind:
        query = query.where(Case.kind == kind)
    return list(session.scalars(query))


def summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "kind": case.kind,
        "status": case.status,
        "agency_id": case.agency_id,
        "created_by": case.created_by,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def detail(session: Session, principal: Principal, case_id: int, masker: Masker) -> dict[str, Any]:
    case = readable_case(session, principal, case_id)
    items = session.scalars(
        sa.select(CaseItem).where(CaseItem.case_id == case.id).order_by(CaseItem.id)
    )
    notes = session.scalars(
        sa.select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)
    )
    files = session.scalars(
        sa.select(CaseFile).where(CaseFile.case_id == case.id).order_by(CaseFile.id)
    )
    shares = session.scalars(
        sa.select(Agency.code)
        .join(CaseShare, CaseShare.agency_id == Agency.id)
        .where(CaseShare.case_id == case.id)
    )
    return {
        **summary(case),
        "summary": masker.text(case.summary),
        "shared_with": sorted(shares),
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "value": masker.value(i.value),
                "ref": masker.ref(i.value),
                "added_at": i.added_at,
            }
            for i in items
        ],
        "notes": [
            {"id": n.id, "author_id": n.author_id, "at": n.at, "text": masker.text(n.text)}
            for n in notes
        ],
        "files": [
            {
                "id": f.id,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "at": f.at,
            }
            for f in files
        ],
        "history": changes_of(session, "case", case.id),
    }

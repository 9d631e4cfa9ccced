"""Who may see and change a case: its agency changes it; agencies it is shared with read it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.db.models import Case, CaseShare
from tianluo.service.errors import Forbidden, NotFound


def shared_with(session: Session, case_id: int, agency_id: int) -> bool:
    return session.get(CaseShare, (case_id, agency_id)) is not None


def visible_case_ids(principal: Principal) -> sa.Select[int]:
    shared = sa.select(CaseShare.case_id).where(CaseShare.agency_id == principal.agency_id)
    return sa.select(Case.id).where(
        sa.or_(Case.agency_id == principal.agency_id, Case.id.in_(shared))
    )


def readable_case(session: Session, principal: Principal, case_id: int) -> Case:
    """The case, if the user's agency owns it or it was shared with it; a refusal is audited."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    if case.agency_id != principal.agency_id and not shared_with(
        session, case_id, principal.agency_id
    ):
        record(session, Actor.of(principal), "case.read", f"case:{case_id}", outcome="denied")
        session.commit()
        raise Forbidden("this case belongs to another agency and was not shared with yours")
    return case


def writable_case(session: Session, principal: Principal, case_id: int) -> Case:
    case = readable_case(session, principal, case_id)
    if case.agency_id != principal.agency_id:
        record(session, Actor.of(principal), "case.change", f"case:{case_id}", outcome="denied")
        session.commit()
        raise Forbidden("a shared case is read-only for your agency")
    return case

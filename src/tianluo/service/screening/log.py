"""The screening log: the checks recorded (who asked, why, about whom, the answer), paged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.db.models import ScreenCheck
from tianluo.service.privacy.masking import Masker


@dataclass(frozen=True, slots=True)
class CheckFilter:
    purpose: str | None = None
    risk: str | None = None
    user_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def checks_page(
    session: Session, filt: CheckFilter, *, offset: int = 0, limit: int = 50
) -> tuple[list[ScreenCheck], bool]:
    """Up to ``limit`` checks, newest first, from ``offset``; and whether more follow."""
    query = sa.select(ScreenCheck)
    if filt.purpose:
        query = query.where(ScreenCheck.purpose == filt.purpose)
    if filt.risk:
        query = query.where(ScreenCheck.risk == filt.risk)
    if filt.user_id is not None:
        query = query.where(ScreenCheck.user_id == filt.user_id)
    if filt.since:
        query = query.where(ScreenCheck.at >= filt.since)
    if filt.until:
        query = query.where(ScreenCheck.at < filt.until)
    query = query.order_by(ScreenCheck.at.desc(), ScreenCheck.id.desc())
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def mask_name(name: str | None, masker: Masker) -> str | None:
    """A person's name with all but the family name hidden (``张*``), unless unmasked."""
    if not name or masker.unmasked:
        return name
    return name[0] + "*" * (len(name) - 1)


def public(check: ScreenCheck, masker: Masker) -> dict[str, Any]:
    return {
        "id": check.id,
        "at": check.at,
        "user_id": check.user_id,
        "agency_id": check.agency_id,
        "purpose": check.purpose,
        "id_number": masker.value(check.id_number),
        "phone": masker.value(check.phone),
        "name": mask_name(check.name, masker),
        "risk": check.risk,
        "hits": check.hits,
        "reason": masker.text(check.reason),
    }

"""Read the audit log a page at a time, newest first, filtered by actor, action and time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.db.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None  # an action (``case.read``), or a family ending in "." (``case.``)
    outcome: str | None = None  # ok | denied | failed
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(query: sa.Select[Any], filt: AuditFilter) -> sa.Select[Any]:
    if filt.username:
        query = query.where(AuditEntry.username == filt.username)
    if filt.action:
        if filt.action.endswith("."):
            query = query.where(AuditEntry.action.startswith(filt.action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == filt.action)
    if filt.outcome:
        query = query.where(AuditEntry.outcome == filt.outcome)
    if filt.since:
        query = query.where(AuditEntry.at >= filt.since)
    if filt.until:
        query = query.where(AuditEntry.at < filt.until)
    return query


def entries_page(
    session: Session, filt: AuditFilter, *, before: int | None = None, limit: int = 50
) -> tuple[list[AuditEntry], int | None]:
    """Up to ``limit`` entries older than entry ``before``, and where the next page starts."""
    query = _filtered(sa.select(AuditEntry), filt).order_by(AuditEntry.seq.desc())
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].seq if more and rows else None)


def action_names(session: Session) -> list[str]:
    """Every action the log holds, for a filter's choices."""
    return list(
        session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def public(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "username": entry.username,
        "agency": entry.agency,
        "action": entry.action,
        "subject": entry.subject,
        "outcome": entry.outcome,
        "detail": entry.detail,
        "hash": entry.hash,
    }

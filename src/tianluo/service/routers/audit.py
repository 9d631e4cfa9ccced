"""The audit log, for auditors: read it, verify it. Nobody edits it through the service."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from tianluo.service.audit import verify_chain
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.db.models import AuditEntry
from tianluo.service.deps import Db, require

router = APIRouter(prefix="/api/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


@router.get("")
def list_entries(
    _: Auditor,
    session: Db,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: str | None = None,
    username: str | None = None,
) -> list[dict[str, Any]]:
    query = (
        sa.select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    )
    if action:
        query = query.where(AuditEntry.action == action)
    if username:
        query = query.where(AuditEntry.username == username)
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "username": e.username,
            "agency": e.agency,
            "action": e.action,
            "subject": e.subject,
            "outcome": e.outcome,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in session.scalars(query)
    ]


@router.get("/verify")
def verify(_: Auditor, session: Db) -> dict[str, Any]:
    verdict = verify_chain(session)
    return {
        "ok": verdict.ok,
        "entries": verdict.entries,
        "problem": verdict.problem,
        "seq": verdict.seq,
    }

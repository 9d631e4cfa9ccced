"""The history of changes to alerts, cases, actions and watch-list entries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.auth.principal import Principal
from tianluo.service.db.models import Change


def note_change(
    session: Session,
    entity: str,
    entity_id: int | str,
    principal: Principal | None,
    change: str,
    *,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        Change(
            entity=entity,
            entity_id=str(entity_id),
            user_id=principal.user_id if principal else None,
            change=change,
            detail=detail or {},
        )
    )


def changes_of(session: Session, entity: str, entity_id: int | str) -> list[dict[str, Any]]:
    rows = session.scalars(
        sa.select(Change)
        .where(Change.entity == entity, Change.entity_id == str(entity_id))
        .order_by(Change.id)
    ).all()
    return [
        {"at": c.at, "user_id": c.user_id, "change": c.change, "detail": c.detail} for c in rows
    ]

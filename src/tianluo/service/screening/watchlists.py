"""Watch lists: an addition is proposed by one person and takes effect when another approves."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import WatchEntry
from tianluo.service.errors import Conflict, Forbidden, NotFound
from tianluo.service.history import note_change
from tianluo.service.privacy.masking import Masker


def propose(
    session: Session,
    principal: Principal,
    *,
    list_name: str,
    risk: str,
    reason: str,
    id_number: str | None,
    phone: str | None,
    name: str | None,
) -> WatchEntry:
    entry = WatchEntry(
        list_name=list_name,
        id_number=id_number,
        phone=phone,
        name=name,
        risk=risk,
        reason=reason,
        agency_id=principal.agency_id,
        proposed_by=principal.user_id,
    )
    session.add(entry)
    session.flush()
    record(
        session,
        Actor.of(principal),
        "watchlist.propose",
        f"watch:{entry.id}",
        detail={"list": list_name},
    )
    note_change(
        session, "watch", entry.id, principal, "proposed", detail={"list": list_name, "risk": risk}
    )
    session.commit()
    return entry


def _pending(session: Session, entry_id: int) -> WatchEntry:
    entry = session.get(WatchEntry, entry_id)
    if entry is None:
        raise NotFound(f"no watch-list entry {entry_id}")
    if entry.status != "pending":
        raise Conflict(f"watch-list entry {entry_id} is {entry.status}, not pending")
    return entry


def decide(session: Session, principal: Principal, entry_id: int, *, approve: bool) -> WatchEntry:
    """Approve or reject a proposed entry; the proposer cannot decide on their own proposal."""
    entry = _pending(session, entry_id)
    verb = "approve" if approve else "reject"
    if entry.proposed_by == principal.user_id:
        record(
            session, Actor.of(principal), f"watchlist.{verb}", f"watch:{entry.id}", outcome="denied"
        )
        session.commit()
        raise Forbidden("a second person must decide on a watch-list addition")
    entry.status = "active" if approve else "rejected"
    entry.decided_by = principal.user_id
    entry.decided_at = entry.updated_at = utcnow()
    record(session, Actor.of(principal), f"watchlist.{verb}", f"watch:{entry.id}")
    note_change(session, "watch", entry.id, principal, entry.status)
    session.commit()
    return entry


def remove(session: Session, principal: Principal, entry_id: int, reason: str) -> WatchEntry:
    entry = session.get(WatchEntry, entry_id)
    if entry is None:
        raise NotFound(f"no watch-list entry {entry_id}")
    if entry.status != "active":
        raise Conflict(f"watch-list entry {entry_id} is {entry.status}, not active")
    entry.status = "removed"
    entry.updated_at = utcnow()
    record(
        session,
        Actor.of(principal),
        "watchlist.remove",
        f"watch:{entry.id}",
        detail={"reason": reason},
    )
    note_change(session, "watch", entry.id, principal, "removed", detail={"reason": reason})
    session.commit()
    return entry


def entries(session: Session, status: str | None, list_name: str | None) -> list[WatchEntry]:
    query = sa.select(WatchEntry).order_by(WatchEntry.id)
    if status:
        query = query.where(WatchEntry.status == status)
    if list_name:
        query = query.where(WatchEntry.list_name == list_name)
    return list(session.scalars(query).all())


def public(entry: WatchEntry, masker: Masker) -> dict[str, Any]:
    return {
        "id": entry.id,
        "list_name": entry.list_name,
        "id_number": masker.value(entry.id_number),
        "phone": masker.value(entry.phone),
        "name": entry.name,
        "risk": entry.risk,
        "reason": masker.text(entry.reason),
        "status": entry.status,
        "proposed_by": entry.proposed_by,
        "proposed_at": entry.proposed_at,
        "decided_by": entry.decided_by,
        "decided_at": entry.decided_at,
    }

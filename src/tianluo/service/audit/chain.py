"""Append one entry to the audit log, chained to the one before by SHA-256.

Each entry's hash covers its own fields and the previous entry's hash, so an edited entry
breaks its own hash and a deleted one breaks the next entry's link; the head row names the
newest entry, so a deleted tail shows too. Appending first increments the head in the same
transaction, which serialises writers on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.auth.principal import Principal
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import AuditEntry, AuditHead


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it, as the audit log names them (a user, or the system when ``user_id`` is None)."""

    user_id: int | None
    username: str
    agency: str

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "system", "")

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(principal.user_id, principal.username, principal.agency_code)


HASHED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "agency",
    "action",
    "subject",
    "outcome",
    "detail",
)
"""The columns of an entry its hash covers, in the order they are hashed."""


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: the previous entry's hash and its ``HASHED_FIELDS``."""
    values = [fields[name] for name in HASHED_FIELDS]
    values[HASHED_FIELDS.index("at")] = fields["at"].isoformat()
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject: str = "",
    *,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in ``session``'s transaction; it is kept when the transaction commits."""
    seq, prev_hash = session.execute(
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    at = utcnow()
    subject = subject[:200]
    body = json.loads(json.dumps(detail or {}, default=str))
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "user_id": actor.user_id,
        "username": actor.username,
        "agency": actor.agency,
        "action": action,
        "subject": subject,
        "outcome": outcome,
        "detail": body,
    }
    digest = entry_hash(prev_hash, fields)
    entry = AuditEntry(**fields, prev_hash=prev_hash, hash=digest)
    session.add(entry)
    session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
    return entry

"""Log-in sessions and API tokens: random strings given once, kept as SHA-256 hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.service.db.base import utcnow
from tianluo.service.db.models import Agency, ApiToken, User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, *, kind: str, lifetime: dt.timedelta) -> str:
    """A new token for ``user``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=token_hash(token),
            user_id=user.id,
            kind=kind,
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def revoke_token(session: Session, token: str) -> None:
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def principal_for(session: Session, token: str) -> Principal | None:
    """The active user holding a valid token, or None."""
    row = session.execute(
        sa.select(User, Agency)
        .join(ApiToken, ApiToken.user_id == User.id)
        .join(Agency, Agency.id == User.agency_id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
            User.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    user, agency = row
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        agency_id=agency.id,
        agency_code=agency.code,
        agency_kind=AgencyKind(agency.kind),
    )


class TokenCache:
    """Recently verified tokens, so that screening at thousands a second skips the database."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[token] = (time.monotonic() + self._seconds, principal)

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)

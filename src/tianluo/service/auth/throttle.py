"""Failed log-ins: after too many for one user name in a window, log-in is refused for a while."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.db.base import utcnow
from tianluo.service.db.models import LoginFailure


def seconds_blocked(session: Session, username: str, *, limit: int, window: dt.timedelta) -> int:
    """How long log-in stays refused for ``username`` (0: it is allowed)."""
    since = utcnow() - window
    times = session.scalars(
        sa.select(LoginFailure.at)
        .where(LoginFailure.username == username, LoginFailure.at > since)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit:
        return 0
    oldest = times[-1]
    return max(1, int((oldest + window - utcnow()).total_seconds()))


def record_failure(session: Session, username: str, address: str) -> None:
    session.add(LoginFailure(username=username, address=address))


def clear_failures(session: Session, username: str) -> None:
    session.execute(sa.delete(LoginFailure).where(LoginFailure.username == username))

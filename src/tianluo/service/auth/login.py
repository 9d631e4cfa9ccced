"""Log in and out: throttled, audited, giving a session token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tianluo.service.audit import Actor, record
from tianluo.service.auth.accounts import check_password
from tianluo.service.auth.throttle import clear_failures, record_failure, seconds_blocked
from tianluo.service.auth.tokens import issue_token
from tianluo.service.db.models import User
from tianluo.service.errors import TooManyAttempts, Unauthenticated
from tianluo.service.settings import ServiceSettings


@dataclass(frozen=True, slots=True)
class LoggedIn:
    user: User
    token: str
    expires_at: dt.datetime


def log_in(
    session: Session, settings: ServiceSettings, username: str, password: str, address: str
) -> LoggedIn:
    """A session for the user, or an error: 429 while throttled, 401 for a wrong password."""
    window = dt.timedelta(minutes=settings.login_window_minutes)
    wait = seconds_blocked(session, username, limit=settings.login_max_failures, window=window)
    if wait:
        record(session, Actor(None, username, ""), "login", username, outcome="throttled")
        session.commit()
        raise TooManyAttempts(f"too many failed log-ins: try again in {wait} s", retry_after=wait)
    user = check_password(session, username, password)
    if user is None:
        record_failure(session, username, address)
        record(session, Actor(None, username, ""), "login", username, outcome="failed")
        session.commit()
        raise Unauthenticated("wrong user name or password")
    clear_failures(session, username)
    lifetime = dt.timedelta(hours=settings.session_hours)
    token = issue_token(session, user, kind="session", lifetime=lifetime)
    record(session, Actor(user.id, user.username, user.agency.code), "login", username)
    session.commit()
    return LoggedIn(user, token, dt.datetime.now(dt.UTC) + lifetime)

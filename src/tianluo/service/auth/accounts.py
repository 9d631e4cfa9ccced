"""Create agencies and users, and check a log-in."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.auth.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, verify_password
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.service.db.models import Agency, User
from tianluo.service.errors import Conflict, InvalidInput, NotFound


def create_agency(
    session: Session, code: str, name: str, kind: AgencyKind, province: str | None = None
) -> Agency:
    if session.scalar(sa.select(Agency).where(Agency.code == code)) is not None:
        raise Conflict(f"agency {code!r} exists", field="code")
    agency = Agency(code=code, name=name, kind=kind.value, province=province)
    session.add(agency)
    session.flush()
    return agency


def agency_by_code(session: Session, code: str) -> Agency:
    agency = session.scalar(sa.select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"no agency {code!r}", field="agency")
    return agency


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    agency: Agency,
    role: Role,
    full_name: str = "",
) -> User:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters", field="password")
    if session.scalar(sa.select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists", field="username")
    user = User(
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        agency_id=agency.id,
        role=role.value,
    )
    session.add(user)
    session.flush()
    return user


def list_agencies(session: Session) -> list[Agency]:
    """Every agency, by name: whom a case may be shared with."""
    return list(session.scalars(sa.select(Agency).order_by(Agency.name)))


def usernames(session: Session, user_ids: set[int]) -> dict[int, str]:
    """The user names of ``user_ids``: who made each change in a history."""
    if not user_ids:
        return {}
    rows = session.execute(sa.select(User.id, User.username).where(User.id.in_(user_ids)))
    return {row.id: row.username for row in rows}


def user_id_of(session: Session, username: str) -> int | None:
    """The id of the user called ``username``, if there is one."""
    found: int | None = session.scalar(sa.select(User.id).where(User.username == username))
    return found


def has_users(session: Session) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(User)) != 0


def check_password(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (in constant-ish time)."""
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None

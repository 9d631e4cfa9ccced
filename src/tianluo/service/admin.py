"""What the service's commands do: upgrade the database, add agencies and users, verify the audit.

The CLI (``tianluo.cli.service_commands``) and the tests call these.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tianluo.service.audit import Actor, Verdict, record, verify_chain
from tianluo.service.auth.accounts import create_agency, create_user, has_users
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.service.db import make_engine, session_factory, upgrade
from tianluo.service.db.models import Agency
from tianluo.service.settings import ServiceSettings, database_url
from tianluo.workspace import Workspace


def open_database(workspace: Workspace, settings: ServiceSettings | None = None) -> sa.Engine:
    """The workspace's database, brought to the newest schema."""
    engine = make_engine(database_url(settings or ServiceSettings(), workspace))
    upgrade(engine)
    return engine


@dataclass(frozen=True, slots=True)
class AddedUser:
    username: str
    role: Role
    agency: str
    agency_created: bool


def add_user(
    engine: sa.Engine,
    username: str,
    password: str,
    *,
    agency: str,
    role: Role,
    agency_kind: AgencyKind | None = None,
    agency_name: str | None = None,
    province: str | None = None,
) -> AddedUser:
    """Add a user (and their agency if new); the very first user is made an administrator."""
    with session_factory(engine)() as session:
        if not has_users(session):
            role = Role.ADMIN
        found = session.scalar(sa.select(Agency).where(Agency.code == agency))
        created = found is None
        if found is None:
            if agency_kind is None:
                raise ValueError(f"agency {agency!r} is new: give its kind")
            found = create_agency(session, agency, agency_name or agency, agency_kind, province)
        user = create_user(session, username, password, agency=found, role=role)
        record(
            session,
            Actor.system(),
            "user.create",
            username,
            detail={"role": role, "agency": agency, "via": "cli"},
        )
        session.commit()
        return AddedUser(user.username, role, agency, created)


def verify_audit(engine: sa.Engine) -> Verdict:
    with session_factory(engine)() as session:
        return verify_chain(session)

"""Agencies, users and API tokens: for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from tianluo.service.audit import record
from tianluo.service.auth.accounts import agency_by_code, create_agency, create_user
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import AgencyKind, Permission, Role
from tianluo.service.auth.tokens import issue_token
from tianluo.service.db.models import Agency, User
from tianluo.service.deps import Db, actor_of, require
from tianluo.service.errors import NotFound

router = APIRouter(prefix="/api/admin", tags=["admin"])
Admin = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]


class AgencyIn(BaseModel):
    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind
    province: str | None = Field(default=None, pattern=r"^\d{2}$")


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=10, max_length=200)
    agency: str
    role: Role
    full_name: str = ""


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None


class TokenIn(BaseModel):
    days: int = Field(default=365, ge=1, le=3650)


def agency_public(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "province": agency.province,
    }


def user_public(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "agency": user.agency.code,
        "role": user.role,
        "active": user.active,
    }


@router.get("/agencies")
def list_agencies(_: Admin, session: Db) -> list[dict[str, Any]]:
    return [agency_public(a) for a in session.scalars(sa.select(Agency).order_by(Agency.code))]


@router.post("/agencies", status_code=201)
def add_agency(body: AgencyIn, admin: Admin, session: Db) -> dict[str, Any]:
    agency = create_agency(session, body.code, body.name, body.kind, body.province)
    record(session, actor_of(admin), "agency.create", body.code, detail={"kind": body.kind})
    session.commit()
    return agency_public(agency)


@router.get("/users")
def list_users(_: Admin, session: Db) -> list[dict[str, Any]]:
    return [user_public(u) for u in session.scalars(sa.select(User).order_by(User.id))]


@router.post("/users", status_code=201)
def add_user(body: UserIn, admin: Admin, session: Db) -> dict[str, Any]:
    agency = agency_by_code(session, body.agency)
    user = create_user(
        session,
        body.username,
        body.password,
        agency=agency,
        role=body.role,
        full_name=body.full_name,
    )
    record(
        session,
        actor_of(admin),
        "user.create",
        body.username,
        detail={"role": body.role, "agency": body.agency},
    )
    session.commit()
    return user_public(user)


def _user(session: Db, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


@router.patch("/users/{user_id}")
def change_user(user_id: int, body: UserPatch, admin: Admin, session: Db) -> dict[str, Any]:
    user = _user(session, user_id)
    changes = body.model_dump(exclude_none=True)
    for name, value in changes.items():
        setattr(user, name, value)
    record(session, actor_of(admin), "user.change", user.username, detail=changes)
    session.commit()
    return user_public(user)


@router.post("/users/{user_id}/tokens", status_code=201)
def add_token(user_id: int, body: TokenIn, admin: Admin, session: Db) -> dict[str, Any]:
    """An API token for a system (e.g. a rental-registration terminal that screens)."""
    user = _user(session, user_id)
    token = issue_token(session, user, kind="api", lifetime=dt.timedelta(days=body.days))
    record(session, actor_of(admin), "token.create", user.username, detail={"days": body.days})
    session.commit()
    return {"token": token, "token_type": "bearer", "days": body.days}

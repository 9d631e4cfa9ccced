"""Log in, log out, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from tianluo.service.audit import record
from tianluo.service.auth.csrf import CSRF_COOKIE, SESSION_COOKIE, new_csrf_token
from tianluo.service.auth.login import log_in
from tianluo.service.auth.roles import PERMISSIONS
from tianluo.service.auth.tokens import revoke_token
from tianluo.service.deps import Ctx, CurrentUser, Db, actor_of, bearer_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


@router.post("/login")
def login(
    body: LoginIn, request: Request, response: Response, session: Db, context: Ctx
) -> dict[str, Any]:
    """Log in; the token is returned (for API clients) and set as a cookie (for browsers)."""
    address = request.client.host if request.client else ""
    done = log_in(session, context.settings, body.username, body.password, address)
    secure = context.settings.cookie_secure
    max_age = int(context.settings.session_hours * 3600)
    response.set_cookie(
        SESSION_COOKIE, done.token, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    csrf = new_csrf_token()
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, samesite="strict", secure=secure)
    return {
        "token": done.token,
        "token_type": "bearer",
        "expires_at": done.expires_at,
        "csrf_token": csrf,
        "user": {"id": done.user.id, "username": done.user.username, "role": done.user.role},
    }


@router.post("/logout")
def logout(
    request: Request, response: Response, principal: CurrentUser, session: Db, context: Ctx
) -> dict[str, Any]:
    token = bearer_token(request) or request.cookies.get(SESSION_COOKIE) or ""
    revoke_token(session, token)
    record(session, actor_of(principal), "logout", principal.username)
    session.commit()
    context.tokens.forget(token)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return {"logged_out": True}


@router.get("/me")
def me(principal: CurrentUser) -> dict[str, Any]:
    return {
        "id": principal.user_id,
        "username": principal.username,
        "role": principal.role,
        "agency": principal.agency_code,
        "agency_kind": principal.agency_kind,
        "permissions": sorted(PERMISSIONS[principal.role]),
    }

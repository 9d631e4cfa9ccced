"""What routes ask for: the context, a database session, the current user, a masker.

Shared parameters are ``Annotated`` aliases (``Db``, ``CurrentUser``) so that JSON routes
and the workbench's pages declare them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from tianluo.service.audit import Actor, record
from tianluo.service.auth.csrf import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_matches,
)
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.auth.tokens import principal_for
from tianluo.service.context import ServiceContext
from tianluo.service.db.engine import read_only
from tianluo.service.errors import Forbidden, Unauthenticated
from tianluo.service.privacy.masking import Masker


async def get_context(request: Request) -> ServiceContext:
    # A coroutine: FastAPI runs plain functions in a thread pool, a hop the hot path avoids.
    context: ServiceContext = request.app.state.context
    return context


Ctx = Annotated[ServiceContext, Depends(get_context)]


def get_session(context: Ctx) -> Iterator[Session]:
    """A session for one request; services commit what they change, the rest is rolled back."""
    with context.sessions() as session:
        yield session


Db = Annotated[Session, Depends(get_session)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_principal(request: Request, context: Ctx) -> Principal:
    """The user behind a bearer token or a session cookie; cookie writes need the CSRF value."""
    return await authenticate(request, context)


async def authenticate(request: Request, context: ServiceContext) -> Principal:
    """`current_principal` as a plain coroutine, for routes that skip dependency injection."""
    token = bearer_token(request)
    via_cookie = False
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
        via_cookie = token is not None
    if not token:
        raise Unauthenticated("log in first: send a bearer token or the session cookie")
    if via_cookie and request.method not in SAFE_METHODS:
        await _check_csrf(request)
    principal = context.tokens.get(token)
    if principal is None:
        principal = await run_in_threadpool(_principal_in_new_session, context, token)
        if principal is None:
            raise Unauthenticated("the session or token is invalid or has expired")
        context.tokens.put(token, principal)
    request.state.principal = principal
    return principal


def _principal_in_new_session(context: ServiceContext, token: str) -> Principal | None:
    with context.sessions() as session:
        return principal_for(read_only(session), token)


async def _check_csrf(request: Request) -> None:
    submitted = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if submitted is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), submitted):
        raise Forbidden("the CSRF token is missing or wrong", field=CSRF_FIELD)


CurrentUser = Annotated[Principal, Depends(current_principal)]


def actor_of(principal: Principal) -> Actor:
    return Actor.of(principal)


def deny(
    session: Session, principal: Principal, action: str, subject: str, message: str
) -> Forbidden:
    """Record a refused attempt in the audit log (committed) and return the error to raise."""
    record(session, actor_of(principal), action, subject, outcome="denied")
    session.commit()
    return Forbidden(message)


def require(permission: Permission) -> Callable[..., Any]:
    """A dependency: the current user, who must hold ``permission`` (else 403, audited).

    It is a coroutine that touches the database only to audit a refusal, so that the hot
    screening route runs without a thread hop or a session.
    """

    async def dependency(request: Request, principal: CurrentUser, context: Ctx) -> Principal:
        await check_permission(request, context, principal, permission)
        return principal

    return dependency


async def check_permission(
    request: Request, context: ServiceContext, principal: Principal, permission: Permission
) -> None:
    """Raise 403 (audited) unless ``principal`` holds ``permission``."""
    if principal.can(permission):
        return
    subject = f"{request.method} {request.url.path}"
    message = f"the role {principal.role} may not {permission.value.replace('_', ' ')}"
    action = f"permission.{permission.value}"
    raise await run_in_threadpool(
        _deny_in_new_session, context, principal, action, subject, message
    )


def _deny_in_new_session(
    context: ServiceContext, principal: Principal, action: str, subject: str, message: str
) -> Forbidden:
    with context.sessions() as session:
        return deny(session, principal, action, subject, message)


def get_masker(
    request: Request,
    principal: CurrentUser,
    session: Db,
    context: Ctx,
    unmask: Annotated[
        bool, Query(description="Show identity numbers and phones in full (audited).")
    ] = False,
) -> Masker:
    """Masked unless ``?unmask=true`` is asked by a role allowed to; both are audited."""
    subject = f"{request.method} {request.url.path}"
    if unmask:
        if not principal.can(Permission.UNMASK):
            raise deny(session, principal, "unmask", subject, "the role may not unmask")
        record(session, actor_of(principal), "unmask", subject)
        session.commit()
    return Masker(context.secret, unmasked=unmask)


MaskerDep = Annotated[Masker, Depends(get_masker)]

"""Who is looking at a page: the session cookie's user, or a trip to the log-in page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends
from starlette.requests import Request

from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.context import ServiceContext
from tianluo.service.deps import authenticate, check_permission
from tianluo.service.errors import Unauthenticated


class LoginRequired(Exception):
    """Raised by a page whose visitor has no valid session; answered with a redirect."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def login_url(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/')}" if next_path not in ("", "/") else "/login"


async def page_principal(request: Request) -> Principal:
    context: ServiceContext = request.app.state.context
    try:
        return await authenticate(request, context)
    except Unauthenticated:
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(wanted if request.method == "GET" else "/") from None


PageUser = Annotated[Principal, Depends(page_principal)]


def page_requires(
    permission: Permission,
) -> Callable[[Request, Principal], Coroutine[Any, Any, Principal]]:
    """A page dependency: the logged-in user, who must hold ``permission`` (else 403, audited)."""

    async def dependency(request: Request, principal: PageUser) -> Principal:
        await check_permission(request, request.app.state.context, principal, permission)
        return principal

    return dependency


def page_requires_any(
    *permissions: Permission,
) -> Callable[[Request, Principal], Coroutine[Any, Any, Principal]]:
    """Like ``page_requires``, for a page that any one of ``permissions`` opens."""

    async def dependency(request: Request, principal: PageUser) -> Principal:
        if not any(principal.can(p) for p in permissions):
            await check_permission(request, request.app.state.context, principal, permissions[0])
        return principal

    return dependency

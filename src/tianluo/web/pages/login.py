"""Log in, log out, the user's account and the choice of language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from tianluo.service.audit import record
from tianluo.service.auth.csrf import CSRF_COOKIE, SESSION_COOKIE, csrf_matches, new_csrf_token
from tianluo.service.auth.login import log_in
from tianluo.service.auth.tokens import principal_for, revoke_token
from tianluo.service.deps import Ctx, Db, actor_of
from tianluo.service.errors import Forbidden, ServiceError
from tianluo.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from tianluo.web.navigation import home_for
from tianluo.web.session import PageUser
from tianluo.web.templating import render

router = APIRouter()


def _safe_next(next_path: str | None) -> str | None:
    """Only a path on this site: never ``//elsewhere`` or ``https://elsewhere``."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//"):
        return next_path
    return None


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    """The form; it sets the CSRF cookie that the form must repeat (log-in CSRF)."""
    csrf = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    values = {"next": _safe_next(next) or "", "error": None, "csrf_token": csrf}
    response = render(request, "login.html", values)
    response.set_cookie(CSRF_COOKIE, csrf, samesite="strict")
    return response


@router.post("/login")
def login_submit(
    request: Request,
    *,
    session: Db,
    context: Ctx,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), csrf_token):
        raise Forbidden("the CSRF token is missing or wrong: reload the log-in page")
    address = request.client.host if request.client else ""
    try:
        done = log_in(session, context.settings, username, password, address)
    except ServiceError as refused:
        values = {
            "next": _safe_next(next) or "",
            "error": refused.message,
            "username": username,
            "csrf_token": csrf_token,
        }
        return render(request, "login.html", values, status_code=refused.status)
    target = _safe_next(next)
    if target is None:
        principal = principal_for(session, done.token)
        target = home_for(principal) if principal else "/"
    response = RedirectResponse(target, status_code=303)
    secure = context.settings.cookie_secure
    max_age = int(context.settings.session_hours * 3600)
    response.set_cookie(
        SESSION_COOKIE, done.token, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        CSRF_COOKIE, new_csrf_token(), max_age=max_age, samesite="strict", secure=secure
    )
    return response


@router.post("/logout")
def logout(request: Request, principal: PageUser, session: Db, context: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    revoke_token(session, token)
    record(session, actor_of(principal), "logout", principal.username)
    session.commit()
    context.tokens.forget(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account")
def account(request: Request, principal: PageUser) -> Response:
    return render(request, "account.html", {"home": home_for(principal)})


@router.get("/language/{code}")
def choose_language(code: str, request: Request) -> Response:
    """Switch language and go back where the user was."""
    back = _safe_next(request.headers.get("referer", "").split(request.url.netloc, 1)[-1]) or "/"
    response = RedirectResponse(back, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response

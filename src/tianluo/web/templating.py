"""Rendering a page: the template, the user's language, menu and CSRF value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from tianluo import __version__
from tianluo.service.auth.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, language_of, translator
from tianluo.web.navigation import menu_for
from tianluo.web.reasons import reasons_line, render_reason, render_reasons

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(
    version=__version__, languages=LANGUAGES, csrf_field=CSRF_FIELD, csrf_header=CSRF_HEADER
)


def static_url(path: str) -> str:
    """``/static/<path>?v=<version>``: a new release is never served from a stale cache."""
    return f"/static/{path}?v={__version__}"


TEMPLATES.env.globals["static"] = static_url


@pass_context
def reason_items(context: Context, text: str | None) -> list[str]:
    """``{% for r in x.reasons|reason_items %}``: a result's reasons in the page's language."""
    return render_reasons(text, context.get("lang", DEFAULT_LANGUAGE))


@pass_context
def reason_text(context: Context, text: str | None) -> str:
    """``{{ x.reasons|reason_text }}``: a result's reasons on one line, in the page's language."""
    return reasons_line(text, context.get("lang", DEFAULT_LANGUAGE))


@pass_context
def record_text(context: Context, text: str | None) -> str:
    """``{{ e.what|record_text }}``: one record's line (a timeline entry), not split at
    semicolons, in the page's language."""
    return render_reason(text or "", context.get("lang", DEFAULT_LANGUAGE))


TEMPLATES.env.filters.update(
    reason_items=reason_items, reason_text=reason_text, record_text=record_text
)


def render(
    request: Request,
    template: str,
    values: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The page ``template`` with ``values``; the layout gets the user, menu and labels, and
    ``can("analyse")`` tells a template whether to offer a link the user may follow."""
    language = language_of(request)
    principal: Principal | None = getattr(request.state, "principal", None)
    context: dict[str, Any] = {
        "request": request,
        "lang": language,
        "t": translator(language),
        "principal": principal,
        "menu": menu_for(principal) if principal else [],
        "can": lambda permission: principal is not None and principal.can(Permission(permission)),
        "csrf_token": request.cookies.get(CSRF_COOKIE, ""),
        "path": request.url.path,
        **(values or {}),
    }
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("tianluo_lang", language, max_age=365 * 86400, samesite="lax")
    return response

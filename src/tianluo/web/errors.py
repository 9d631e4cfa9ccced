"""Errors on pages come back as pages: the log-in page, or an error page in the user's language.

The service's handlers (``tianluo.service.handlers``) ask ``app.state.render_error`` for
any path outside the JSON API; the API keeps its JSON errors.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tianluo.web.session import LoginRequired, login_url
from tianluo.web.templating import render

TITLES = {
    400: "error.bad_request",
    401: "error.unauthenticated",
    403: "error.forbidden",
    404: "error.not_found",
    409: "error.conflict",
    422: "error.bad_request",
    429: "error.too_many",
}


def render_error(request: Request, status: int, message: str) -> Response:
    """The error page (or, inside an htmx request, a fragment it swaps into the page)."""
    if status == 401:
        return redirect_to_login(request, request.url.path)
    title = TITLES.get(status, "error.internal")
    values = {"status": status, "title": title, "message": message}
    if request.headers.get("hx-request"):
        # Inside a page: the message goes to the page's message strip, the page stays.
        response = render(request, "_error_fragment.html", values, status_code=status)
        response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
        return response
    return render(request, "error.html", values, status_code=status)


def redirect_to_login(request: Request, next_path: str) -> Response:
    target = login_url(next_path)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return redirect_to_login(request, exc.next_path)

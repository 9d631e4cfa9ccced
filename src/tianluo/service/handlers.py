"""Every error leaves the API as JSON: ``{"error": {"code", "message", "field"?}}``.

Outside ``/api`` (the workbench's pages), ``app.state.render_error(request, status, message)``
answers instead when the workbench installed one: a page, never a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from tianluo.service.errors import ServiceError

LOG = logging.getLogger("tianluo.service")


def _field(location: tuple[Any, ...]) -> str:
    """``("body", "phone")`` → ``phone``; ``("query", "limit")`` → ``limit``."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(location[0] if location else "")


def _as_page(request: Request, status: int, message: str) -> Response | None:
    """The workbench's error page, when the request is for a page and the workbench is there."""
    render = getattr(request.app.state, "render_error", None)
    path = request.url.path
    if render is None or path.startswith("/api/") or path == "/openapi.json":
        return None
    page: Response = render(request, status, message)
    return page


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    page = _as_page(request, exc.status, exc.message)
    if page is not None:
        return page
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"field": "", "message": "invalid request"}
    page = _as_page(request, 422, f"{first['field']}: {first['message']}")
    if page is not None:
        return page
    body = {
        "error": {
            "code": "invalid_input",
            "message": f"{first['field']}: {first['message']}",
            "field": first["field"],
            "problems": problems,
        }
    }
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    page = _as_page(request, exc.status_code, str(exc.detail))
    if page is not None:
        return page
    codes = {404: "not_found", 405: "method_not_allowed"}
    body = {"error": {"code": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    LOG.exception("unexpected error", extra={"path": request.url.path}, exc_info=exc)
    page = _as_page(request, 500, "internal error; it was logged")
    if page is not None:
        return page
    body = {"error": {"code": "internal_error", "message": "internal error; it was logged"}}
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)

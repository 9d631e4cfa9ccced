"""One module per page of the workbench; ``PAGES`` is their table of contents."""

from __future__ import annotations

from fastapi import APIRouter

from tianluo.web.pages import (
    actions,
    alerts,
    cases,
    login,
    logs,
    maps,
    organizations,
    overview,
    persons,
    traces,
)

PAGES: tuple[APIRouter, ...] = (
    login.router,
    overview.router,
    maps.router,
    alerts.router,
    persons.router,
    organizations.router,
    traces.router,
    cases.router,
    actions.router,
    logs.router,
)

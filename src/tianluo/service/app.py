"""``create_app()``: the service's table of contents."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tianluo import __version__
from tianluo.model.regions import region_table
from tianluo.service.alerts.queue import sync_alerts
from tianluo.service.context import ServiceContext
from tianluo.service.db import upgrade
from tianluo.service.handlers import install_error_handlers
from tianluo.service.logs import AccessLog, configure_json_logs
from tianluo.service.routers import (
    actions,
    admin,
    alerts,
    analysis,
    audit,
    auth,
    cases,
    health,
    screening,
)
from tianluo.service.settings import ServiceSettings
from tianluo.web import install_workbench
from tianluo.workspace import Workspace

WORKSPACE_VARIABLE = "TIANLUO_WORKSPACE"


def prepare(context: ServiceContext) -> None:
    """Bring the database to the newest schema and load the latest alerts (once per start)."""
    upgrade(context.engine)
    with context.session() as session:
        sync_alerts(session, context.results)


def create_app(
    workspace: Workspace, settings: ServiceSettings | None = None, *, prepare_on_start: bool = True
) -> FastAPI:
    """The service for one workspace; ``prepare_on_start=False`` when `serve` prepared it."""
    context = ServiceContext.open(settings or ServiceSettings(), workspace)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if prepare_on_start:
            prepare(context)
        context.screening.start()
        context.refs.warm_in_background()
        # the GB/T 2260 table a profile's identity needs (some 0.3 s to read), off the first request
        threading.Thread(target=region_table, name="region-table", daemon=True).start()
        # What exists now lives as long as the worker (modules, the screening index): kept
        # out of the cycle collector's full passes, which stalled every request for 0.1-1 s.
        gc.freeze()
        yield
        await context.recorder.drain()
        context.close()
        gc.unfreeze()

    app = FastAPI(
        title="Tianluo (天罗)",
        version=__version__,
        description="The service agencies share: alerts, cases, actions, screening, audit.",
        lifespan=lifespan,
        docs_url=None,  # Swagger and ReDoc pages load from a CDN; /openapi.json is served
        redoc_url=None,
    )
    app.state.context = context
    install_error_handlers(app)
    app.add_middleware(AccessLog)
    # Screening first: routes are matched in order, and it is the route under load. A bare
    # Starlette route serves it; the screening router's twin documents it in /openapi.json.
    app.add_route(screening.SCREEN_PATH, screening.screen_person, methods=["POST"])
    for router in (
        screening.router,
        health.router,
        auth.router,
        admin.router,
        alerts.router,
        cases.router,
        actions.router,
        analysis.router,
        audit.router,
    ):
        app.include_router(router)
    install_workbench(app)  # the analysts' pages, after the API's routes
    return app


def app_from_environment() -> FastAPI:
    """For uvicorn's workers (``--factory``): the workspace comes from ``TIANLUO_WORKSPACE``."""
    configure_json_logs(logging.INFO)  # a worker is a new process: `serve` set only its own
    return create_app(Workspace.at(os.environ[WORKSPACE_VARIABLE]), prepare_on_start=False)

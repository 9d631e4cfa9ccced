"""``install_workbench(app)``: the workbench's pages, static files and error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tianluo.geo.boundaries import DATA_DIR as BOUNDARIES_DIR
from tianluo.web.errors import login_required, render_error
from tianluo.web.pages import PAGES
from tianluo.web.session import LoginRequired

STATIC_DIR = Path(__file__).parent / "static"


def install_workbench(app: FastAPI) -> None:
    """Add the pages to a service made by ``tianluo.service.create_app``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The boundaries the maps draw (China's provinces, the city's districts) ship with us.
    app.mount("/geo", StaticFiles(directory=BOUNDARIES_DIR), name="geo")
    app.state.render_error = render_error
    app.add_exception_handler(LoginRequired, login_required)
    for router in PAGES:
        app.include_router(router, include_in_schema=False)

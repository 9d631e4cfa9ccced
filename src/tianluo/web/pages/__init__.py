"""One module per page of the workbench; ``PAGES`` is their table of contents."""

from __future__ import annotations

from fastapi import APIRouter

from tianluo.web.pages import login

PAGES: tuple[APIRouter, ...] = (login.router,)

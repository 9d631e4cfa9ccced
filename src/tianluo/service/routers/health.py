"""Is the service up, and is its database reachable."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter

from tianluo.service.deps import Db

router = APIRouter(tags=["health"])


@router.get("/api/health")
def health(session: Db) -> dict[str, Any]:
    session.execute(sa.text("SELECT 1"))
    return {"ok": True}

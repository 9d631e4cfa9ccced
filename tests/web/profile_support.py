"""What the profile and organisation tests share: number shapes and the audit log as stored."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from browser_support import Workbench

from tianluo.service.db import make_engine
from tianluo.service.db.models import AuditEntry
from tianluo.service.settings import service_dir

MASKED_NUMBER = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def audit_entries(workbench: Workbench, action: str, username: str) -> list[dict[str, Any]]:
    """The service database's audit entries of one action by one user, oldest first."""
    engine = make_engine(f"sqlite:///{service_dir(workbench.workspace) / 'tianluo.sqlite3'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(AuditEntry.subject, AuditEntry.outcome, AuditEntry.detail)
                .where(AuditEntry.action == action, AuditEntry.username == username)
                .order_by(AuditEntry.seq)
            ).all()
    finally:
        engine.dispose()
    return [dict(row._mapping) for row in rows]

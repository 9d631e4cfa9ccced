"""The group-commit recorder keeps every check, however many arrive at once, on both databases."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from tianluo.service.db import make_engine
from tianluo.service.db.base import utcnow
from tianluo.service.screening.recorder import ROWS_PER_STATEMENT, CheckRecorder
from tianluo.service.settings import ServiceSettings, database_url, service_dir
from tianluo.workspace import Workspace


def _row(i: int) -> dict[str, object]:
    return {
        "id": f"test{i:028x}",
        "at": utcnow(),
        "user_id": 1,
        "agency_id": 1,
        "purpose": "gate",
        "id_number": None,
        "phone": "13800000001",
        "name": "张三" if i % 2 else None,
        "risk": "high",
        "hits": 1,
        "reason": "fraud_numbers (phone): 100% of calls to strangers",
    }


async def _record_all(recorder: CheckRecorder, count: int) -> None:
    await asyncio.gather(*(recorder.record(_row(i)) for i in range(count)))
    await recorder.drain()


def test_a_burst_larger_than_one_statement_is_recorded_whole(
    settings: ServiceSettings, workspace: Workspace
) -> None:
    engine = make_engine(database_url(settings, workspace))
    lock = service_dir(workspace) / "writes.lock" if engine.dialect.name == "sqlite" else None
    recorder = CheckRecorder(engine, lock_file=lock)
    count = 2 * ROWS_PER_STATEMENT + 7  # arriving together: one batch, three statements
    try:
        asyncio.run(_record_all(recorder, count))
    finally:
        recorder.stop()
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT name, at FROM screen_checks")).all()
    engine.dispose()
    assert len(rows) == count
    assert sum(1 for name, _ in rows if name == "张三") == count // 2
    assert all(at is not None for _, at in rows)

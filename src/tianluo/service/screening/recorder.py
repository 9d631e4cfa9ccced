"""Every screening check is recorded before it is answered, in batches (group commit).

Checks arriving within a couple of milliseconds join one batch; the batch is inserted in
one transaction on a writer thread, and every request of the batch is answered when it
commits. Requests never touch the writer thread themselves (one hand-over per batch, not
per check), so under load one commit serves dozens of checks and nothing is answered
unrecorded.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tianluo.service.db.models import ScreenCheck

LOG = logging.getLogger(__name__)


@dataclass(slots=True)
class _Batch:
    committed: asyncio.Future[None]
    rows: list[dict[str, Any]] = field(default_factory=list)


class CheckRecorder:
    def __init__(
        self,
        engine: sa.Engine,
        *,
        batch_max: int = 2000,
        linger_ms: float = 2.0,
        lock_file: Path | None = None,
    ) -> None:
        """``lock_file``: on SQLite, the workers take turns through it instead of retrying."""
        self._engine = engine
        self._batch_max = batch_max
        self._linger = linger_ms / 1000
        self._lock_file = lock_file
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="check-recorder")
        self._open: _Batch | None = None
        self._commits: set[asyncio.Task[None]] = set()

    async def record(self, row: dict[str, Any]) -> None:
        """Return once ``row`` is committed; raise RuntimeError if it could not be."""
        batch = self._open
        if batch is None:
            loop = asyncio.get_running_loop()
            batch = self._open = _Batch(loop.create_future())
            loop.call_later(self._linger, self._close, batch)
        batch.rows.append(row)
        if len(batch.rows) >= self._batch_max:
            self._close(batch)
        await asyncio.shield(batch.committed)

    def _close(self, batch: _Batch) -> None:
        if self._open is not batch:
            return  # already closed because it was full
        self._open = None
        task = asyncio.get_running_loop().create_task(self._commit(batch))
        self._commits.add(task)
        task.add_done_callback(self._commits.discard)

    async def _commit(self, batch: _Batch) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._writer, self._write, batch.rows)
        except Exception:
            LOG.exception("screening checks not recorded", extra={"checks": len(batch.rows)})
            batch.committed.set_exception(RuntimeError("the check could not be recorded"))
            batch.committed.exception()  # retrieved here: each waiter gets its own error
        else:
            batch.committed.set_result(None)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        turn: AbstractContextManager[None] = (
            nullcontext() if self._lock_file is None else _file_lock(self._lock_file)
        )
        with turn, self._engine.begin() as connection:
            connection.execute(sa.insert(ScreenCheck), rows)

    async def drain(self) -> None:
        """Commit what is waiting (at shutdown)."""
        if self._open is not None:
            self._close(self._open)
        if self._commits:
            await asyncio.gather(*self._commits, return_exceptions=True)

    def stop(self) -> None:
        self._writer.shutdown(wait=True)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock across processes; waiting for it sleeps without polling."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

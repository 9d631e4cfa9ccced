"""Every screening check is recorded before it is answered, in batches (group commit).

One commit is in flight at a time, on a writer thread. The checks that arrive while it
runs wait together and are inserted by the next commit, in one transaction, as soon as
the writer is free; every request of a batch is answered when it commits. So a lone
check is committed at once, and under load batches grow by themselves with no timer to
wait on. Requests never touch the writer thread themselves (one hand-over per batch, not
per check), and nothing is answered unrecorded.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from tianluo.service.db.models import ScreenCheck

LOG = logging.getLogger(__name__)
# A statement takes at most 999 parameters on SQLite before 3.32 (11 a check), and batches
# under load are smaller than this anyway.
ROWS_PER_STATEMENT = 90


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
        linger_ms: float = 0.0,
        lock_file: Path | None = None,
    ) -> None:
        """``linger_ms``: how long an idle writer waits for more checks before committing.

        ``lock_file``: on SQLite, the workers take turns through it instead of retrying.
        """
        self._inserts = _BatchWriter(engine, lock_file)
        self._batch_max = batch_max
        self._linger = linger_ms / 1000
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="check-recorder")
        self._waiting: deque[_Batch] = deque()  # the last one is open while not full
        self._writing: _Batch | None = None
        self._scheduled = False
        self._idle: asyncio.Event | None = None

    async def record(self, row: dict[str, Any]) -> None:
        """Return once ``row`` is committed; raise RuntimeError if it could not be."""
        waiting = self._waiting
        if not waiting or len(waiting[-1].rows) >= self._batch_max:
            waiting.append(_Batch(asyncio.get_running_loop().create_future()))
        batch = waiting[-1]
        batch.rows.append(row)
        if self._writing is None and not self._scheduled:
            # Soon rather than now: the requests already read in this turn of the loop join.
            self._scheduled = True
            loop = asyncio.get_running_loop()
            if self._linger > 0:
                loop.call_later(self._linger, self._next)
            else:
                loop.call_soon(self._next)
        # Shielded: a caller that goes away must not cancel the commit of the others.
        await asyncio.shield(batch.committed)

    def _next(self) -> None:
        """Hand the oldest waiting batch to the writer, unless a commit is in flight."""
        self._scheduled = False
        if self._writing is not None or not self._waiting:
            return
        batch = self._writing = self._waiting.popleft()
        loop = asyncio.get_running_loop()
        done = self._writer.submit(self._inserts.write, batch.rows)
        done.add_done_callback(lambda f: loop.call_soon_threadsafe(self._committed, batch, f))

    def _committed(self, batch: _Batch, done: Future[None]) -> None:
        self._writing = None
        error = done.exception()
        if error is None:
            batch.committed.set_result(None)
        else:
            LOG.error(
                "screening checks not recorded",
                exc_info=error,
                extra={"checks": len(batch.rows)},
            )
            batch.committed.set_exception(RuntimeError("the check could not be recorded"))
            batch.committed.exception()  # retrieved here: each waiter gets its own error
        if self._waiting:
            self._next()  # what gathered during this commit goes at once
        elif self._idle is not None:
            self._idle.set()

    async def drain(self) -> None:
        """Commit what is waiting (at shutdown)."""
        while self._waiting or self._writing is not None:
            self._idle = asyncio.Event()
            if self._writing is None:
                self._next()
            await self._idle.wait()

    def stop(self) -> None:
        self._writer.submit(self._inserts.close)
        self._writer.shutdown(wait=True)


class _BatchWriter:
    """Inserts batches on the writer thread, through a connection and a lock file it keeps.

    Kept rather than taken per batch: a pool check-out and an open of the lock file cost
    about as much as inserting a dozen checks. A connection that failed is not reused.
    """

    def __init__(self, engine: sa.Engine, lock_file: Path | None) -> None:
        self._engine = engine
        self._lock_file = lock_file
        self._insert = _MultiRowInsert(
            ScreenCheck.metadata.tables[ScreenCheck.__tablename__], engine.dialect
        )
        self._connection: sa.Connection | None = None
        self._lock: IO[str] | None = None

    def write(self, rows: list[dict[str, Any]]) -> None:
        statements = list(self._insert.statements(rows))
        if self._connection is None:
            self._connection = self._engine.connect()
        try:
            with self._turn(), self._connection.begin():
                for statement, parameters in statements:
                    self._connection.exec_driver_sql(statement, parameters)
        except Exception:
            self._connection.close()
            self._connection = None
            raise

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """On SQLite, the workers take turns through an exclusive lock on a file.

        Waiting for it sleeps without polling, unlike SQLite's busy handler.
        """
        if self._lock_file is None:
            yield
            return
        if self._lock is None:
            self._lock = self._lock_file.open("a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None


class _MultiRowInsert:
    """One ``INSERT ... VALUES (...), (...)`` for a whole batch, in the driver's own terms.

    A single statement is one step for the driver, so the writer thread gives up and takes
    back the interpreter lock a few times per batch rather than once per check (each time
    it may wait for the event loop), and SQLAlchemy compiles nothing per batch.
    """

    def __init__(self, table: sa.Table, dialect: sa.Dialect) -> None:
        self._columns = [column.name for column in table.columns]
        self._convert = [
            (i, convert)
            for i, column in enumerate(table.columns)
            if (convert := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        self._head = f"INSERT INTO {table.name} ({', '.join(self._columns)}) VALUES "
        self._row = f"({', '.join([marker] * len(self._columns))})"

    def statements(self, rows: list[dict[str, Any]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """The statements and their parameters, at most ROWS_PER_STATEMENT rows each."""
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            values: list[Any] = []
            for row in chunk:
                one = [row.get(name) for name in self._columns]
                for i, convert in self._convert:
                    one[i] = convert(one[i])
                values += one
            yield self._head + ", ".join([self._row] * len(chunk)), tuple(values)

"""Run statements on several DuckDB connections at once, one thread each.

DuckDB parallelises a Parquet scan by row group, and a COPY waits for its
slowest thread and then writes the file's footer: with a statement per file,
one core idles at the end of every file, and a file of one big row group runs
on one core. A registered Arrow table is scanned on one thread. And the DuckDB
client keeps the calling thread polling for work while a background thread
runs the only task left. Parts of files on as many connections as there are
threads, each running its statements on one thread, keep every core on useful
work until the last part, without waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TypeVar

import duckdb

T = TypeVar("T")
Work = Callable[[duckdb.DuckDBPyConnection, T], None]


def threads_of(con: duckdb.DuckDBPyConnection) -> int:
    """DuckDB's number of threads on ``con``'s database."""
    row = con.execute("SELECT current_setting('threads')").fetchone()
    return int(row[0]) if row else 1


class Workers:
    """One connection per DuckDB thread of ``con``'s database, ``setup`` preparing each one's
    session; while the block runs, every statement of the database runs on its caller's
    thread only (``con``'s too)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, setup: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        self.con = con
        self.setup = setup
        self.threads = threads_of(con)
        self.cursors: list[duckdb.DuckDBPyConnection] = []

    def __enter__(self) -> Workers:
        if self.threads > 1:
            self.con.execute("SET threads = 1")
            try:
                for _ in range(self.threads):
                    self.cursors.append(self.con.cursor())
                    self.setup(self.cursors[-1])
            except BaseException:
                self.__exit__(None, None, None)
                raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for cursor in self.cursors:
            cursor.close()
        self.cursors = []
        if self.threads > 1:
            self.con.execute(f"SET threads = {self.threads}")

    def run(self, items: Iterable[T], work: Work[T]) -> None:
        """Call ``work(connection, item)`` for every item, in order of start, on every
        connection at once.

        The first error stops the others from starting another item and is
        raised once every running item has ended.
        """
        if not self.cursors:
            for item in items:
                work(self.con, item)
            return
        pending = iter(items)
        lock = threading.Lock()
        failed = threading.Event()
        errors: list[BaseException] = []

        def take() -> tuple[T] | None:
            with lock:
                if failed.is_set():
                    return None
                for item in pending:
                    return (item,)
                return None

        def worker(cursor: duckdb.DuckDBPyConnection) -> None:
            try:
                while (taken := take()) is not None:
                    work(cursor, taken[0])
            except BaseException as exc:  # raised in the caller's thread below
                failed.set()
                errors.append(exc)

        running = [
            threading.Thread(target=worker, args=(c,), name=f"tianluo-ingest-{n}", daemon=True)
            for n, c in enumerate(self.cursors)
        ]
        for thread in running:
            thread.start()
        try:
            for thread in running:
                thread.join()
        finally:
            failed.set()  # an interrupted caller leaves no worker starting another item
            for thread in running:
                thread.join()
        if errors:
            raise errors[0]


def run_parallel(
    con: duckdb.DuckDBPyConnection,
    items: Iterable[T],
    work: Work[T],
    *,
    setup: Callable[[duckdb.DuckDBPyConnection], None],
) -> None:
    """``work(connection, item)`` for every item, on one connection per DuckDB thread."""
    with Workers(con, setup) as workers:
        workers.run(items, work)

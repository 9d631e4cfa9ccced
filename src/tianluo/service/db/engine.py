"""Engines and sessions for SQLite (the workspace's file) and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "tianluo_read_only"  # an execution option; see `read_only`


def make_engine(url: str) -> sa.Engine:
    """An engine; SQLite gets WAL, a busy timeout and foreign keys, as several workers share it."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Transactions are begun by us (below), not by the driver.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    """Take the write lock at the start, so two workers never deadlock upgrading a read lock.

    A unit of work marked `read_only` never upgrades: it begins deferred, and under WAL it
    neither waits for the writers nor makes them wait (they poll for the lock, in sleeps).
    """
    deferred = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def read_only(session: Session) -> Session:
    """Mark the session's unit of work as one that only reads (before its first query)."""
    session.connection(execution_options={READ_ONLY: True})
    return session


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

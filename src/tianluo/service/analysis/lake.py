"""One person's rows in the workspace's Parquet files, read with DuckDB (filters pushed down).

A person's records are the ones the resolve stage joined to them
(``derived/person_records``): records with a mistyped or missing number count too. In a
workspace where resolution has not run, a record is the person's when its naming column
holds their number, as the detectors assume then (``tianluo.detectors.keys``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import duckdb

from tianluo.workspace import Workspace

PERSON_RECORDS = "person_records"
"""The resolve stage's table of every person-naming record and its person's key."""

PERSON_SOURCES: dict[str, tuple[str, str]] = {
    # source: (its record id, the column naming the person), as the contract's person_keys
    "seizures": ("record_id", "id_number"),
    "phones": ("phone", "id_number"),
    "rentals": ("record_id", "tenant_id_number"),
    "access_events": ("event_id", "id_number"),
    "accounts": ("account_id", "holder_id_number"),
    "defaulters": ("case_no", "id_number"),
    "bookings": ("booking_id", "id_number"),
    "assets": ("asset_id", "owner_id_number"),
}
"""Kept here rather than imported from ``tianluo.resolve``, which the service does not load."""

RECORD_COLUMNS = ("source", "record_id", "name", "phone", "address", "id_number")


LOCAL_TIME_ZONE = "Asia/Shanghai"
"""Times are given in the city's time, as the contract reads a time without an offset."""


@cache
def _database() -> duckdb.DuckDBPyConnection:
    database = duckdb.connect()
    database.execute(f"SET GLOBAL TimeZone = '{LOCAL_TIME_ZONE}'")
    return database


_OPENING = threading.Lock()


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor of the worker's in-memory DuckDB, which writes times in the city's time zone.

    Opening a database costs some 10 ms of CPU; a cursor of an open one, half a millisecond.
    Cursors are made one at a time (a connection object is not shared between threads).
    """
    with _OPENING:
        return _database().cursor()


def parquet_scan(paths: Sequence[Path | str]) -> str:
    """A ``read_parquet`` of the files, for a FROM clause (the paths are quoted)."""
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    return f"read_parquet([{quoted}], union_by_name = true)"


def lake_scan(workspace: Workspace, source: str) -> str | None:
    files = workspace.lake_files(source)
    return parquet_scan(files) if files else None


def derived_scan(workspace: Workspace, name: str) -> str | None:
    path = workspace.derived_path(name)
    return parquet_scan([path]) if path.exists() else None


def result_scan(workspace: Workspace, name: str) -> str | None:
    path = workspace.result_path(name)
    return parquet_scan([path]) if path.exists() else None


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> list[dict[str, Any]]:
    """Rows of a query as dictionaries."""
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class PersonLake:
    """A DuckDB connection and the records of one person (``person`` is their key)."""

    con: duckdb.DuckDBPyConnection
    workspace: Workspace
    person: str
    records: list[dict[str, Any]] = field(default_factory=list)
    resolved: bool = False

    @classmethod
    def open(cls, con: duckdb.DuckDBPyConnection, workspace: Workspace, person: str) -> PersonLake:
        lake = cls(con, workspace, person)
        scan = derived_scan(workspace, PERSON_RECORDS)
        if scan is not None:
            lake.resolved = True
            lake.records = fetch(
                con,
                f"SELECT {', '.join(RECORD_COLUMNS)} FROM {scan} WHERE person_key = ?",
                [person],
            )
        return lake

    def record_ids(self, source: str) -> list[str]:
        return sorted({r["record_id"] for r in self.records if r["source"] == source})

    def values(self, column: str, *sources: str) -> list[str]:
        """Distinct non-empty values of a column of the person's records (of ``sources``)."""
        found = {
            str(r[column])
            for r in self.records
            if r[column] and (not sources or r["source"] in sources)
        }
        return sorted(found)

    def rows(
        self,
        source: str,
        select: str,
        *,
        where: str = "",
        tail: str = "",
        optional: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        """``SELECT select`` over the person's rows of a lake source (none if it is absent).

        ``where`` adds a condition, ``tail`` a GROUP BY or ORDER BY clause; the ``optional``
        columns of the contract read as empty when the feed did not have them.
        """
        scan = lake_scan(self.workspace, source)
        if scan is None:
            return []
        scan = with_optional(scan, lake_columns(self.workspace, source), optional)
        record_id, naming = PERSON_SOURCES[source]
        params: list[object]
        if self.resolved:
            ids = self.record_ids(source)
            if not ids:
                return []
            mine, params = f"{record_id} IN (SELECT unnest(?::VARCHAR[]))", [ids]
        else:
            mine, params = f"{naming} = ?", [self.person]
        condition = f"{mine} AND ({where})" if where else mine
        return fetch(self.con, f"SELECT {select} FROM {scan} WHERE {condition} {tail}", params)


def lake_columns(workspace: Workspace, source: str) -> frozenset[str]:
    """The column names of a lake source's files (none when it was never loaded)."""
    return _columns_of_files(tuple(str(f) for f in workspace.lake_files(source)))


@lru_cache(maxsize=256)
def _columns_of_files(files: tuple[str, ...]) -> frozenset[str]:
    # remembered per set of files: a lake file never changes (a new load is a new file)
    if not files:
        return frozenset()
    with connect() as con:
        cursor = con.execute(f"SELECT * FROM {parquet_scan(files)} LIMIT 0")
        return frozenset(d[0] for d in cursor.description or ())


def with_optional(scan: str, present: frozenset[str], optional: Sequence[str]) -> str:
    """The scan, with those of the ``optional`` columns not ``present`` added as empty text."""
    absent = [c for c in optional if c not in present]
    if not absent:
        return scan
    nulls = ", ".join(f"NULL::VARCHAR AS {c}" for c in absent)
    return f"(SELECT *, {nulls} FROM {scan})"

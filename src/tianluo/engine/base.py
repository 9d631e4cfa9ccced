"""The engine interface: what a detector may ask of DuckDB or Spark.

A detector builds Ibis expressions over ``engine.source(name)`` and hands them
back to ``engine.to_arrow`` or ``engine.write_parquet``; it never touches a
connection. Each engine guarantees the same semantics for what detectors rely on:

- lake sources are read with union-by-name across loads (later loads may add columns);
- the session time zone is Asia/Shanghai, so ``ts.date()`` is the local day on both
  engines (a ping at 23:30 and one at 00:30 Beijing time fall on different days);
  ``engine.local_day(ts)`` gives the same day faster where the engine allows it, and
  ``engine.local_day_number(ts)`` / ``engine.day_from_number(n)`` give it as an integer
  (days since 1970-01-01) that packs into integer grouping keys, and back;
- results come back as Arrow, with timestamps as UTC instants;
- a registered table's dictionary-encoded text columns (``label_columns``) read as plain
  text; DuckDB keeps them as ENUMs, which join and write to Parquet several times faster.
"""

from __future__ import annotations

import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Literal, Self, TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from tianluo.engine.errors import SourceNotLoadedError
from tianluo.workspace import Workspace

EngineKind = Literal["duckdb", "spark"]
Data: TypeAlias = pa.Table | pd.DataFrame
GroupFunction: TypeAlias = Callable[[pd.DataFrame], pd.DataFrame]

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


BEIJING_OFFSET_S = 8 * 3600
"""Beijing time is UTC+8 (no daylight saving since 1991)."""


def check_name(name: str) -> str:
    """A table name that is safe to splice into SQL: lower-case letters, digits, underscores."""
    if not _NAME.match(name):
        raise ValueError(f"invalid table name {name!r}: use lower-case letters, digits and _")
    return name


def as_arrow(data: Data) -> pa.Table:
    """An Arrow table from Arrow or pandas data."""
    if isinstance(data, pd.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    return data


def label_columns(table: pa.Table) -> list[str]:
    """The dictionary-encoded text columns of a table: labels from a small, known set."""
    return [
        field.name
        for field in table.schema
        if pa.types.is_dictionary(field.type)
        and (
            pa.types.is_string(field.type.value_type)
            or pa.types.is_large_string(field.type.value_type)
        )
    ]


def decode_labels(table: pa.Table) -> pa.Table:
    """The table with its dictionary-encoded text columns as plain text."""
    for name in label_columns(table):
        index = table.schema.get_field_index(name)
        column = table[name]
        table = table.set_column(index, name, column.cast(column.type.value_type))
    return table


def remove_path(path: Path) -> None:
    """Delete a file or a directory of part files, if present."""
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


class Engine(ABC):
    """One workspace seen through one query engine."""

    kind: EngineKind

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @property
    @abstractmethod
    def backend(self) -> ibis.BaseBackend:
        """The Ibis connection (for tests and for expressions that need it)."""

    def has_source(self, name: str) -> bool:
        """Whether at least one load of this source is committed in the lake."""
        return self.workspace.has_source(check_name(name))

    def source(self, name: str) -> ir.Table:
        """All committed loads of a lake source as one table (columns unioned by name)."""
        if not self.has_source(name):
            raise SourceNotLoadedError(name, self.workspace.lake_dir(name))
        return self._source(name)

    @abstractmethod
    def _source(self, name: str) -> ir.Table: ...

    def local_day(self, ts: ir.TimestampValue) -> ir.DateValue:
        """The Beijing (Asia/Shanghai) calendar day of each instant."""
        day: ir.DateValue = ts.date()  # the session runs in Beijing time
        return day

    def local_day_number(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        """The Beijing day of each instant as days since 1970-01-01 (negative before)."""
        number: ir.IntegerValue = self.local_day(ts).epoch_days()
        return number

    def local_seconds(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        """Seconds since 1970-01-01 00:00 Beijing wall-clock time, for instants after 1991.

        Beijing has kept UTC+8 without daylight saving since 1991, so the wall clock is
        the UTC instant plus eight hours: ``% 86400`` is the second of the local day and
        ``// 86400`` the local day number (``(day + 3) % 7`` is the weekday, 0 = Monday).
        """
        seconds: ir.IntegerValue = ts.epoch_seconds().cast("int64") + BEIJING_OFFSET_S
        return seconds

    def day_from_number(self, days: ir.IntegerValue) -> ir.DateValue:
        """The date ``days`` days after 1970-01-01: the inverse of ``local_day_number``."""
        day: ir.DateValue = ibis.date(1970, 1, 1) + days.as_interval("D")
        return day

    @abstractmethod
    def register(self, name: str, data: Data) -> ir.Table:
        """A small table computed in Python (Arrow or pandas), visible to this session.

        Dictionary-encode a text column whose values come from a small set (site ids,
        kinds): every engine reads it as text, and DuckDB handles it as an ENUM.
        """

    def map_groups(
        self, frame: pd.DataFrame, key: str, fn: GroupFunction, schema: pa.Schema
    ) -> pd.DataFrame:
        """``fn`` applied to the rows of each value of ``key``; the results, one frame.

        For per-group steps written in Python (a graph algorithm on one
        organisation): here the groups run one after another in this process; the
        Spark engine spreads them over its workers. ``fn`` must be picklable (a
        module-level function or a ``functools.partial`` of one) and return
        columns of ``schema``.
        """
        empty: pd.DataFrame = schema.empty_table().to_pandas()
        parts = [fn(group)[schema.names] for _, group in frame.groupby(key, sort=True)]
        if not parts:
            return empty
        out: pd.DataFrame = pd.concat(parts, ignore_index=True)
        return out

    @abstractmethod
    def read_parquet(self, path: Path, name: str) -> ir.Table:
        """A Parquet file or a directory of part files written by ``write_parquet``."""

    @abstractmethod
    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run a query and return its rows as Arrow."""

    def write_parquet(self, expr: ir.Table, path: Path) -> Path:
        """Run a query and replace ``path`` with its rows.

        DuckDB writes one file, Spark a directory of part files; ``read_parquet``
        (and ``pyarrow.parquet.read_table``) read both. The result appears only when
        complete: it is written beside ``path`` and then moved into place.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.writing")
        remove_path(staging)
        self._write_parquet(expr, staging)
        remove_path(path)
        staging.rename(path)
        return path

    @abstractmethod
    def _write_parquet(self, expr: ir.Table, path: Path) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources (the shared Spark session stays up)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

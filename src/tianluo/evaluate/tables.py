"""Reading what evaluation compares: the feed's truth, the workspace's results, the universes.

Truth files are ``FEED_DIR/truth/<name>.csv`` (``.csv.gz`` and ``.parquet`` are
accepted too); results are ``W/results/<name>.parquet``. Both are read into a
small column store of plain Python values, and keys are compared as trimmed
text, so an identity number read as a number from a CSV still matches.

The universe of phones and accounts (everyone who could have been flagged) is
read from the workspace lake when the source was ingested, because those keys
are normalised exactly as the detectors saw them; otherwise from the feed
itself (CSV or Parquet, a file or a directory of partitions), with phones
normalised the way ingest does.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq

from tianluo.evaluate.metrics import FloatArray
from tianluo.model.phone import normalise_mobile
from tianluo.workspace import Workspace

_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
_FEED_SUFFIXES = (".csv", ".csv.gz", ".parquet")


class ColumnMissingError(ValueError):
    """A result or truth file lacks a column that scoring needs."""


@dataclass(frozen=True, slots=True)
class Columns:
    """A small table: column name to its values, as read from the file."""

    path: Path
    data: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(next(iter(self.data.values()), []))

    def has(self, *names: str) -> bool:
        return all(name in self.data for name in names)

    def text(self, name: str) -> list[str | None]:
        """A column as trimmed text; empty cells are None."""
        return [as_text(v) for v in self._column(name)]

    def number(self, name: str) -> FloatArray:
        """A column as numbers; empty or unreadable cells are NaN."""
        return np.array([as_number(v) for v in self._column(name)], dtype=np.float64)

    def flag(self, name: str) -> list[bool]:
        """A column as yes/no (true, 1, yes ... are yes)."""
        return [as_flag(v) for v in self._column(name)]

    def _column(self, name: str) -> list[Any]:
        if name not in self.data:
            raise ColumnMissingError(f"{self.path} has no column {name!r}")
        return self.data[name]


def as_text(value: Any) -> str | None:
    """A key as text: numbers lose a spurious ``.0``, blanks become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else str(value)
    text = str(value).strip()
    return text or None


def as_number(value: Any) -> float:
    """A cell as a number; blank or unreadable cells are NaN."""
    if value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def as_flag(value: Any) -> bool:
    """A cell as yes/no: true, t, yes, y, 1 and non-zero numbers are yes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) and not (isinstance(value, float) and math.isnan(value))
    return str(value).strip().lower() in _TRUE_WORDS if value is not None else False


def read_truth(feed_dir: Path, name: str) -> Columns | None:
    """The planted answer ``truth/<name>`` of a feed, or None when the feed has none."""
    for suffix in _FEED_SUFFIXES:
        path = feed_dir / "truth" / f"{name}{suffix}"
        if path.is_file():
            return read_table(path)
    return None


def read_result(workspace: Workspace, name: str) -> Columns | None:
    """A result of the workspace (a file, or Spark's directory of parts); None when absent."""
    path = workspace.result_path(name)
    return read_table(path) if path.exists() else None


def read_table(path: Path) -> Columns:
    """A CSV (all text), gzipped CSV or Parquet file (or directory of Parquet parts)."""
    if path.name.endswith(".parquet") or path.is_dir():
        return Columns(path, pq.read_table(path).to_pydict())
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        data: dict[str, list[Any]] = {name: [] for name in reader.fieldnames or []}
        for row in reader:
            for name, values in data.items():
                values.append(row.get(name))
    return Columns(path, data)


def source_keys(
    feed_dir: Path, workspace: Workspace, source: str, column: str
) -> tuple[set[str], str] | None:
    """Every distinct value of ``column`` in a source, and where it was read from.

    The lake is preferred (keys as ingested); the feed is the fallback. None
    when neither holds the source.
    """
    normalise = _normaliser(column)
    if workspace.has_source(source):
        files = [str(p) for p in workspace.lake_files(source)]
        keys = _distinct(files, column, parquet=True)
        return _clean(keys, lambda v: v), f"lake ({workspace.lake_dir(source)})"
    files_found = feed_files(feed_dir, source)
    if not files_found:
        return None
    parquet = [str(p) for p in files_found if p.name.endswith(".parquet")]
    text = [str(p) for p in files_found if not p.name.endswith(".parquet")]
    keys = _distinct(parquet, column, parquet=True) + _distinct(text, column, parquet=False)
    return _clean(keys, normalise), f"feed ({feed_dir / source}*)"


def feed_files(feed_dir: Path, source: str) -> list[Path]:
    """The files of one feed source: ``<source>.csv|.csv.gz|.parquet`` or a directory of them."""
    found = [feed_dir / f"{source}{suffix}" for suffix in _FEED_SUFFIXES]
    files = [p for p in found if p.is_file()]
    folder = feed_dir / source
    if folder.is_dir():
        files += sorted(
            p for p in folder.rglob("*") if p.is_file() and p.name.endswith(_FEED_SUFFIXES)
        )
    return files


def _distinct(files: list[str], column: str, *, parquet: bool) -> list[Any]:
    if not files:
        return []
    reader = (
        "read_parquet(?, union_by_name = true)"
        if parquet
        # a damaged row only shrinks the universe; the feed's own load report counts it
        else "read_csv(?, union_by_name = true, all_varchar = true, header = true, "
        "ignore_errors = true)"
    )
    quoted = '"' + column.replace('"', '""') + '"'
    sql = f"SELECT DISTINCT CAST({quoted} AS VARCHAR) FROM {reader}"
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(sql, [files]).fetchall()]


def _normaliser(column: str) -> Callable[[str], str | None]:
    if column == "phone":
        return lambda raw: normalise_mobile(raw) or as_text(raw)
    return as_text


def _clean(values: list[Any], normalise: Callable[[str], str | None]) -> set[str]:
    keys = set()
    for value in values:
        text = as_text(value)
        key = normalise(text) if text is not None else None
        if key is not None:
            keys.add(key)
    return keys

"""Read one feed file as Arrow batches carrying their provenance (file and line).

CSV is read with every column as text (validation decides what a value is);
Parquet keeps its types. ``_line`` is the line of a CSV record (the header is
line 1); Parquet files are only opened here for their schema and size, and are
scanned by DuckDB with their row numbers. Records that do not even split
into the header's columns are handed to ``on_invalid`` with their line and text.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.contract.sources import SourceSpec
from tianluo.ingest.discover import file_format
from tianluo.ingest.errors import FeedRefused

BLOCK_SIZE = 8 << 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A CSV record that does not have the header's number of fields."""

    line: int | None
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """A file ready to stream: its schema (with provenance) and its batches."""

    path: Path
    schema: pa.Schema
    rows_hint: int | None
    batches: Iterator[pa.RecordBatch]
    file_names: tuple[str, ...] = ()  # Parquet: column names as in the file (schema has ours)
    row_groups: tuple[int, ...] = ()  # Parquet: the rows of each row group


def _open_text(path: Path) -> IO[bytes]:
    if file_format(path) == "csv.gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _encoding(path: Path) -> str:
    """UTF-8 (the contract), or GB18030 for files exported by older Chinese systems."""
    with _open_text(path) as handle:
        try:
            sample = handle.read(1 << 20)
        except (OSError, EOFError) as exc:
            raise FeedRefused(path, f"not readable ({exc})") from exc
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            try:
                sample.decode("gb18030")
            except UnicodeDecodeError:
                raise FeedRefused(path, "not UTF-8 text") from exc
            return "gb18030"
    return "utf-8"


def normalise_names(path: Path, names: list[str], spec: SourceSpec) -> list[str]:
    """Header names trimmed and matched case-insensitively to the contract's names."""
    known = {c.name.lower(): c.name for c in spec.columns}
    out: list[str] = []
    for raw in names:
        name = raw.strip().lstrip("\ufeff").strip()
        name = known.get(name.lower(), name)
        if not name:
            raise FeedRefused(path, f"column {len(out) + 1} of the header has no name")
        if name.startswith("_"):
            raise FeedRefused(path, f"column {name!r}: names starting with '_' are reserved")
        if name in out:
            raise FeedRefused(path, f"column {name!r} appears twice in the header", name)
        out.append(name)
    missing = [c for c in spec.required if c not in out]
    if missing:
        raise FeedRefused(
            path, f"missing required column {missing[0]!r} of source {spec.name}", missing[0]
        )
    return out


def header(path: Path, spec: SourceSpec) -> list[str]:
    """The file's column names, checked against the source's required columns."""
    fmt = file_format(path)
    try:
        if fmt == "parquet":
            names = list(pq.read_schema(path).names)
        else:
            encoding = _encoding(path)
            with _open_text(path) as handle:
                first = io.TextIOWrapper(handle, encoding=encoding, newline="").readline()
            names = next(csv.reader([first])) if first.strip() else []
    except FeedRefused:
        raise
    except (OSError, EOFError, pa.ArrowException, UnicodeDecodeError) as exc:
        raise FeedRefused(path, f"not readable ({exc})") from exc
    if not names:
        raise FeedRefused(path, "the file is empty (no header row)")
    return normalise_names(path, names, spec)


def open_file(
    path: Path, spec: SourceSpec, on_invalid: Callable[[InvalidRecord], None]
) -> OpenedFile:
    """Open a file for streaming; ``header`` must have accepted it."""
    names = header(path, spec)
    if file_format(path) == "parquet":
        return _open_parquet(path, names)
    return _open_csv(path, names, on_invalid)


def _int64(values: np.ndarray) -> pa.Array:
    """An int64 numpy array as Arrow, without a copy (``pa.array`` would import pandas)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _with_lines(batch: pa.RecordBatch, lines: np.ndarray) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [*batch.columns, _int64(lines)], names=[*batch.schema.names, "_line"]
    )


def _provenance_schema(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field("_line", pa.int64()))


def _open_parquet(path: Path, names: list[str]) -> OpenedFile:
    try:
        handle = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise FeedRefused(path, f"not a readable Parquet file ({exc})") from exc
    schema = pa.schema([f.with_name(n) for f, n in zip(handle.schema_arrow, names, strict=True)])
    # DuckDB scans Parquet itself (in parallel, with row numbers): no Arrow batches here
    metadata = handle.metadata
    return OpenedFile(
        path,
        _provenance_schema(schema),
        metadata.num_rows,
        iter(()),
        tuple(handle.schema_arrow.names),
        tuple(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)),
    )


def parquet_parts(row_groups: Sequence[int], rows: int, cuts: int = 2) -> list[tuple[int, int]]:
    """Row ranges ``[start, stop)`` cutting a Parquet file into parts of about ``rows`` rows.

    Parts end at row group boundaries, so that each part reads only its row
    groups. A row group more than half again as big as a part is cut inside,
    into at most ``cuts`` parts (the number of threads): each of them decodes
    the whole group but validates and writes only its own rows, so that a file
    of one big row group still keeps every thread busy. A last part smaller
    than a quarter of ``rows`` joins the one before.
    """
    rows = max(rows, 1)
    pieces: list[tuple[int, int]] = []
    at = 0
    for size in row_groups:
        count = min(max(1, cuts), round(size / rows)) if size > rows * 3 // 2 else 1
        bounds = [at + size * k // count for k in range(count + 1)]
        pieces.extend(itertools.pairwise(bounds))
        at += size
    parts: list[tuple[int, int]] = []
    for start, stop in pieces:
        if parts and stop - parts[-1][0] <= rows * 5 // 4:
            parts[-1] = (parts[-1][0], stop)
        else:
            parts.append((start, stop))
    if len(parts) > 1 and parts[-1][1] - parts[-1][0] < rows // 4:
        parts[-2:] = [(parts[-2][0], parts[-1][1])]
    return parts


def _open_csv(
    path: Path, names: list[str], on_invalid: Callable[[InvalidRecord], None]
) -> OpenedFile:
    encoding = _encoding(path)
    skipped: list[int] = []

    def handler(row: pacsv.InvalidRow) -> str:
        line = row.number
        if line is not None:
            skipped.append(line)
        reason = f"record has {row.actual_columns} fields, the header has {row.expected_columns}"
        on_invalid(InvalidRecord(line, row.text, reason))
        return "skip"

    schema = pa.schema([pa.field(n, pa.string()) for n in names])
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                block_size=BLOCK_SIZE,
                encoding=encoding,
                use_threads=False,  # the parser knows line numbers only when single-threaded
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (OSError, pa.ArrowException) as exc:
        raise FeedRefused(path, f"not a readable CSV file ({exc})") from exc

    def batches() -> Iterator[pa.RecordBatch]:
        done = 0
        try:
            for batch in reader:
                lines = _record_lines(done, batch.num_rows, skipped)
                done += batch.num_rows
                yield _with_lines(batch, lines)
        except (OSError, pa.ArrowException, EOFError) as exc:
            raise FeedRefused(path, f"not readable after record {done} ({exc})") from exc

    return OpenedFile(path, _provenance_schema(schema), None, batches())


def _record_lines(done: int, count: int, skipped: list[int]) -> np.ndarray:
    """Line numbers of good records ``done .. done+count-1`` given the skipped lines.

    Good record j sits on line ``j + 2`` plus the number of skipped lines before it.
    """
    ordinals = np.arange(done, done + count, dtype=np.int64)
    if not skipped:
        return ordinals + 2
    s = np.sort(np.asarray(skipped, dtype=np.int64))
    # k-th skipped line has (s_k - 2 - k) good records before it
    before = s - 2 - np.arange(len(s), dtype=np.int64)
    return ordinals + 2 + np.searchsorted(before, ordinals, side="right")


def read_ahead(items: Iterator[T], depth: int = 1) -> Generator[T]:
    """Yield ``items`` while a thread produces up to ``depth`` more.

    Arrow parses CSV without holding the GIL, so the next chunk of a file is
    read while DuckDB validates and writes this one. An error of the producer
    is raised here, in order; leaving early stops the producer.
    """
    ready: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put("item", item):
                    return
            put("end", None)
        except BaseException as exc:  # handed to the consumer, which raises it
            put("error", exc)

    producer = threading.Thread(target=produce, name="tianluo-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            yield cast(T, value)
    finally:
        stop.set()
        producer.join()

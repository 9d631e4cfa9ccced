"""Which row hashes of a load repeat within the feed, or were loaded before.

A row's identity is the 63-bit hash of its raw values (``validate.row_hash_sql``).
The hashes of a load are gathered as its files are staged (``HashCollector``)
and sorted in memory (8 bytes a row; numpy sorts 100 million in under a
second, a tenth of a hash aggregation), so repeats sit side by side, and the
hashes of earlier loads are looked up in them a batch at a time, sorted too,
so that memory stays bounded by the load. Files are read, and the halves of
the hashes sorted, on several threads: Arrow and numpy release the GIL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

HASH = "_row_hash"
BATCH_ROWS = 20_000_000  # hashes of earlier loads looked up at a time
SPLIT = 1 << 62  # hashes are 63-bit and uniform: half of them lie below

Hashes = npt.NDArray[np.int64]
T = TypeVar("T")
R = TypeVar("R")


def _each(function: Callable[[T], R], items: Iterable[T], threads: int) -> list[R]:
    """``function`` applied to every item, on up to ``threads`` threads, in order."""
    items = list(items)
    if threads <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(min(threads, len(items)), thread_name_prefix="tianluo-hashes") as pool:
        return list(pool.map(function, items))


def _file_hashes(path: Path | str) -> Iterator[Hashes]:
    """The row hashes of one file, a row group at a time."""
    # one thread per file: starting a pool costs more than decoding one column of 8-byte numbers
    column = pq.ParquetFile(path).read(columns=[HASH], use_threads=False).column(HASH)
    for chunk in column.chunks:
        yield _as_numpy(chunk)


def _as_numpy(chunk: pa.Array) -> Hashes:
    """An int64 Arrow array as numpy without a copy (``to_numpy`` would import pandas)."""
    if chunk.null_count or not pa.types.is_int64(chunk.type):
        raise RuntimeError(f"row hashes must be non-null int64, got {chunk.type}")
    data = chunk.buffers()[1]
    return np.frombuffer(data, dtype=np.int64, count=len(chunk), offset=chunk.offset * 8)


def _rows(path: Path | str) -> int:
    return int(pq.ParquetFile(path).metadata.num_rows)


def read_hashes(files: Sequence[Path | str], rows: int | None = None, threads: int = 1) -> Hashes:
    """The row hashes of ``files``, in file order, in one array (``rows`` long if known)."""
    sizes = _each(_rows, files, threads)
    if rows is not None and rows != sum(sizes):
        raise RuntimeError(f"expected {rows} row hashes, the files hold {sum(sizes)}")
    out = np.empty(sum(sizes), dtype=np.int64)
    starts = np.cumsum([0, *sizes[:-1]]).tolist() if sizes else []

    def fill(item: tuple[Path | str, int]) -> None:
        path, at = item
        for part in _file_hashes(path):
            out[at : at + len(part)] = part
            at += len(part)

    _each(fill, zip(files, starts, strict=True), threads)
    return out


class HashCollector:
    """The row hashes of a source's staged files, gathered as each file is written.

    Any thread may add files. With the number of rows known beforehand the
    hashes go straight into one array, those below ``SPLIT`` from the left and
    the others from the right, so that sorting the two parts apart (on two
    threads) sorts the whole; otherwise they are kept per file and gathered
    at the end.
    """

    def __init__(self, rows: int | None = None) -> None:
        self.lock = threading.Lock()
        self.fixed = rows is not None
        self.out = np.empty(rows or 0, dtype=np.int64)
        self.low = 0  # out[:low] is filled (hashes below SPLIT)
        self.high = rows or 0  # out[high:] is filled (the others)
        self.parts: list[Hashes] = []  # without a known number of rows
        self.count = 0

    def add_file(self, path: Path | str) -> None:
        """Add the row hashes of one staged file."""
        for part in _file_hashes(path):
            self.add(part)

    def add(self, values: Hashes) -> None:
        """Add row hashes (any thread)."""
        if not self.fixed:
            with self.lock:
                self.parts.append(values)
                self.count += len(values)
            return
        below = values < SPLIT
        count = int(np.count_nonzero(below))
        with self.lock:
            if self.high - self.low < len(values):
                raise RuntimeError(f"more row hashes than the {len(self.out)} rows announced")
            low, self.low = self.low, self.low + count
            self.high -= len(values) - count
            high = self.high
            self.count += len(values)
        self.out[low : low + count] = values[below]
        self.out[high : high + len(values) - count] = values[~below]

    def sorted(self, rows: int, threads: int = 1) -> Hashes:
        """Every hash added (``rows`` of them), sorted in place: the collector is spent."""
        if self.count != rows:
            raise RuntimeError(f"expected {rows} row hashes, got {self.count}")
        if not self.fixed:
            out = np.concatenate(self.parts) if self.parts else self.out
            self.parts = []
            out.sort()
            return out
        if self.low != self.high:
            raise RuntimeError(f"{len(self.out)} rows announced, {self.count} hashes added")
        _each(np.ndarray.sort, (self.out[: self.low], self.out[self.low :]), threads)
        return self.out


def _unique_sorted(values: Hashes) -> Hashes:
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def repeats(sorted_hashes: Hashes) -> Hashes:
    """The hashes that occur more than once in ``sorted_hashes`` (sorted)."""
    same = sorted_hashes[1:] == sorted_hashes[:-1]
    return _unique_sorted(sorted_hashes[1:][same])


def repeated(hashes: Hashes) -> Hashes:
    """The hashes that occur more than once; sorts ``hashes`` in place."""
    hashes.sort()
    return repeats(hashes)


def found_in(
    sorted_hashes: Hashes,
    files: Sequence[Path],
    batch_rows: int = BATCH_ROWS,
    threads: int = 1,
) -> Hashes:
    """The hashes of ``sorted_hashes`` that also occur in ``files`` (earlier loads)."""
    found: list[Hashes] = []
    if len(sorted_hashes) == 0:
        return sorted_hashes
    for batch in _batches(files, batch_rows, threads):
        batch.sort()  # sorted probes walk the sorted hashes in order: far fewer cache misses
        at = np.minimum(np.searchsorted(sorted_hashes, batch), len(sorted_hashes) - 1)
        found.append(_unique_sorted(batch[sorted_hashes[at] == batch]))
    if not found:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def count_in(hashes: Hashes, sorted_keys: Hashes) -> int:
    """How many of ``hashes`` are among ``sorted_keys``; sorts ``hashes`` in place."""
    if len(sorted_keys) == 0 or len(hashes) == 0:
        return 0
    hashes.sort()
    at = np.minimum(np.searchsorted(sorted_keys, hashes), len(sorted_keys) - 1)
    return int(np.count_nonzero(sorted_keys[at] == hashes))


def counts_in(files: Sequence[Path | str], sorted_keys: Hashes, threads: int = 1) -> list[int]:
    """How many row hashes of each file are among ``sorted_keys``."""
    return _each(lambda path: count_in(read_hashes([path]), sorted_keys), files, threads)


def _batches(files: Sequence[Path], rows: int, threads: int) -> Iterator[Hashes]:
    """The hashes of ``files`` in arrays of about ``rows``."""
    group: list[Path] = []
    size = 0
    for path in files:
        group.append(path)
        size += _rows(path)
        if size >= rows:
            yield read_hashes(group, size, threads)
            group, size = [], 0
    if group:
        yield read_hashes(group, size, threads)

"""Which row hashes of a load repeat within the feed, or were loaded before.

A row's identity is the 63-bit hash of its raw values (``validate.row_hash_sql``).
The hashes of a load are sorted in memory (8 bytes a row; numpy sorts 100
million in about a second and a half, a tenth of a hash aggregation), so
repeats sit side by side, and the hashes of earlier loads are looked up in
them a batch at a time, sorted too, so that memory stays bounded by the load.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow.parquet as pq

HASH = "_row_hash"
BATCH_ROWS = 20_000_000  # hashes of earlier loads looked up at a time

Hashes = npt.NDArray[np.int64]


def read_hashes(files: Sequence[Path | str], rows: int | None = None) -> Hashes:
    """The row hashes of ``files``, in file order, in one array (``rows`` long if known)."""
    parts = list(_hash_arrays(files))
    if rows is None:
        rows = sum(len(p) for p in parts)
    out = np.empty(rows, dtype=np.int64)
    at = 0
    for part in parts:
        out[at : at + len(part)] = part
        at += len(part)
    if at != rows:
        raise RuntimeError(f"expected {rows} row hashes, read {at}")
    return out


def _hash_arrays(files: Sequence[Path | str]) -> Iterator[Hashes]:
    for path in files:
        # one thread: starting a pool costs more than decoding one column of 8-byte numbers
        column = pq.ParquetFile(path).read(columns=[HASH], use_threads=False).column(HASH)
        for chunk in column.chunks:
            yield chunk.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _unique_sorted(values: Hashes) -> Hashes:
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def repeated(hashes: Hashes) -> Hashes:
    """The hashes that occur more than once; sorts ``hashes`` in place."""
    hashes.sort()
    same = hashes[1:] == hashes[:-1]
    return _unique_sorted(hashes[1:][same])


def found_in(sorted_hashes: Hashes, files: Sequence[Path], batch_rows: int = BATCH_ROWS) -> Hashes:
    """The hashes of ``sorted_hashes`` that also occur in ``files`` (earlier loads)."""
    found: list[Hashes] = []
    if len(sorted_hashes) == 0:
        return sorted_hashes
    for batch in _batches(files, batch_rows):
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


def _batches(files: Sequence[Path], rows: int) -> Iterator[Hashes]:
    """The hashes of ``files`` in arrays of about ``rows``."""
    group: list[Path] = []
    size = 0
    for path in files:
        group.append(path)
        size += pq.ParquetFile(path).metadata.num_rows
        if size >= rows:
            yield read_hashes(group)
            group, size = [], 0
    if group:
        yield read_hashes(group)

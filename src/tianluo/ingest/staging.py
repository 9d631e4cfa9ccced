"""A source's validated rows in the staging area of a load, until they are final.

Each chunk of a file (a part of a Parquet file, a few million CSV records) is
validated and written once, every row with its row hash, which is read back
at once (``duplicates.HashCollector``); chunks may be written by several
threads, each with its own connection. Writing good and bad rows to
separate files (``PARTITION_BY``) costs a quarter more, and most chunks have
no bad row, so a chunk is written whole unless the source's first rows (a
probe) or one of its earlier chunks had a bad row; then its chunks are split
as written. When every chunk is staged, the row hashes show which rows to
skip: rows already in the lake or in quarantine, and every repetition of a
row within the feed but its first (in feed order: file, then line). A staged
file loaded before in full is dropped; a chunk holding rows to skip, or good
and bad rows together, is rewritten once without the skipped rows and split;
the others are final as written, so a clean first load writes every row once.
Final files go to ``good/`` (for the lake) and ``bad/`` (for quarantine).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from tianluo.ingest import duplicates
from tianluo.ingest.parallel import run_parallel, threads_of
from tianluo.ingest.quarantine import BAD, GOOD
from tianluo.ingest.rules import literal

ROW_GROUP_SIZE = 500_000
"""Rows per Parquet row group of the lake: big enough to compress, small enough to stream."""

PROBE_ROWS = 50_000
"""Rows of a source's first chunk validated beforehand to see whether it has bad rows."""

SKIP_TABLE = "_skip"
"""The rows of staged chunks to skip when they are rewritten: chunk, line, loaded before."""

DICTIONARY_SIZE_LIMIT = 10_000
"""Distinct values of a column per row group beyond which it is written plainly.

DuckDB's default (a fifth of the row group) has it hash 100,000 values of every
column, phones and coordinates too, before giving up on a dictionary: a sixth
of the write. Kinds, carriers, provinces and districts stay dictionaries.
"""


@dataclass(frozen=True, slots=True)
class Chunk:
    """One part of a feed file, validated and written by one statement."""

    seq: int  # the chunk's place among the source's chunks: feed order
    name: str


@dataclass(frozen=True, slots=True)
class _Written:
    """One Parquet file written for a chunk."""

    chunk: Chunk
    path: str  # as DuckDB names it, so that ``filename`` matches it
    rows: int
    bad_rows: int
    part: str | None  # GOOD or BAD when the chunk was split as written; None when whole


@dataclass(frozen=True, slots=True)
class Skipped:
    """Rows of a feed that are not loaded again."""

    already_loaded: int = 0
    in_feed: int = 0


class StagedSource:
    """The staged chunks of one source of a load."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: Path, compression: str) -> None:
        self.con = con
        self.out = out
        self.threads = threads_of(con)  # DuckDB's, and the hash readers'
        self.options = (
            f"FORMAT parquet, COMPRESSION {compression}, ROW_GROUP_SIZE {ROW_GROUP_SIZE}, "
            f"DICTIONARY_SIZE_LIMIT {DICTIONARY_SIZE_LIMIT}"
        )
        self.written: list[_Written] = []
        self.lock = threading.Lock()  # chunks may be written by several threads at once
        self.probed = False
        self.split = False  # write chunks split into good and bad rows (a bad row was seen)
        self.hashes = duplicates.HashCollector()
        self.skips: dict[int, int] = {}  # chunk -> rows to skip, listed in SKIP_TABLE
        self.gone: dict[str, int] = {}  # staged files loaded before in full -> their rows

    @property
    def rows(self) -> int:
        """Rows staged so far, good and bad."""
        return sum(w.rows for w in self.written)

    def expect(self, rows: int | None) -> None:
        """Announce how many rows the source will stage (None: unknown), before any is written.

        Known, their hashes go straight into one array as the chunks are written.
        """
        self.hashes = duplicates.HashCollector(rows)

    def probe(
        self, validated: Callable[[int | None], str], con: duckdb.DuckDBPyConnection | None = None
    ) -> None:
        """Validate the source's first rows: bad ones among them split every chunk as written.

        A source whose first rows hold bad ones is split from its first chunk on,
        rather than written whole and then again. ``write`` probes its first
        chunk itself; a caller writing chunks on several threads probes first.
        """
        row = (
            (con or self.con)
            .execute(f"SELECT count(*) FILTER (WHERE _bad) FROM ({validated(PROBE_ROWS)})")
            .fetchone()
        )
        self.split = self.split or bool(row and row[0])
        self.probed = True

    def write(
        self,
        chunk: Chunk,
        validated: Callable[[int | None], str],
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        """Write the validated rows of ``chunk`` (with ``_bad``), with ``con`` if given.

        ``validated(None)`` is the SQL of the chunk's validated rows,
        ``validated(n)`` that of its first ``n`` rows only. Several threads may
        write chunks at once, each with its own connection.
        """
        staged = self.out / "staged"
        staged.mkdir(parents=True, exist_ok=True)
        if not self.probed:
            self.probe(validated, con)
        query = validated(None)
        if self.split:
            target, options = staged / chunk.name, f"{self.options}, PARTITION_BY (_bad)"
            query = f"SELECT * FROM ({query})"
        else:
            target, options = staged / f"{chunk.name}.parquet", self.options
            query = f"SELECT * EXCLUDE (_bad) FROM ({query})"
        written = self._copy(chunk, query, target, options, con or self.con)
        for w in written:  # read back at once, from the page cache
            self.hashes.add_file(w.path)
        with self.lock:
            self.split = self.split or any(w.bad_rows for w in written)
            self.written.extend(written)

    def _copy(
        self,
        chunk: Chunk,
        query: str,
        target: Path,
        options: str,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> list[_Written]:
        """COPY ``query`` to ``target`` and describe the files written (empty ones removed)."""
        con = con or self.con
        stats = con.execute(
            f"COPY ({query}) TO {literal(str(target))} ({options}, RETURN_STATS)"
        ).fetchall()
        written = []
        for filename, count, _size, _footer, columns, partition in stats:
            if not count:
                Path(filename).unlink(missing_ok=True)
                continue
            part = None
            if partition and "_bad" in partition:
                part = BAD if partition["_bad"] == "true" else GOOD
            bad = int(count) if part == BAD else 0
            if part is None:
                bad = self._bad_rows(str(filename), int(count), columns, con)
            written.append(_Written(chunk, str(filename), int(count), bad, part))
        return written

    def _bad_rows(
        self,
        path: str,
        count: int,
        columns: dict[str, dict[str, str]] | None,
        con: duckdb.DuckDBPyConnection,
    ) -> int:
        """Rows with errors in a whole chunk's file: its statistics say, else a count."""
        stats = (columns or {}).get('"_errors"') or (columns or {}).get("_errors") or {}
        if "null_count" in stats:
            return count - int(stats["null_count"])
        row = con.execute(
            f"SELECT count(*) FROM {self._scan([path])} WHERE _errors IS NOT NULL"
        ).fetchone()
        return int(row[0]) if row else count

    def _scan(self, files: list[str]) -> str:
        listed = ", ".join(literal(f) for f in files)
        return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"

    def find_skipped(self, existing: list[Path]) -> Skipped:
        """Find the staged rows already loaded or repeated, and count them.

        ``existing`` are the source's files in the lake and in quarantine. A
        staged file all of whose rows were loaded before (a feed loaded again)
        is dropped whole; the other rows to skip are listed in table ``_skip``.
        """
        if not self.written:
            return Skipped()
        self.written.sort(key=lambda w: (w.chunk.seq, w.path))  # feed order, whoever wrote them
        hashes = self.hashes.sorted(self.rows, self.threads)
        self.hashes = duplicates.HashCollector()
        repeated = duplicates.repeats(hashes)
        loaded = duplicates.found_in(hashes, existing, threads=self.threads)
        del hashes
        # a row loaded before is skipped in every copy, so it is no repeat to choose among
        repeated = np.setdiff1d(repeated, loaded, assume_unique=True)
        partly: list[str] = []
        if len(loaded):
            found = duplicates.counts_in([w.path for w in self.written], loaded, self.threads)
            for w, count in zip(self.written, found, strict=True):
                if count == w.rows:
                    self.gone[w.path] = w.rows
                elif count:
                    partly.append(w.path)
        kept = [w.path for w in self.written if w.path not in self.gone]
        parts = []
        if partly:
            parts.append(
                f"""SELECT p.chunk, s._line AS line, TRUE AS loaded
                FROM {self._scan(partly)} s JOIN _places p ON p.path = s.filename
                WHERE s._row_hash IN (SELECT h FROM _loaded)"""
            )
        if len(repeated):
            # all copies but the first, in feed order (chunks are numbered in feed order,
            # and lines grow within a file)
            parts.append(
                f"""SELECT chunk, line, FALSE AS loaded FROM (
                    SELECT p.chunk, s._line AS line, s._row_hash AS h
                    FROM {self._scan(kept)} s JOIN _places p ON p.path = s.filename
                    WHERE s._row_hash IN (SELECT h FROM _repeated))
                QUALIFY row_number() OVER (PARTITION BY h ORDER BY chunk, line) > 1"""
            )
        already_gone = sum(self.gone.values())
        if not parts:
            return Skipped(already_gone, 0)
        tables = {
            "_places": pa.table(
                {
                    "path": [w.path for w in self.written],
                    "chunk": pa.array([w.chunk.seq for w in self.written], pa.int64()),
                }
            ),
            "_loaded": pa.table({"h": loaded}),
            "_repeated": pa.table({"h": repeated}),
        }
        for name, table in tables.items():
            self.con.register(name, table)
        try:
            # not a temporary table: the connections that rewrite chunks read it too
            self.con.execute(f"CREATE OR REPLACE TABLE {SKIP_TABLE} AS {' UNION ALL '.join(parts)}")
        finally:
            for name in tables:
                self.con.unregister(name)
        counts = self.con.execute(
            f"SELECT chunk, count(*), count(*) FILTER (WHERE loaded) FROM {SKIP_TABLE} "
            "GROUP BY chunk"
        ).fetchall()
        self.skips = {int(chunk): int(n) for chunk, n, _ in counts}
        already = already_gone + sum(int(n) for _, _, n in counts)
        return Skipped(already, already_gone + sum(self.skips.values()) - already)

    def finish(self) -> None:
        """Rewrite the chunks that need it and move every final file to ``good/`` or ``bad/``.

        Chunks are rewritten on every thread at once (``parallel``).
        """
        final: dict[Chunk, list[_Written]] = {}
        rewrites: list[tuple[Chunk, list[str]]] = []
        unlink: list[_Written] = []
        for chunk in dict.fromkeys(w.chunk for w in self.written):
            files = [w for w in self.written if w.chunk == chunk]
            kept = [w for w in files if w.path not in self.gone]
            rows = sum(w.rows for w in kept)
            skipped = self.skips.get(chunk.seq, 0)
            final[chunk] = []
            if skipped == rows:  # every row was loaded before or is a repeat
                pass
            elif skipped or any(w.part is None and 0 < w.bad_rows < w.rows for w in kept):
                rewrites.append((chunk, [w.path for w in kept]))
            elif len(kept) == len(files):
                final[chunk] = files
                continue
            else:
                final[chunk] = kept
                files = [w for w in files if w.path in self.gone]
            unlink.extend(files)

        def rewrite(con: duckdb.DuckDBPyConnection, job: tuple[Chunk, list[str]]) -> None:
            final[job[0]] = self._rewrite(*job, con)

        run_parallel(self.con, rewrites, rewrite, setup=lambda _: None)
        for w in unlink:
            Path(w.path).unlink()
        for number, w in enumerate(w for written in final.values() for w in written):
            part = w.part or (BAD if w.bad_rows else GOOD)
            target = self.out / part / f"{w.chunk.name}-{number:05d}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            Path(w.path).rename(target)
        if self.skips:
            self.con.execute(f"DROP TABLE IF EXISTS {SKIP_TABLE}")
        self.skips, self.gone = {}, {}
        shutil.rmtree(self.out / "staged", ignore_errors=True)

    def _rewrite(
        self, chunk: Chunk, files: list[str], con: duckdb.DuckDBPyConnection
    ) -> list[_Written]:
        """Write a chunk again without its skipped rows, its good and bad rows apart."""
        skip = ""
        if self.skips.get(chunk.seq):
            skip = (
                f"ANTI JOIN (SELECT line FROM {SKIP_TABLE} WHERE chunk = {chunk.seq}) k "
                "ON k.line = s._line"
            )
        query = f"SELECT s.*, s._errors IS NOT NULL AS _bad FROM {self._scan(files)} s {skip}"
        target = self.out / "staged" / f"{chunk.name}-final"
        return self._copy(chunk, query, target, f"{self.options}, PARTITION_BY (_bad)", con)

"""Load a feed directory into a workspace: validate, quarantine, deduplicate, commit.

Every file is first checked for its required columns, so a feed that cannot be
loaded is refused before anything is written. Then, per source:

1. one pass over each file validates every row and writes it, with its row
   hash (its identity), into the load's staging area: Parquet files cut into
   parts that run on every thread at once (``parallel``), CSV a chunk at a
   time, sliced among the threads, while Arrow parses the next;
2. the staged row hashes show the rows already in the lake or in quarantine
   (reloading a feed adds nothing) and the rows repeated within the feed (the
   first one is kept);
3. staged chunks holding such rows, or bad rows beside good ones, are
   rewritten without the skipped rows and split into lake and quarantine
   (``staging``); the others are final as written.

Each row is thus read from the feed once; in a clean first load nothing is
written twice. The load becomes visible at commit (see ``lake``).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.progress import Progress, TaskID

from tianluo.contract.sources import SOURCES, SourceSpec
from tianluo.ingest import lake
from tianluo.ingest.discover import SourceFiles, discover, file_format
from tianluo.ingest.parallel import Workers, run_parallel
from tianluo.ingest.quarantine import count_source, write_invalid_records
from tianluo.ingest.readers import (
    InvalidRecord,
    OpenedFile,
    header,
    open_file,
    parquet_parts,
    read_ahead,
)
from tianluo.ingest.report import LoadReport, SourceReport
from tianluo.ingest.rules import constant, literal, quote
from tianluo.ingest.staging import Chunk, StagedSource
from tianluo.ingest.validate import install_lookups, validation_sql
from tianluo.settings import Settings
from tianluo.workspace import Workspace

log = logging.getLogger(__name__)

MIN_PART_ROWS = 100_000
"""Rows below which a Parquet file is not cut into parts: a statement costs a few milliseconds."""


def load_feed(
    feed_dir: Path | str,
    workspace: Workspace,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load every contract source found in ``feed_dir`` into the workspace's lake.

    Raises ``FeedRefused`` (and writes nothing) when a file lacks a required
    column or cannot be read.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    feed = Path(feed_dir).resolve()
    sources, ignored = discover(feed)
    for item in sources:  # refuse before writing anything
        for path in item.files:
            header(path, SOURCES[item.source])
    lake.remove_debris(workspace)
    now = dt.datetime.now(dt.UTC)
    report = LoadReport(
        load_id=lake.new_load_id(now),
        feed=str(feed),
        workspace=str(workspace.root),
        loaded_at=now.isoformat(timespec="seconds"),
        ignored=[str(p.relative_to(feed)) for p in ignored],
    )
    staging = workspace.staging / report.load_id
    staging.mkdir(parents=True)
    try:
        with _connect(settings, staging) as con:
            install_lookups(con)
            for item in sources:
                loader = _SourceLoader(
                    con,
                    item=item,
                    feed=feed,
                    workspace=workspace,
                    staging=staging,
                    report=report,
                    settings=settings,
                )
                report.sources.append(loader.run(progress))
        report.seconds = round(time.perf_counter() - started, 3)
        lake.commit(workspace, staging, report)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with duckdb.connect(str(workspace.database)) as catalog:
        lake.refresh_catalog(catalog, workspace)
    return report


def _connect(settings: Settings, staging: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"preserve_insertion_order": "false"})
    con.execute(f"SET TimeZone = {literal(settings.timezone)}")
    con.execute(f"SET memory_limit = {literal(settings.duckdb_memory_limit)}")
    con.execute(f"SET temp_directory = {literal(str(staging / 'spill'))}")
    if settings.duckdb_threads:
        con.execute(f"SET threads = {settings.duckdb_threads}")
    return con


def _chunks(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[list[pa.RecordBatch]]:
    """Group batches into chunks of about ``rows`` rows: a CSV file is processed a chunk at a
    time."""
    chunk: list[pa.RecordBatch] = []
    size = 0
    for batch in batches:
        chunk.append(batch)
        size += batch.num_rows
        if size >= rows:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _slices(table: pa.Table, count: int) -> list[pa.Table]:
    """``table`` cut into ``count`` slices of about equal rows (fewer if it is small)."""
    size = max(-(-table.num_rows // max(count, 1)), MIN_PART_ROWS // 10)
    return [table.slice(at, size) for at in range(0, table.num_rows, size)] or [table]


@dataclass(frozen=True, slots=True)
class _Part:
    """A part of a Parquet file: a chunk, the SQL of its validated rows, its rows."""

    chunk: Chunk
    validated: Callable[[int | None], str]
    rows: int


class _SourceLoader:
    """Loads the files of one source into the staging area of a load."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        item: SourceFiles,
        feed: Path,
        workspace: Workspace,
        staging: Path,
        report: LoadReport,
        settings: Settings,
    ) -> None:
        self.con = con
        self.spec: SourceSpec = SOURCES[item.source]
        self.files = item.files
        self.feed = feed
        self.workspace = workspace
        self.report = report
        self.settings = settings
        self.out = staging / "out" / self.spec.name
        self.staged = StagedSource(con, self.out, settings.lake_compression)
        self.chunks = 0  # chunks staged so far: their numbers follow the feed's order
        self.result = SourceReport(item.source, files=[self._relative(p) for p in item.files])

    def _relative(self, path: Path) -> str:
        return str(path.relative_to(self.feed)) if path.is_relative_to(self.feed) else str(path)

    def _validated(self, opened: OpenedFile) -> Callable[[str], Callable[[int | None], str]]:
        """For a relation over the file: the SQL of its validated rows, of the first n if given.

        The relation has the file's columns, ``_file`` and ``_line``.
        """
        known = {c.name for c in self.spec.columns}
        extras = [n for n in opened.schema.names if n not in known and not n.startswith("_")]
        query, _ = validation_sql(self.spec, opened.schema, "_relation", extras)
        # only the load id per row: the feed and the time of a load are in its manifest
        # (the `loads` view), and every constant column costs a fifth of the write
        provenance = f"{constant(self.report.load_id)} AS _load_id"

        def of(relation: str) -> Callable[[int | None], str]:
            def validated(limit: int | None) -> str:
                source = relation if limit is None else f"{relation} LIMIT {limit}"
                return (
                    f"WITH _relation AS (SELECT * FROM {source}) "
                    f"SELECT q.*, {provenance} FROM ({query}) q"
                )

            return validated

        return of

    def _stage_parquet(
        self, opened: list[tuple[int, OpenedFile]], progress: Progress | None
    ) -> None:
        """Validate and stage Parquet files, cut into parts that run on every thread at once.

        DuckDB scans each part itself (with row numbers), and each part is a chunk.
        """
        rows = sum(o.rows_hint or 0 for _, o in opened)
        threads = self.staged.threads
        size = max(
            min(self.settings.ingest_batch_rows, -(-rows // threads)), MIN_PART_ROWS
        )  # at least a part per thread, when the rows allow
        parts: list[_Part] = []
        for index, file in opened:
            of = self._validated(file)
            ranges = parquet_parts(file.row_groups, size, threads)
            for number, (start, stop) in enumerate(ranges):
                whole = (start, stop) == (0, file.rows_hint)
                relation = self._parquet_relation(file, None if whole else (start, stop))
                chunk = Chunk(self.chunks, f"{index:05d}-{number:05d}")
                self.chunks += 1
                parts.append(_Part(chunk, of(relation), stop - start))
        task: TaskID | None = None
        if progress is not None:
            label = opened[0][1].path.name if len(opened) == 1 else f"{len(opened)} files"
            task = progress.add_task(f"{self.spec.name} {label}", total=rows)
        if parts and not self.staged.probed:
            self.staged.probe(parts[0].validated)

        def stage(con: duckdb.DuckDBPyConnection, part: _Part) -> None:
            self.staged.write(part.chunk, part.validated, con)
            if progress is not None and task is not None:
                progress.advance(task, part.rows)

        run_parallel(self.con, parts, stage, setup=self._session)
        if progress is not None and task is not None:
            progress.update(task, visible=False)

    def _session(self, con: duckdb.DuckDBPyConnection) -> None:
        """Prepare another connection's session like the loader's own."""
        con.execute(f"SET TimeZone = {literal(self.settings.timezone)}")
        install_lookups(con)

    def _parquet_relation(self, opened: OpenedFile, rows: tuple[int, int] | None) -> str:
        """Rows ``[start, stop)`` of a Parquet file (all if None) as a relation with our column
        names, ``_file`` and ``_line``; DuckDB reads only the row groups that hold them."""
        renamed = ", ".join(
            f"{quote(old)} AS {quote(new)}"
            for old, new in zip(opened.file_names, opened.schema.names, strict=False)
        )
        where = ""
        if rows is not None:
            where = f" WHERE file_row_number >= {rows[0]} AND file_row_number < {rows[1]}"
        return (
            f"(SELECT {renamed}, {constant(self._relative(opened.path))} AS _file, "
            f"file_row_number + 1 AS _line "
            f"FROM read_parquet({literal(str(opened.path))}, file_row_number = true){where})"
        )

    def _stage_text(
        self, index: int, path: Path, invalid: list[InvalidRecord], progress: Progress | None
    ) -> None:
        """Validate every record of a CSV file and stage it, a chunk at a time.

        Arrow parses the file (it knows the line numbers) while DuckDB validates
        and writes the chunk before. DuckDB scans a registered Arrow table on one
        thread, so a chunk is cut into a slice per thread, each its own chunk,
        validated on its own connection at once (``parallel``).
        """
        opened = open_file(path, self.spec, invalid.append)
        task: TaskID | None = None
        if progress is not None:
            task = progress.add_task(f"{self.spec.name} {path.name}", total=opened.rows_hint)
        of = self._validated(opened)
        validated = of(f"(SELECT *, {constant(self._relative(opened.path))} AS _file FROM _chunk)")
        tables = (
            pa.Table.from_batches(batches, opened.schema)
            for batches in _chunks(opened.batches, self.settings.ingest_batch_rows)
        )
        number = 0

        def stage(con: duckdb.DuckDBPyConnection, part: tuple[Chunk | None, pa.Table]) -> None:
            chunk, rows = part
            con.register("_chunk", rows)
            try:
                if chunk is None:
                    self.staged.probe(validated, con)
                else:
                    self.staged.write(chunk, validated, con)
            finally:
                con.unregister("_chunk")
            if chunk is not None and progress is not None and task is not None:
                progress.advance(task, rows.num_rows)

        # closing: a failed chunk stops the reader of the next one at once
        with closing(read_ahead(tables)) as chunks, Workers(self.con, self._session) as workers:
            for table in chunks:
                parts: list[tuple[Chunk | None, pa.Table]] = []
                for rows in _slices(table, self.staged.threads):
                    parts.append((Chunk(self.chunks, f"{index:05d}-{number:05d}"), rows))
                    self.chunks += 1
                    number += 1
                if not self.staged.probed:  # before the chunks that the probe may split
                    stage(self.con, (None, parts[0][1]))
                workers.run(parts, stage)
        if progress is not None and task is not None:
            progress.update(task, visible=False)

    def _stage(self, invalid: list[tuple[Path, InvalidRecord]], progress: Progress | None) -> None:
        """Stage every file of the source, in feed order; runs of Parquet files together."""
        parquet = {
            index: open_file(path, self.spec, lambda _: None)
            for index, path in enumerate(self.files)
            if file_format(path) == "parquet"
        }
        # with every file in Parquet the number of rows is known before: hashes go straight
        # into one array
        known = len(parquet) == len(self.files)
        self.staged.expect(sum(o.rows_hint or 0 for o in parquet.values()) if known else None)
        batch: list[tuple[int, OpenedFile]] = []
        for index, path in enumerate(self.files):
            if index in parquet:
                batch.append((index, parquet[index]))
                continue
            if batch:
                self._stage_parquet(batch, progress)
                batch = []
            records: list[InvalidRecord] = []
            self._stage_text(index, path, records, progress)
            invalid.extend((path, r) for r in records)
        if batch:
            self._stage_parquet(batch, progress)

    def run(self, progress: Progress | None) -> SourceReport:
        """Stage the source's new rows and count what happened to every row read."""
        started, cpu = time.perf_counter(), time.process_time()
        invalid: list[tuple[Path, InvalidRecord]] = []
        self._stage(invalid, progress)
        validated = time.perf_counter()
        existing = self.workspace.lake_files(self.spec.name) + self.workspace.quarantine_files(
            self.spec.name
        )
        task = None
        if progress is not None:  # how long depends on the rows: no count to show
            task = progress.add_task(f"{self.spec.name} duplicates", total=None)
        skipped = self.staged.find_skipped(existing)
        self.result.duplicates_already_loaded = skipped.already_loaded
        self.result.duplicates_in_feed = skipped.in_feed
        checked = time.perf_counter()
        self.staged.finish()
        if progress is not None and task is not None:
            progress.update(task, visible=False)
        self.result.rows_read = self.staged.rows + len(invalid)
        already, repeated = write_invalid_records(self.con, self, invalid)
        self.result.duplicates_already_loaded += already
        self.result.duplicates_in_feed += repeated
        finished = time.perf_counter()
        count_source(self.con, self.out, self.result)
        self.result.seconds = round(time.perf_counter() - started, 3)
        log.info(
            "ingest %s: %d rows; validation %.2f s, duplicates %.2f s, finishing %.2f s, "
            "counting %.2f s; %.2f CPU seconds",
            self.spec.name,
            self.result.rows_read,
            validated - started,
            checked - validated,
            finished - checked,
            time.perf_counter() - finished,
            time.process_time() - cpu,
        )
        return self.result

"""Load a feed directory into a workspace: validate, quarantine, deduplicate, commit.

Every file is first checked for its required columns, so a feed that cannot be
loaded is refused before anything is written. Then, per source:

1. one pass over each file validates every row and writes it, with its row
   hash (its identity), into the load's staging area;
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
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.progress import Progress, TaskID

from tianluo.contract.sources import SOURCES, SourceSpec
from tianluo.ingest import lake
from tianluo.ingest.discover import SourceFiles, discover
from tianluo.ingest.quarantine import count_source, write_invalid_records
from tianluo.ingest.readers import InvalidRecord, OpenedFile, header, open_file, read_ahead
from tianluo.ingest.report import LoadReport, SourceReport
from tianluo.ingest.rules import constant, literal, quote
from tianluo.ingest.staging import Chunk, StagedSource
from tianluo.ingest.validate import install_lookups, validation_sql
from tianluo.settings import Settings
from tianluo.workspace import Workspace

log = logging.getLogger(__name__)


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
    """Group batches into chunks of about ``rows`` rows.

    DuckDB scans the batches of a registered table in parallel, but a stream
    only one batch at a time, so a file is processed a chunk at a time.
    """
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

    def _relations(self, opened: OpenedFile) -> Generator[tuple[str, int]]:
        """The file as SQL relations with ``_file`` and ``_line``, and their sizes.

        Parquet is scanned by DuckDB itself (in parallel, with row numbers);
        CSV comes through Arrow in chunks, which knows the line numbers.
        """
        provenance = f"{constant(self._relative(opened.path))} AS _file"
        if opened.file_names:
            renamed = ", ".join(
                f"{quote(old)} AS {quote(new)}"
                for old, new in zip(opened.file_names, opened.schema.names, strict=False)
            )
            yield (
                f"(SELECT {renamed}, {provenance}, file_row_number + 1 AS _line "
                f"FROM read_parquet({literal(str(opened.path))}, file_row_number = true))",
                opened.rows_hint or 0,
            )
            return
        tables = (
            pa.Table.from_batches(batches, opened.schema)
            for batches in _chunks(opened.batches, self.settings.ingest_batch_rows)
        )
        for table in read_ahead(tables):
            self.con.register("_chunk", table)
            try:
                yield f"(SELECT *, {provenance} FROM _chunk)", table.num_rows
            finally:
                self.con.unregister("_chunk")

    def _validate_file(
        self, index: int, path: Path, invalid: list[InvalidRecord], progress: Progress | None
    ) -> None:
        """Validate every row of one file and stage it, a chunk at a time."""
        opened = open_file(path, self.spec, invalid.append)
        task: TaskID | None = None
        if progress is not None:
            task = progress.add_task(f"{self.spec.name} {path.name}", total=opened.rows_hint)
        known = {c.name for c in self.spec.columns}
        extras = [n for n in opened.schema.names if n not in known and not n.startswith("_")]
        query, _ = validation_sql(self.spec, opened.schema, "_relation", extras)
        # only the load id per row: the feed and the time of a load are in its manifest
        # (the `loads` view), and every constant column costs a fifth of the write
        provenance = f"{constant(self.report.load_id)} AS _load_id"
        # closing: a failed chunk stops the reader of the next one at once
        with closing(self._relations(opened)) as relations:
            for number, (relation, rows) in enumerate(relations):
                self.staged.write(
                    Chunk(self.chunks, f"{index:05d}-{number:05d}"),
                    f"WITH _relation AS (SELECT * FROM {relation}) "
                    f"SELECT q.*, {provenance} FROM ({query}) q",
                )
                self.chunks += 1
                if progress is not None and task is not None:
                    progress.advance(task, rows)
        if progress is not None and task is not None:
            progress.update(task, visible=False)

    def run(self, progress: Progress | None) -> SourceReport:
        """Stage the source's new rows and count what happened to every row read."""
        started, cpu = time.perf_counter(), time.process_time()
        invalid: list[tuple[Path, InvalidRecord]] = []
        for index, path in enumerate(self.files):
            records: list[InvalidRecord] = []
            self._validate_file(index, path, records, progress)
            invalid.extend((path, r) for r in records)
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

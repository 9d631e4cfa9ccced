"""Load a feed directory into a workspace: validate, quarantine, deduplicate, commit.

Every file is first checked for its required columns, so a feed that cannot be
loaded is refused before anything is written. Then, per source:

1. a cheap pass hashes every raw row (its identity) to find rows already in
   the lake or in quarantine (reloading a feed adds nothing) and rows repeated
   within the feed (the first one is kept);
2. one validation pass per file writes the new rows, good rows to the lake and
   bad rows to quarantine, into the load's staging area.

The load becomes visible at commit (see ``lake``).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.progress import Progress, TaskID

from tianluo.contract.sources import SOURCES, SourceSpec
from tianluo.ingest import lake
from tianluo.ingest.discover import SourceFiles, discover
from tianluo.ingest.quarantine import count_source, write_invalid_records
from tianluo.ingest.readers import InvalidRecord, OpenedFile, header, open_file
from tianluo.ingest.report import LoadReport, SourceReport
from tianluo.ingest.rules import literal, quote
from tianluo.ingest.validate import install_lookups, row_hash_sql, validation_sql
from tianluo.settings import Settings
from tianluo.workspace import Workspace

log = logging.getLogger(__name__)

SEQ_FILE_SHIFT = 1 << 40  # _seq = file index * 2^40 + line: feed order across a source's files


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
        self.skip_rows = 0
        self.result = SourceReport(item.source, files=[self._relative(p) for p in item.files])

    def _relative(self, path: Path) -> str:
        return str(path.relative_to(self.feed)) if path.is_relative_to(self.feed) else str(path)

    def _chunks_of(self, index: int, opened: OpenedFile) -> Iterator[pa.Table]:
        """The file's rows in chunks, with ``_seq`` (feed order) and a relative ``_file``."""
        for chunk in _chunks(opened.batches, self.settings.ingest_batch_rows):
            table = pa.Table.from_batches(chunk, opened.schema)
            lines = table.column("_line")
            seq = pa.compute.add(lines, pa.scalar(index * SEQ_FILE_SHIFT, pa.int64()))
            table = table.append_column(
                "_file", pa.array([self._relative(opened.path)] * table.num_rows, pa.string())
            )
            yield table.append_column("_seq", seq)

    def _relations(self, index: int, opened: OpenedFile) -> Iterator[tuple[str, int]]:
        """The file as SQL relations with ``_file``, ``_line`` and ``_seq``, and their sizes.

        Parquet is scanned by DuckDB itself (in parallel, with row numbers);
        CSV comes through Arrow in chunks, which knows the line numbers.
        """
        if opened.file_names:
            renamed = ", ".join(
                f"{quote(old)} AS {quote(new)}"
                for old, new in zip(opened.file_names, opened.schema.names, strict=False)
            )
            yield (
                f"(SELECT {renamed}, {literal(self._relative(opened.path))} AS _file, "
                "file_row_number + 1 AS _line, "
                f"{index * SEQ_FILE_SHIFT} + file_row_number + 1 AS _seq "
                f"FROM read_parquet({literal(str(opened.path))}, file_row_number = true))",
                opened.rows_hint or 0,
            )
            return
        for table in self._chunks_of(index, opened):
            self.con.register("_chunk", table)
            try:
                yield "_chunk", table.num_rows
            finally:
                self.con.unregister("_chunk")

    def _hash_pass(self) -> None:
        """Find the rows to skip: already loaded, or repeated within the feed."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE _hashes (h BIGINT, seq BIGINT)")
        for index, path in enumerate(self.files):
            opened = open_file(path, self.spec, lambda _record: None)
            raw = [n for n in opened.schema.names if not n.startswith("_")]
            for relation, _rows in self._relations(index, opened):
                self.con.execute(
                    f"INSERT INTO _hashes SELECT {row_hash_sql(raw)}, _seq FROM {relation}"
                )
        existing = [
            f"SELECT _row_hash AS h FROM read_parquet({literal(str(p))})"
            for p in self.workspace.lake_files(self.spec.name)
            + self.workspace.quarantine_files(self.spec.name)
        ]
        loaded = " UNION ALL ".join(existing) or "SELECT CAST(NULL AS BIGINT) AS h WHERE FALSE"
        # the rows to skip, by their place in the feed: those loaded before, and every
        # repetition of a row within the feed but its first
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _loaded AS
            SELECT DISTINCT h FROM ({loaded}) WHERE h IN (SELECT h FROM _hashes)"""
        )
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _skip AS
            WITH dup AS (SELECT h, min(seq) AS first_seq FROM _hashes
                         WHERE h NOT IN (SELECT h FROM _loaded)
                         GROUP BY h HAVING count(*) > 1)
            SELECT seq, TRUE AS loaded FROM _hashes WHERE h IN (SELECT h FROM _loaded)
            UNION ALL
            SELECT x.seq, FALSE FROM _hashes x JOIN dup ON x.h = dup.h
            WHERE x.seq <> dup.first_seq"""
        )
        totals = self.con.execute(
            "SELECT (SELECT count(*) FROM _hashes), count(*) FILTER (WHERE loaded), "
            "count(*) FILTER (WHERE NOT loaded) FROM _skip"
        ).fetchone()
        assert totals is not None
        self.result.rows_read = int(totals[0])
        self.result.duplicates_already_loaded = int(totals[1])
        self.result.duplicates_in_feed = int(totals[2])
        self.skip_rows = self.result.duplicates_already_loaded + self.result.duplicates_in_feed
        self.con.execute("DROP TABLE _hashes")
        self.con.execute("DROP TABLE _loaded")

    def _validate_file(
        self, index: int, path: Path, invalid: list[InvalidRecord], progress: Progress | None
    ) -> None:
        opened = open_file(path, self.spec, invalid.append)
        task: TaskID | None = None
        if progress is not None:
            task = progress.add_task(f"{self.spec.name} {path.name}", total=opened.rows_hint)
        known = {c.name for c in self.spec.columns}
        extras = [n for n in opened.schema.names if n not in known and not n.startswith("_")]
        schema = opened.schema.append(pa.field("_seq", pa.int64()))
        query, _ = validation_sql(self.spec, schema, "_relation", extras)
        # only the load id per row: the feed and the time of a load are in its manifest
        # (the `loads` view), and every constant column costs a fifth of the write
        provenance = f"{literal(self.report.load_id)} AS _load_id"
        for number, (relation, rows) in enumerate(self._relations(index, opened)):
            target = self.out / f"{index:05d}-{number:05d}"
            self.con.execute(
                f"""COPY (
                    WITH _relation AS (SELECT * FROM {relation})
                    SELECT q.* EXCLUDE (_seq), {provenance} FROM ({query}) q
                    {"WHERE q._seq NOT IN (SELECT seq FROM _skip)" if self.skip_rows else ""}
                ) TO {literal(str(target))}
                (FORMAT parquet, PARTITION_BY (_bad), COMPRESSION {self.settings.lake_compression},
                 ROW_GROUP_SIZE 500000)"""
            )
            if progress is not None and task is not None:
                progress.advance(task, rows)
        if progress is not None and task is not None:
            progress.update(task, visible=False)

    def run(self, progress: Progress | None) -> SourceReport:
        """Stage the source's new rows and count what happened to every row read."""
        started = time.perf_counter()
        self._hash_pass()
        hashed = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        invalid: list[tuple[Path, InvalidRecord]] = []
        for index, path in enumerate(self.files):
            records: list[InvalidRecord] = []
            self._validate_file(index, path, records, progress)
            invalid.extend((path, r) for r in records)
        self.result.rows_read += len(invalid)
        already, repeated = write_invalid_records(self.con, self, invalid)
        self.result.duplicates_already_loaded += already
        self.result.duplicates_in_feed += repeated
        validated = time.perf_counter()
        count_source(self.con, self.out, self.result)
        self.con.execute("DROP TABLE _skip")
        self.result.seconds = round(time.perf_counter() - started, 3)
        log.info(
            "ingest %s: %d rows; hash pass %.2f s, validation %.2f s, counting %.2f s",
            self.spec.name,
            self.result.rows_read,
            hashed - started,
            validated - hashed,
            time.perf_counter() - validated,
        )
        return self.result

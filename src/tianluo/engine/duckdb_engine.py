"""The default engine: DuckDB, embedded, on the workspace's own database file.

The database ``W/tianluo.duckdb`` holds one view per lake source (ingest creates
them; this engine creates any that are missing) and spills to ``W/tmp/duckdb``
when a query outgrows ``memory_limit``. The session runs in Asia/Shanghai time
(DuckDB ships ICU), so a timestamp's date is its Beijing date.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends.sql.datatypes import DuckDBType

from tianluo.engine.base import Data, Engine, EngineKind, as_arrow, check_name, label_columns
from tianluo.engine.settings import LOCAL_TIMEZONE, DuckDBSettings
from tianluo.workspace import Workspace

# Beijing has kept UTC+8 without daylight saving since 1991: after that the local day is
# plain arithmetic on the UTC instant, ~7x faster than an ICU time-zone conversion.
FIXED_OFFSET_SINCE = "1992-01-01 00:00:00+08"
DAY_MACROS = (
    f"""
CREATE OR REPLACE TEMP MACRO tianluo_local_day_number(ts) AS
CASE WHEN ts >= TIMESTAMPTZ '{FIXED_OFFSET_SINCE}'
     THEN (epoch_us(ts) + 28800000000) // 86400000000
     ELSE date_diff('day', DATE '1970-01-01', CAST(ts AS DATE))
END
""",
    """
CREATE OR REPLACE TEMP MACRO tianluo_local_day(ts) AS
DATE '1970-01-01' + CAST(tianluo_local_day_number(ts) AS INTEGER)
""",
    """
CREATE OR REPLACE TEMP MACRO tianluo_day_from_number(n) AS DATE '1970-01-01' + CAST(n AS INTEGER)
""",
    """
CREATE OR REPLACE TEMP MACRO tianluo_local_seconds(ts) AS epoch_us(ts) // 1000000 + 28800
""",
)


@ibis.udf.scalar.builtin(name="tianluo_local_day")  # type: ignore[untyped-decorator]
def _local_day(ts: dt.timestamp) -> dt.date:
    """A DuckDB macro above (declared for Ibis; never called in Python)."""


@ibis.udf.scalar.builtin(name="tianluo_local_day_number")  # type: ignore[untyped-decorator]
def _local_day_number(ts: dt.timestamp) -> dt.int64:
    """A DuckDB macro above (declared for Ibis; never called in Python)."""


@ibis.udf.scalar.builtin(name="tianluo_local_seconds")  # type: ignore[untyped-decorator]
def _local_seconds(ts: dt.timestamp) -> dt.int64:
    """A DuckDB macro above (declared for Ibis; never called in Python)."""


@ibis.udf.scalar.builtin(name="tianluo_day_from_number")  # type: ignore[untyped-decorator]
def _day_from_number(days: dt.int64) -> dt.date:
    """A DuckDB macro above (declared for Ibis; never called in Python)."""


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def enum_type(labels: pa.ChunkedArray) -> str | None:
    """DuckDB's ENUM type of a dictionary-encoded text column (None when it has no values)."""
    values = pc.unique(labels.combine_chunks().dictionary).drop_null()
    if len(values) == 0:
        return None
    return "ENUM(" + ", ".join(sql_string(str(v)) for v in values.to_pylist()) + ")"


def parquet_scan(pattern: str) -> str:
    """The table function that reads lake or derived Parquet, unioning columns by name.

    Hive partitioning is off: ``load=<id>`` directories are provenance, already
    carried in the ``_load_id`` column, and Spark does not add them either.
    """
    return f"read_parquet({sql_string(pattern)}, union_by_name=true, hive_partitioning=false)"


class DuckDBEngine(Engine):
    """Detectors on DuckDB, reading the lake through views in ``W/tianluo.duckdb``."""

    kind: EngineKind = "duckdb"

    def __init__(self, workspace: Workspace, settings: DuckDBSettings | None = None) -> None:
        super().__init__(workspace)
        settings = settings or DuckDBSettings()
        workspace.root.mkdir(parents=True, exist_ok=True)
        scratch = workspace.root / "tmp" / "duckdb"
        scratch.mkdir(parents=True, exist_ok=True)
        self._con = ibis.duckdb.connect(str(workspace.database))
        self._registered: dict[str, pa.Table] = {}  # DuckDB scans these in place: keep them alive
        raw = self.raw
        raw.execute(f"SET TimeZone = {sql_string(LOCAL_TIMEZONE)}")
        raw.execute(f"SET memory_limit = {sql_string(settings.memory_limit)}")
        raw.execute(f"SET temp_directory = {sql_string(str(scratch))}")
        raw.execute("SET preserve_insertion_order = false")  # lets big writes stream
        for macro in DAY_MACROS:
            raw.execute(macro)
        if settings.threads is not None:
            raw.execute(f"SET threads = {int(settings.threads)}")

    @property
    def backend(self) -> ibis.BaseBackend:
        return self._con

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection underneath Ibis."""
        con: duckdb.DuckDBPyConnection = self._con.con
        return con

    def local_day(self, ts: ir.TimestampValue) -> ir.DateValue:
        if ts.type().timezone is None:  # wall-clock times: already local
            return super().local_day(ts)
        day: ir.DateValue = _local_day(ts)
        return day

    def local_day_number(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        if ts.type().timezone is None:
            return super().local_day_number(ts)
        number: ir.IntegerValue = _local_day_number(ts)
        return number

    def local_seconds(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        # Ibis would cast an instant to the session's wall clock first (an ICU conversion)
        if ts.type().timezone is None:  # wall-clock times: already local
            wall: ir.IntegerValue = ts.epoch_seconds().cast("int64")
            return wall
        seconds: ir.IntegerValue = _local_seconds(ts)
        return seconds

    def day_from_number(self, days: ir.IntegerValue) -> ir.DateValue:
        day: ir.DateValue = _day_from_number(days)
        return day

    def _source(self, name: str) -> ir.Table:
        scan = parquet_scan(self.workspace.lake_glob(name))
        self.raw.execute(f'CREATE VIEW IF NOT EXISTS "{name}" AS SELECT * FROM {scan}')
        return self._con.table(name)

    def register(self, name: str, data: Data) -> ir.Table:
        table = as_arrow(data)
        name = check_name(name)
        enums = {column: enum_type(table[column]) for column in label_columns(table)}
        enums = {column: enum for column, enum in enums.items() if enum is not None}
        if not enums:
            self._registered[name] = table
            self.raw.register(name, table)
            return self._con.table(name)
        # DuckDB reads Arrow dictionaries as VARCHAR: a view over the Arrow data makes them ENUMs
        arrow_name = f"{name}__arrow"
        self._registered[arrow_name] = table
        self.raw.register(arrow_name, table)
        casts = ", ".join(f"CAST({quote(c)} AS {enum}) AS {quote(c)}" for c, enum in enums.items())
        self.raw.execute(
            f"CREATE OR REPLACE TEMP VIEW {quote(name)} AS "
            f"SELECT * REPLACE ({casts}) FROM {quote(arrow_name)}"
        )
        return self._con.table(name)

    def read_parquet(self, path: Path, name: str) -> ir.Table:
        path = Path(path)
        pattern = str(path / "*.parquet") if path.is_dir() else str(path)
        name = check_name(name)
        scan = parquet_scan(pattern)
        self.raw.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM {scan}')
        return self._con.table(name)

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        table: pa.Table = self._con.to_pyarrow(expr)
        return table

    def _write_parquet(self, expr: ir.Table, path: Path) -> None:
        # DuckDB's own types can differ from what Ibis promises (SUM of BIGINT is a
        # HUGEINT, which Parquet stores as a double): cast every column to Ibis's type.
        # ENUMs (see ``register``) stay as they are: Parquet stores them as dictionary-encoded
        # text, which readers see as text, and writing them costs a tenth of writing VARCHAR.
        self._con._run_pre_execute_hooks(expr)  # registers any ibis.memtable in the query
        inner = self._con.compile(expr)
        relation = self.raw.sql(inner)  # bound, not run: only its column types are read
        actual = dict(zip(relation.columns, relation.types, strict=True))
        columns = ", ".join(
            quote(name)
            if dtype.is_string() and actual[name].id == "enum"
            else f"CAST({quote(name)} AS {DuckDBType.to_string(dtype)}) AS {quote(name)}"
            for name, dtype in expr.schema().items()
        )
        query = f"SELECT {columns} FROM ({inner})"
        self.raw.execute(
            f"COPY ({query}) TO {sql_string(str(path))} (FORMAT parquet, COMPRESSION lz4_raw)"
        )

    def close(self) -> None:
        for name in self._registered:
            self.raw.unregister(name)
        self._registered.clear()
        self._con.disconnect()

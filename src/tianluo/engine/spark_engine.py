"""The distributed engine: Spark (local mode in tests, a cluster in production).

One Spark session serves the whole process (Spark allows one context per JVM);
``spark_session`` builds it once with the project's settings and hands it out again
afterwards. Ibis resets a session's time zone to UTC when it connects: this engine
sets it back to Asia/Shanghai before every query, so dates of timestamps are Beijing
dates exactly as on DuckDB.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from splink.internals.spark.jar_location import similarity_jar_location

from tianluo.engine.base import (
    Data,
    Engine,
    EngineKind,
    GroupFunction,
    as_arrow,
    check_name,
    decode_labels,
)
from tianluo.engine.settings import LOCAL_TIMEZONE, SparkSettings
from tianluo.workspace import Workspace

TIMEZONE_KEY = "spark.sql.session.timeZone"


@ibis.udf.scalar.builtin(name="unix_date")  # type: ignore[untyped-decorator]
def _unix_date(day: dt.date) -> dt.int32:
    """Spark's days since 1970-01-01 of a date (declared for Ibis; never called in Python)."""


@ibis.udf.scalar.builtin(name="date_from_unix_date")  # type: ignore[untyped-decorator]
def _date_from_unix_date(days: dt.int32) -> dt.date:
    """Spark's date ``days`` after 1970-01-01 (declared for Ibis; never called in Python)."""


def spark_session(
    settings: SparkSettings | None = None, scratch_dir: Path | None = None
) -> SparkSession:
    """The process's Spark session, built on first call (later calls return the same one).

    Local mode is tuned for small data: few shuffle partitions, no UI, no Hive
    metastore, Arrow transfers, microsecond Parquet timestamps, scratch files under
    ``scratch_dir`` (default: a ``tianluo-spark`` folder in the system's temp dir),
    and Splink's similarity functions on the class path.
    """
    settings = settings or SparkSettings()
    scratch = scratch_dir or Path(tempfile.gettempdir()) / "tianluo-spark"
    scratch.mkdir(parents=True, exist_ok=True)
    options = {
        "spark.driver.memory": settings.driver_memory,
        "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
        "spark.default.parallelism": str(settings.shuffle_partitions),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.local.dir": str(scratch / "local"),
        "spark.driver.extraJavaOptions": f"-Djava.io.tmpdir={scratch}",
        TIMEZONE_KEY: LOCAL_TIMEZONE,
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.parquet.mergeSchema": "true",
        "spark.sql.adaptive.enabled": "true",
        # Splink's string-similarity functions (Jaro-Winkler, Damerau-Levenshtein) for
        # entity resolution; the jar ships inside the splink wheel, nothing is downloaded
        "spark.jars": similarity_jar_location(),
    }
    # Python workers (per-group steps, ``map_groups``) run this interpreter, which has
    # Tianluo and its dependencies installed (the default is whatever ``python3`` is)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(settings.master).appName(settings.app_name)
    for key, value in options.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine(Engine):
    """Detectors on Spark; lake sources become temporary views of this session."""

    kind: EngineKind = "spark"

    def __init__(
        self,
        workspace: Workspace,
        session: SparkSession | None = None,
        settings: SparkSettings | None = None,
    ) -> None:
        super().__init__(workspace)
        self._session = session or spark_session(settings)
        self._con = ibis.pyspark.connect(self._session, **{TIMEZONE_KEY: LOCAL_TIMEZONE})
        # temp views are global to the session: keep two workspaces' "pings" apart
        self._tag = hashlib.sha1(str(workspace.root).encode()).hexdigest()[:8]
        self._views: set[str] = set()

    @property
    def backend(self) -> ibis.BaseBackend:
        return self._con

    @property
    def session(self) -> SparkSession:
        return self._session

    def local_day_number(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        number: ir.IntegerValue = _unix_date(self.local_day(ts)).cast("int64")
        return number

    def day_from_number(self, days: ir.IntegerValue) -> ir.DateValue:
        day: ir.DateValue = _date_from_unix_date(days.cast("int32"))
        return day

    def _view(self, name: str, frame: DataFrame) -> ir.Table:
        view = f"{check_name(name)}_{self._tag}"
        frame.createOrReplaceTempView(view)
        self._views.add(view)
        return self._con.table(view)

    def _source(self, name: str) -> ir.Table:
        files = [str(f) for f in self.workspace.lake_files(name)]
        return self._view(name, self._session.read.option("mergeSchema", "true").parquet(*files))

    def register(self, name: str, data: Data) -> ir.Table:
        table = decode_labels(as_arrow(data))
        return self._view(name, self._session.createDataFrame(table))

    def read_parquet(self, path: Path, name: str) -> ir.Table:
        return self._view(name, self._session.read.option("mergeSchema", "true").parquet(str(path)))

    def _frame(self, expr: ir.Table) -> DataFrame:
        self._con._run_pre_execute_hooks(expr)  # registers any ibis.memtable in the query
        self._session.conf.set(TIMEZONE_KEY, LOCAL_TIMEZONE)
        return self._session.sql(self._con.compile(expr))

    def map_groups(
        self, frame: pd.DataFrame, key: str, fn: GroupFunction, schema: pa.Schema
    ) -> pd.DataFrame:
        """``fn`` per group on Spark's workers (``applyInPandas``); see ``Engine.map_groups``."""
        empty: pd.DataFrame = schema.empty_table().to_pandas()
        if frame.empty:
            return empty
        names = schema.names
        spread = self._session.createDataFrame(frame).groupBy(key)
        result = spread.applyInPandas(lambda group: fn(group)[names], schema=spark_ddl(schema))
        out: pd.DataFrame = conform(result.toArrow(), schema).to_pandas()
        return out

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return conform(self._frame(expr).toArrow(), expr.schema().to_pyarrow())

    def _write_parquet(self, expr: ir.Table, path: Path) -> None:
        self._frame(expr).write.option("compression", "zstd").parquet(str(path))

    def close(self) -> None:
        for view in self._views:
            self._session.catalog.dropTempView(view)
        self._views.clear()


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Spark's Arrow result with the column types Ibis promises (as DuckDB returns them).

    Timestamps stay instants in UTC: Ibis types Spark's timestamps as naive, but
    Spark's own Arrow export is right, and DuckDB returns UTC instants too.
    """
    columns = []
    for field, column in zip(schema, table.columns, strict=True):
        target = field.type
        if pa.types.is_timestamp(target):
            target = pa.timestamp("us", tz="UTC")
        columns.append(column if column.type == target else column.cast(target))
    return pa.table(columns, names=schema.names)


SPARK_TYPES = {
    pa.string(): "string",
    pa.large_string(): "string",
    pa.int64(): "bigint",
    pa.int32(): "int",
    pa.float64(): "double",
    pa.bool_(): "boolean",
}


def spark_ddl(schema: pa.Schema) -> str:
    """A Spark DDL schema string (``a string, b bigint``) for a flat Arrow schema."""
    unknown = [f"{f.name}: {f.type}" for f in schema if f.type not in SPARK_TYPES]
    if unknown:
        raise TypeError(f"no Spark type for {', '.join(unknown)}")
    return ", ".join(f"`{f.name}` {SPARK_TYPES[f.type]}" for f in schema)

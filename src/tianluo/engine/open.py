"""Open a workspace on the engine the user asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tianluo.engine.base import Engine, EngineKind
from tianluo.engine.duckdb_engine import DuckDBEngine
from tianluo.engine.settings import EngineSettings
from tianluo.settings import Settings
from tianluo.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def open_engine(
    workspace: Workspace,
    kind: EngineKind = "duckdb",
    spark: SparkSession | None = None,
    settings: Settings | EngineSettings | None = None,
) -> Engine:
    """An engine over the workspace: DuckDB (default), or Spark on ``spark`` or a local session.

    ``settings`` may be the project's ``Settings`` or just its engine part.
    """
    if isinstance(settings, Settings):
        settings = EngineSettings.from_settings(settings)
    settings = settings or EngineSettings()
    if kind == "duckdb":
        return DuckDBEngine(workspace, settings.duckdb)
    if kind == "spark":
        # PySpark is slow to import: only Spark runs pay for it
        from tianluo.engine.spark_engine import SparkEngine  # noqa: PLC0415

        return SparkEngine(workspace, session=spark, settings=settings.spark)
    raise ValueError(f"unknown engine {kind!r}: choose 'duckdb' or 'spark'")

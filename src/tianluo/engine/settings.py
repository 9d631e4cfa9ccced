"""Settings of the two engines: DuckDB on one machine, Spark on a cluster or in local mode.

These are plain pydantic models so that the project's one settings object
(environment prefix ``TIANLUO_``) can nest them, e.g. ``TIANLUO_ENGINE__DUCKDB_THREADS=4``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from tianluo.settings import Settings

LOCAL_TIMEZONE = "Asia/Shanghai"
"""Every engine session runs in this zone, so ``ts.date()`` is the local (Beijing) day."""


class DuckDBSettings(BaseModel):
    """How the embedded engine may use this machine."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    memory_limit: str = Field(
        default="4GB",
        description="DuckDB's buffer limit; larger queries spill to the workspace's tmp/",
    )
    threads: int | None = Field(default=None, ge=1, description="worker threads; None = every core")


class SparkSettings(BaseModel):
    """How the local or cluster Spark session is built (static options apply at first start)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    master: str = Field(default="local[2]", description="Spark master URL")
    shuffle_partitions: int = Field(default=2, ge=1, description="spark.sql.shuffle.partitions")
    driver_memory: str = Field(
        default="2g", description="spark.driver.memory (local mode: all memory)"
    )
    app_name: str = "tianluo"


class EngineSettings(BaseModel):
    """Which engine runs the detectors, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duckdb: DuckDBSettings = DuckDBSettings()
    spark: SparkSettings = SparkSettings()

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineSettings:
        """The engine part of the project's settings (``TIANLUO_DUCKDB_*``, ``TIANLUO_SPARK_*``)."""
        return cls(
            duckdb=DuckDBSettings(
                memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads
            ),
            spark=SparkSettings(
                master=settings.spark_master, shuffle_partitions=settings.spark_shuffle_partitions
            ),
        )

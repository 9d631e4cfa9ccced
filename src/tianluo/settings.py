"""One typed settings object, read once from the environment (prefix ``TIANLUO_``) and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

EngineKind = Literal["duckdb", "spark"]


class Settings(BaseSettings):
    """Operational settings; detection thresholds live in the analyst-readable rules file."""

    model_config = SettingsConfigDict(env_prefix="TIANLUO_", extra="ignore")

    timezone: str = "Asia/Shanghai"
    local_province_code: str = "45"  # Guangxi: the city's own province
    engine: EngineKind = "duckdb"
    duckdb_memory_limit: str = "8GB"
    duckdb_threads: int | None = None  # None: all cores
    ingest_batch_rows: int = 2_000_000
    lake_compression: Literal["zstd", "snappy", "lz4_raw", "uncompressed"] = "snappy"
    spark_master: str = "local[2]"
    spark_shuffle_partitions: int = 2
    rules_file: Path | None = None  # None: the rules shipped with the package


def load_settings() -> Settings:
    """Settings from the environment, read once at the edge of the program."""
    return Settings()

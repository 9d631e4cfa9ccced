"""One detector, two engines: DuckDB (embedded, default) and Spark, both driven through Ibis.

    engine = open_engine(Workspace.at("work"), "duckdb")
    pings = engine.source("pings")            # an Ibis table over every load
    engine.write_parquet(query, path)         # or engine.to_arrow(query)

Importing this package does not import PySpark's JVM side; a Spark session starts
only when a Spark engine is opened.
"""

from tianluo.engine.base import Engine, EngineKind
from tianluo.engine.errors import EngineError, SourceNotLoadedError
from tianluo.engine.open import open_engine
from tianluo.engine.settings import LOCAL_TIMEZONE, DuckDBSettings, EngineSettings, SparkSettings

__all__ = [
    "LOCAL_TIMEZONE",
    "DuckDBSettings",
    "Engine",
    "EngineError",
    "EngineKind",
    "EngineSettings",
    "SourceNotLoadedError",
    "SparkSettings",
    "open_engine",
]

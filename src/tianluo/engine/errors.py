"""What can go wrong when a detector asks an engine for data.

EngineError
 └── SourceNotLoadedError   the workspace holds no committed load of that source
"""

from __future__ import annotations

from pathlib import Path


class EngineError(Exception):
    """A query could not be set up on the engine."""


class SourceNotLoadedError(EngineError, LookupError):
    """A detector asked for a source that has never been loaded into the workspace."""

    def __init__(self, source: str, lake_dir: Path) -> None:
        super().__init__(
            f"source {source!r} has not been loaded: no Parquet files under {lake_dir} "
            f"(run `tianluo ingest` on a feed that contains {source})"
        )
        self.source = source

"""Why a load is refused as a whole.

IngestError
 └── FeedRefused   a file cannot be loaded (missing required column, unreadable);
                   the load writes nothing
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class of ingest failures."""


class FeedRefused(IngestError):
    """A file of the feed cannot be loaded, so nothing of this load is kept."""

    def __init__(self, path: Path, message: str, column: str | None = None) -> None:
        self.path = path
        self.column = column
        super().__init__(f"{path}: {message}")

"""The workspace's contract results, read once and read again only when a file changes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.workspace import Workspace


class ResultsStore:
    """Result tables by name, cached by file modification time; a missing result is empty.

    Derived tables the workbench draws from (``derived``) are cached the same way.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._cache: dict[Path, tuple[float, pa.Table]] = {}
        self._lock = threading.Lock()

    def table(self, name: str) -> pa.Table | None:
        """The contract result ``name`` (``W/results``), or None when absent."""
        return self._read(self.workspace.result_path(name))

    def derived(self, name: str) -> pa.Table | None:
        """The derived table ``name`` (``W/derived``), or None when absent."""
        return self._read(self.workspace.derived_path(name))

    def _read(self, path: Path) -> pa.Table | None:
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return None
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        table = pq.read_table(path)
        with self._lock:
            self._cache[path] = (mtime, table)
        return table

    def rows(self, name: str) -> list[dict[str, Any]]:
        table = self.table(name)
        return [] if table is None else table.to_pylist()

    def version(self, *names: str) -> tuple[float, ...]:
        """Modification times of the named results (0 when absent): a change means reload."""
        stamps = []
        for name in names:
            path = self.workspace.result_path(name)
            stamps.append(path.stat().st_mtime if path.exists() else 0.0)
        return tuple(stamps)

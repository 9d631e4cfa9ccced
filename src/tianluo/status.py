"""What a workspace holds: sources loaded, rows, quarantine, results present."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow.parquet as pq

from tianluo.contract.sources import SOURCES
from tianluo.ingest.lake import load_reports
from tianluo.results.store import present_results
from tianluo.workspace import Workspace


@dataclass
class SourceStatus:
    """One source in the lake."""

    source: str
    rows: int
    loads: int
    quarantined: int
    last_loaded: str | None


@dataclass
class WorkspaceStatus:
    """A summary of a workspace for `tianluo status`."""

    root: str
    loads: int
    sources: list[SourceStatus] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)
    derived: dict[str, int] = field(default_factory=dict)


def _rows(files: list[object]) -> int:
    return sum(pq.ParquetFile(str(f)).metadata.num_rows for f in files)


def workspace_status(workspace: Workspace) -> WorkspaceStatus:
    """Count what the workspace holds, from file metadata (fast, reads no rows)."""
    reports = load_reports(workspace)
    status = WorkspaceStatus(str(workspace.root), loads=len(reports))
    for name in SOURCES:
        files = workspace.lake_files(name)
        quarantine = workspace.quarantine_files(name)
        if not files and not quarantine:
            status.absent.append(name)
            continue
        touched = [r for r in reports if any(s.source == name for s in r.sources)]
        status.sources.append(
            SourceStatus(
                source=name,
                rows=_rows(list(files)),
                loads=len({p.parent.name for p in files}),
                quarantined=_rows(list(quarantine)),
                last_loaded=touched[-1].loaded_at if touched else None,
            )
        )
    status.results = present_results(workspace)
    if workspace.derived.exists():
        for path in sorted(workspace.derived.glob("*.parquet")):
            files = [path] if path.is_file() else sorted(path.glob("*.parquet"))
            status.derived[path.stem] = _rows(list(files))
    return status

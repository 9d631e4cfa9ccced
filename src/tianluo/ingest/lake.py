"""The append-only Parquet lake: staging a load, committing it, rolling back debris.

A load is written under ``W/staging/<load_id>/`` and becomes visible only at
commit, when each source's directory is renamed into ``W/lake/<source>/`` (and
quarantine likewise) and the load's manifest ``W/loads/<load_id>.json`` is
written last. A directory in the lake without a manifest is debris of a load
that died between those steps; it is removed before the next load.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
from pathlib import Path

import duckdb

from tianluo.ingest.quarantine import BAD, GOOD
from tianluo.ingest.report import LoadReport
from tianluo.workspace import Workspace

READ_OPTIONS = "union_by_name = true, hive_partitioning = false"


def new_load_id(now: dt.datetime) -> str:
    """A sortable, unique load id such as ``20261121T224501-3fa2``."""
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def committed_loads(workspace: Workspace) -> list[str]:
    """The ids of committed loads, oldest first."""
    return sorted(p.stem for p in workspace.loads.glob("*.json"))


def load_reports(workspace: Workspace) -> list[LoadReport]:
    """The reports of every committed load, oldest first."""
    return [
        LoadReport.from_json(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(workspace.loads.glob("*.json"))
    ]


def remove_debris(workspace: Workspace) -> list[Path]:
    """Remove staging leftovers and lake partitions of loads that never committed."""
    committed = set(committed_loads(workspace))
    removed: list[Path] = []
    for base in (workspace.lake, workspace.quarantine):
        for part in base.glob("*/load=*"):
            if part.name.removeprefix("load=") not in committed:
                shutil.rmtree(part)
                removed.append(part)
    if workspace.staging.exists():
        for leftover in workspace.staging.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


def commit(workspace: Workspace, staging: Path, report: LoadReport) -> None:
    """Move a staged load into the lake and quarantine, then write its manifest (the commit)."""
    out = staging / "out"
    for source_dir in sorted(out.iterdir()) if out.exists() else []:
        for part, target in ((GOOD, workspace.lake), (BAD, workspace.quarantine)):
            files = sorted(source_dir.glob(f"{part}/*.parquet"))
            if not files:
                continue
            destination = target / source_dir.name / f"load={report.load_id}"
            destination.mkdir(parents=True)
            for number, path in enumerate(files):
                path.rename(destination / f"part-{number:05d}.parquet")
    workspace.loads.mkdir(parents=True, exist_ok=True)
    manifest = workspace.loads / f"{report.load_id}.json"
    temporary = manifest.with_suffix(".tmp")
    temporary.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), "utf-8")
    temporary.rename(manifest)
    shutil.rmtree(staging, ignore_errors=True)


def refresh_catalog(con: duckdb.DuckDBPyConnection, workspace: Workspace) -> None:
    """(Re)create one DuckDB view per loaded source, and ``quarantine``, over the lake files."""
    for source_dir in sorted(p for p in workspace.lake.glob("*") if p.is_dir()):
        if workspace.lake_files(source_dir.name):
            glob = workspace.lake_glob(source_dir.name)
            con.execute(
                f'CREATE OR REPLACE VIEW "{source_dir.name}" AS '
                f"SELECT * FROM read_parquet('{glob}', {READ_OPTIONS})"
            )
    _quarantine_view(con, workspace)


def _quarantine_view(con: duckdb.DuckDBPyConnection, workspace: Workspace) -> None:
    """Views ``loads`` (each load: feed, time) and ``quarantine``: refused rows and cleared fields.

    Lake and quarantine rows carry their load id; the feed and the time of the
    load come from its manifest.
    """
    con.execute(
        "CREATE OR REPLACE VIEW loads AS SELECT load_id, feed, CAST(loaded_at AS TIMESTAMPTZ) "
        f"AS loaded_at, seconds FROM read_json('{workspace.loads}/*.json')"
    )
    columns = (
        "{source} AS source, _file AS file, _line AS line, {field} AS field, {reason} AS reason, "
        "{severity} AS severity, _raw AS raw, _load_id AS load_id"
    )
    parts = []
    if workspace.quarantine_files():
        glob = str(workspace.quarantine / "*" / "load=*" / "*.parquet")
        refused = columns.format(
            source="regexp_extract(filename, '/([^/]+)/load=[^/]+/[^/]+$', 1)",
            field="_field",
            reason="_reason",
            severity="'row'",
        )
        parts.append(
            f"SELECT {refused} FROM read_parquet('{glob}', {READ_OPTIONS}, filename = true)"
        )
    for source_dir in sorted(p for p in workspace.lake.glob("*") if p.is_dir()):
        if workspace.lake_files(source_dir.name):
            cleared = columns.format(
                source=f"'{source_dir.name}'",
                field="split_part(r, ':', 1)",
                reason="r",
                severity="'field'",
            )
            parts.append(
                f"SELECT {cleared} FROM (SELECT *, unnest(string_split(_cleared, '; ')) AS r "
                f'FROM "{source_dir.name}" WHERE _cleared IS NOT NULL)'
            )
    if parts:
        body = " UNION ALL ".join(parts)
        con.execute(
            f"CREATE OR REPLACE VIEW quarantine AS SELECT q.*, l.loaded_at FROM ({body}) q "
            "LEFT JOIN loads l USING (load_id)"
        )

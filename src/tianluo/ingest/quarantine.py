"""Quarantine: refused rows and cleared fields, each with file, line, field and reason.

Severity ``row``: the row could not be used and is not in the lake (a bad
timestamp, a latitude of 200, a record that does not split into the header's
fields); it is kept in ``W/quarantine`` with its raw values as JSON. Severity
``field``: an optional field held a bad value; the row is in the lake with
that field empty and the original values in its ``_raw`` column. Nothing is
dropped silently: every row read is kept, quarantined or counted as a
duplicate in the load report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from tianluo.contract.sources import SourceSpec
from tianluo.ingest.readers import InvalidRecord
from tianluo.ingest.report import LoadReport, SourceReport
from tianluo.ingest.rules import literal
from tianluo.workspace import Workspace

GOOD = "good"  # the staged files of a source bound for the lake
BAD = "bad"  # and those bound for quarantine


class _Loader(Protocol):
    spec: SourceSpec
    workspace: Workspace
    report: LoadReport
    out: Path

    def _relative(self, path: Path) -> str: ...


def write_invalid_records(
    con: duckdb.DuckDBPyConnection, loader: _Loader, invalid: list[tuple[Path, InvalidRecord]]
) -> tuple[int, int]:
    """Quarantine CSV records that do not split into the header's fields.

    Returns how many were skipped as quarantined by an earlier load, and as
    repeated within this feed.
    """
    if not invalid:
        return 0, 0
    table = pa.table(
        {
            "_file": [loader._relative(p) for p, _ in invalid],
            "_line": pa.array([r.line for _, r in invalid], pa.int64()),
            "_reason": [r.reason for _, r in invalid],
            "_raw": [json.dumps({"record": r.text}, ensure_ascii=False) for _, r in invalid],
        }
    )
    existing = loader.workspace.quarantine_files(loader.spec.name)
    seen = (
        " UNION ALL ".join(
            f"SELECT _row_hash FROM read_parquet({literal(str(p))})" for p in existing
        )
        or "SELECT CAST(NULL AS BIGINT) AS _row_hash WHERE FALSE"
    )
    target = loader.out / BAD
    target.mkdir(parents=True, exist_ok=True)
    con.register("_invalid", table)
    try:
        con.execute(
            f"""COPY (
                SELECT _file, _line, h AS _row_hash, _reason AS _errors,
                       NULL::VARCHAR AS _cleared, _raw, NULL::VARCHAR AS _field, _reason,
                       {literal(loader.report.load_id)} AS _load_id
                FROM (SELECT *, CAST(hash(_raw) & 9223372036854775807 AS BIGINT) AS h
                      FROM _invalid)
                WHERE h NOT IN ({seen})
                QUALIFY row_number() OVER (PARTITION BY h ORDER BY _line) = 1
            ) TO {literal(str(target / "invalid.parquet"))} (FORMAT parquet)"""
        )
        counts = con.execute(
            f"""SELECT count(*) FILTER (WHERE seen),
                       count(*) FILTER (WHERE NOT seen) - count(DISTINCT h) FILTER (WHERE NOT seen)
                FROM (SELECT h, h IN (SELECT _row_hash FROM ({seen})) AS seen
                      FROM (SELECT CAST(hash(_raw) & 9223372036854775807 AS BIGINT) AS h
                            FROM _invalid))"""
        ).fetchone()
        assert counts is not None
        return int(counts[0]), int(counts[1])
    finally:
        con.unregister("_invalid")


def _files(out: Path, part: str) -> str | None:
    files = sorted(out.glob(f"{part}/*.parquet"))
    if not files:
        return None
    return "read_parquet([" + ", ".join(literal(str(f)) for f in files) + "], union_by_name = true)"


def count_source(con: duckdb.DuckDBPyConnection, out: Path, result: SourceReport) -> None:
    """Fill the report of a staged source: kept, quarantined by reason, fields cleared."""
    good = _files(out, GOOD)
    if good:
        row = con.execute(f"SELECT count(*) FROM {good}").fetchone()
        result.rows_kept = int(row[0]) if row else 0
        for reason, n in con.execute(
            "SELECT reason, count(*) FROM (SELECT unnest(string_split(_cleared, '; ')) AS reason "
            f"FROM {good} WHERE _cleared IS NOT NULL) GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall():
            result.fields_cleared[str(reason)] = int(n)
    bad = _files(out, BAD)
    if bad:
        for reason, n in con.execute(
            f"SELECT _reason, count(*) FROM {bad} GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall():
            result.quarantined[str(reason)] = int(n)
        result.examples = [
            f"{file} line {line if line is not None else '?'}"
            + (f", field {reason}" if field else f": {reason}")
            + f" ({raw})"
            for file, line, field, reason, raw in con.execute(
                f"SELECT _file, _line, _field, _reason, _raw FROM {bad} "
                "ORDER BY _file, _line NULLS LAST LIMIT 5"
            ).fetchall()
        ]
    # rows that were neither kept, quarantined nor skipped as duplicates would be lost rows
    accounted = (
        result.rows_kept
        + result.rows_quarantined
        + result.duplicates_in_feed
        + result.duplicates_already_loaded
    )
    if accounted != result.rows_read:
        raise RuntimeError(
            f"{result.source}: {result.rows_read} rows read but {accounted} accounted for"
        )

"""A person's profile and timeline: what the results say of them, and their records in the lake."""

from __future__ import annotations

from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.db.models import Alert, WatchEntry
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

OPTIONAL_COLUMNS = {"access_events": ("direction",)}
"""Columns a feed may lack that the timeline mentions: read as empty when absent."""

TIMELINE_SOURCES: dict[str, tuple[str, str, str]] = {
    # source: (column naming the person, time column, what the event says)
    "seizures": ("id_number", "seized_at", "'seized: ' || coalesce(disposition, '')"),
    "rentals": ("tenant_id_number", "start_date", "'rented: ' || coalesce(address, '')"),
    "access_events": ("id_number", "ts", "'gate ' || coalesce(direction, '') || ' at ' || site_id"),
    "bookings": ("id_number", "ts", "kind || ': ' || coalesce(place, '')"),
    "phones": ("id_number", "activated_at", "'phone activated: ' || phone"),
    "accounts": ("holder_id_number", "opened_at", "'account opened: ' || account_id"),
}


def timeline(workspace: Workspace, person: str) -> list[dict[str, Any]]:
    """Every dated record naming the person in the lake, oldest first."""
    events: list[dict[str, Any]] = []
    with duckdb.connect() as con:
        for source, (column, time_column, what) in TIMELINE_SOURCES.items():
            files = [str(f) for f in workspace.lake_files(source)]
            if not files:
                continue
            scan = _with_optional(con, source, files)
            rows = con.execute(
                f"SELECT {time_column}::VARCHAR, {what} "
                f"FROM ({scan}) WHERE {column} = ? ORDER BY 1",
                [files, person],
            ).fetchall()
            events += [{"at": at, "source": source, "what": text} for at, text in rows]
    return sorted(events, key=lambda e: e["at"] or "")


def _with_optional(con: duckdb.DuckDBPyConnection, source: str, files: list[str]) -> str:
    """A query of the source's files with its absent optional columns read as NULL."""
    scan = "SELECT * FROM read_parquet(?, union_by_name=true)"
    present = {d[0] for d in con.execute(f"{scan} LIMIT 0", [files]).description}
    absent = [c for c in OPTIONAL_COLUMNS.get(source, ()) if c not in present]
    return scan.replace("*", "*" + "".join(f", NULL::VARCHAR AS {c}" for c in absent), 1)


def profile(
    session: Session, results: ResultsStore, workspace: Workspace, person: str, masker: Masker
) -> dict[str, Any]:
    suspect = next((r for r in results.rows("suspects") if r["id_number"] == person), None)
    memberships = [r for r in results.rows("organizations") if r["id_number"] == person]
    number = next((r for r in results.rows("fraud_numbers") if r["phone"] == person), None)
    alerts = session.scalars(sa.select(Alert).where(Alert.subject == person)).all()
    watch = session.scalars(
        sa.select(WatchEntry).where(
            WatchEntry.status == "active",
            sa.or_(WatchEntry.id_number == person, WatchEntry.phone == person),
        )
    ).all()
    return {
        "person": masker.value(person),
        "ref": masker.ref(person),
        "suspect": None
        if suspect is None
        else {"score": suspect["score"], "reasons": masker.text(suspect["reasons"])},
        "fraud_number": None
        if number is None
        else {"score": number["score"], "reasons": masker.text(number["reasons"])},
        "organizations": [
            {
                "org_id": m["org_id"],
                "level": m["level"],
                "role": m["role"],
                "upline": masker.value(m["upline_id_number"] or ""),
            }
            for m in memberships
        ],
        "alerts": [
            {"id": a.id, "kind": a.kind, "score": a.score, "status": a.status} for a in alerts
        ],
        "watch_lists": [
            {"list_name": w.list_name, "risk": w.risk, "reason": masker.text(w.reason)}
            for w in watch
        ],
        "timeline": [{**e, "what": masker.text(e["what"])} for e in timeline(workspace, person)],
    }

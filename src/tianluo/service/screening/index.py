"""An in-memory index of suspects, fraud numbers and active watch-list entries.

Built from the results and the database, swapped whole when either changes (checked every
few seconds by a background thread), so that a screening check is a few dictionary look-ups.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.db.engine import read_only
from tianluo.service.db.models import WatchEntry

SOURCES = ("suspects", "fraud_numbers", "organizations")


@dataclass(frozen=True, slots=True)
class Hit:
    """One reason a person is of interest."""

    source: str  # watchlist:<name> | suspects | fraud_numbers | organizations
    matched_on: str  # id_number | phone | name
    risk: str  # high | medium | low
    reason: str
    score: float | None = None


@dataclass(slots=True)
class Snapshot:
    by_id_number: dict[str, list[Hit]] = field(default_factory=dict)
    by_phone: dict[str, list[Hit]] = field(default_factory=dict)
    by_name: dict[str, list[Hit]] = field(default_factory=dict)

    def add(self, table: dict[str, list[Hit]], key: str | None, hit: Hit) -> None:
        if key:
            table.setdefault(key, []).append(hit)


def score_risk(score: float) -> str:
    return "high" if score >= 0.8 else "medium" if score >= 0.5 else "low"


def build_snapshot(results: ResultsStore, session: Session) -> Snapshot:
    snap = Snapshot()
    for row in results.rows("suspects"):
        score = float(row["score"])
        hit = Hit("suspects", "id_number", score_risk(score), str(row["reasons"]), score)
        snap.add(snap.by_id_number, row["id_number"], hit)
    for row in results.rows("fraud_numbers"):
        score = float(row["score"])
        hit = Hit("fraud_numbers", "phone", score_risk(score), str(row["reasons"]), score)
        snap.add(snap.by_phone, row["phone"], hit)
    for row in results.rows("organizations"):
        reason = f"{row['role']} at level {row['level']} of organisation {row['org_id']}"
        risk = "high" if row["role"] in ("organizer", "leader") else "medium"
        snap.add(
            snap.by_id_number, row["id_number"], Hit("organizations", "id_number", risk, reason)
        )
    entries = session.scalars(sa.select(WatchEntry).where(WatchEntry.status == "active")).all()
    for entry in entries:
        source = f"watchlist:{entry.list_name}"
        snap.add(
            snap.by_id_number, entry.id_number, Hit(source, "id_number", entry.risk, entry.reason)
        )
        snap.add(snap.by_phone, entry.phone, Hit(source, "phone", entry.risk, entry.reason))
        # A name alone is weak evidence: never more than medium risk.
        name_risk = "medium" if entry.risk == "high" else "low"
        snap.add(snap.by_name, entry.name, Hit(source, "name", name_risk, entry.reason))
    return snap


def watch_version(session: Session) -> tuple[object, ...]:
    row = session.execute(
        sa.select(sa.func.count(WatchEntry.id), sa.func.max(WatchEntry.updated_at))
    ).one()
    return tuple(row)


class ScreeningIndex:
    """The current snapshot, kept fresh by a background thread."""

    def __init__(
        self, results: ResultsStore, sessions: sessionmaker[Session], refresh_seconds: float
    ) -> None:
        self._results = results
        self._sessions = sessions
        self._refresh_seconds = refresh_seconds
        self._snapshot = Snapshot()
        self._version: tuple[object, ...] = ()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild if the results or the watch lists changed; returns whether it did."""
        with self._sessions() as session:
            read_only(session)  # every few seconds, beside the screening checks' commits
            version = (*self._results.version(*SOURCES), *watch_version(session))
            if not force and version == self._version:
                return False
            self._snapshot = build_snapshot(self._results, session)
            self._version = version
        gc.freeze()  # the new snapshot is long-lived too (see create_app's lifespan)
        return True

    def start(self) -> None:
        self.refresh(force=True)
        self._thread = threading.Thread(target=self._run, name="screening-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._refresh_seconds):
            try:
                self.refresh()
            except Exception:
                continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

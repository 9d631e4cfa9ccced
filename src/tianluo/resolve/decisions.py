"""Analysts' decisions: two records are one person (join) or are not (split).

Decisions are kept in ``W/resolve/decisions.jsonl``, one JSON object a line, never
rewritten: the latest decision about a pair of records is the one in force. Every
run applies them after scoring (``cluster.cluster_nodes``), so a decision survives
new loads and retraining until an analyst reverses it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from tianluo.workspace import Workspace


class Action(StrEnum):
    """What an analyst decided about two records."""

    JOIN = "join"
    SPLIT = "split"


@dataclass(frozen=True, slots=True, order=True)
class RecordRef:
    """One record of a source, written ``source:record_id`` (``phones:13800138000``)."""

    source: str
    record_id: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        source, sep, record_id = text.partition(":")
        if not sep or not source or not record_id:
            raise ValueError(f"{text!r} is not a record: write it as source:record_id")
        return cls(source.strip(), record_id.strip())

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id}"


@dataclass(frozen=True, slots=True)
class Decision:
    """One analyst's decision about two records, with who made it, when and why."""

    action: Action
    first: RecordRef
    second: RecordRef
    analyst: str
    decided_at: str
    note: str = ""


def decisions_path(workspace: Workspace) -> Path:
    """Where a workspace keeps its analysts' decisions."""
    return workspace.root / "resolve" / "decisions.jsonl"


def record_decision(
    workspace: Workspace,
    action: Action,
    first: RecordRef,
    second: RecordRef,
    *,
    analyst: str = "",
    note: str = "",
) -> Decision:
    """Keep a decision; it applies from the next run of ``tianluo run`` on."""
    if first == second:
        raise ValueError("a decision needs two different records")
    decision = Decision(
        action, first, second, analyst, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), note
    )
    path = decisions_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    row = asdict(decision) | {"first": str(first), "second": str(second)}
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return decision


def load_decisions(workspace: Workspace) -> list[Decision]:
    """Every decision kept, oldest first."""
    path = decisions_path(workspace)
    if not path.exists():
        return []
    decisions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        decisions.append(
            Decision(
                Action(row["action"]),
                RecordRef.parse(row["first"]),
                RecordRef.parse(row["second"]),
                row.get("analyst", ""),
                row.get("decided_at", ""),
                row.get("note", ""),
            )
        )
    return decisions


def decisions_in_force(decisions: list[Decision]) -> list[Decision]:
    """The latest decision about each pair of records."""
    latest: dict[tuple[RecordRef, RecordRef], Decision] = {}
    for decision in decisions:
        pair = (min(decision.first, decision.second), max(decision.first, decision.second))
        latest[pair] = decision
    return list(latest.values())

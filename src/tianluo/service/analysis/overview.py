"""The key figures of the results and the bars of the participants' charts, for the overview.

Counted on the cached Arrow tables (``ResultsStore``), never row by row: the mule-account
result of a city can hold tens of thousands of scored accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow.compute as pc

from tianluo.service.analysis.results import ResultsStore

LIKELY = 0.5
"""A score at or above the middle of [0, 1] counts as likely (a suspect, a fraud number, a
mule account); the results also hold the lower scores, which are not leads."""


@dataclass(frozen=True, slots=True)
class Scored:
    """A scored result: how many rows, and how many at or above ``LIKELY``."""

    scored: int
    likely: int


@dataclass(frozen=True, slots=True)
class KeyFigures:
    suspects: Scored
    participants: int  # persons counted in ``participant_stats`` (the rules' participants)
    dens: int
    organizations: int
    criminal_organizations: int  # meeting the criminal threshold (members and levels)
    organized_members: int
    fraud_numbers: Scored
    mule_accounts: Scored
    traced_transfers: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a ``participant_stats`` chart; ``key`` is ``""`` for the unknown bar."""

    key: str
    label: str
    persons: int
    share: float


def _rows(results: ResultsStore, name: str) -> int:
    table = results.table(name)
    return 0 if table is None else table.num_rows


def _scored(results: ResultsStore, name: str) -> Scored:
    table = results.table(name)
    if table is None or table.num_rows == 0:
        return Scored(0, 0)
    likely = pc.sum(pc.greater_equal(table["score"], LIKELY)).as_py() or 0
    return Scored(table.num_rows, int(likely))


def _distinct(results: ResultsStore, name: str, column: str) -> int:
    table = results.table(name)
    return 0 if table is None or table.num_rows == 0 else len(pc.unique(table[column]))


def key_figures(results: ResultsStore) -> KeyFigures:
    """What the results found, in numbers."""
    summary = results.table("org_summary")
    criminal = members = 0
    if summary is not None and summary.num_rows:
        criminal = int(pc.sum(summary["meets_criminal_threshold"].cast("int64")).as_py() or 0)
        members = int(pc.sum(summary["members"]).as_py() or 0)
    return KeyFigures(
        suspects=_scored(results, "suspects"),
        participants=sum(b.persons for b in bars(results, "origin_province")),
        dens=_rows(results, "dens"),
        organizations=_rows(results, "org_summary"),
        criminal_organizations=criminal,
        organized_members=members,
        fraud_numbers=_scored(results, "fraud_numbers"),
        mule_accounts=_scored(results, "mule_accounts"),
        traced_transfers=_distinct(results, "traces", "txn_id"),
    )


def bars(results: ResultsStore, dimension: str) -> list[Bar]:
    """The bars of one chart of ``participant_stats``, in the result's order."""
    table = results.table("participant_stats")
    if table is None:
        return []
    rows = table.filter(pc.equal(table["dimension"], dimension)).to_pylist()
    return [
        Bar(r["key"] or "", r["label"] or "", int(r["persons"]), float(r["share"])) for r in rows
    ]


def as_of(results: ResultsStore) -> dt.date | None:
    """The last day the participants' statistics cover."""
    table = results.table("participant_stats")
    if table is None or table.num_rows == 0 or "as_of" not in table.column_names:
        return None
    day = table["as_of"][0].as_py()
    return day if isinstance(day, dt.date) else None

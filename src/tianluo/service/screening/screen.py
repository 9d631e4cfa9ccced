"""Screen one person (identity number, phone, name) for a caller with a stated purpose."""

from __future__ import annotations

import itertools
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tianluo.service.auth.principal import Principal
from tianluo.service.db.base import utcnow
from tianluo.service.screening.index import Hit, Snapshot

RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}

# Check ids: a random prefix per process and a counter, unique across workers without a
# system call per check (os.urandom releases the GIL, which costs a switch under load).
_PREFIX = f"{secrets.token_hex(5)}{os.getpid() % 65536:04x}"
_COUNTER = itertools.count(1)


def new_check_id() -> str:
    return f"{_PREFIX}{next(_COUNTER):018x}"


class Purpose(StrEnum):
    RENTAL = "rental"  # rental registration
    GATE = "gate"
    HOTEL = "hotel"
    FLIGHT = "flight"
    TRAIN = "train"


@dataclass(frozen=True, slots=True)
class Query:
    purpose: Purpose
    id_number: str | None = None
    phone: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    check_id: str
    risk: str
    hits: list[Hit]
    reason: str


def explain(hits: list[Hit]) -> str:
    """The reason given with an answer: each hit's source, what matched, and why."""
    if not hits:
        return "not on any watch list and not a suspect"
    return "; ".join(f"{h.source} ({h.matched_on}): {h.reason}" for h in hits)


def screen(snapshot: Snapshot, query: Query) -> Answer:
    """The hits for the query's identifiers; the risk is the highest of theirs."""
    hits: list[Hit] = []
    if query.id_number:
        hits += snapshot.by_id_number.get(query.id_number, [])
    if query.phone:
        hits += snapshot.by_phone.get(query.phone, [])
    if query.name:
        hits += snapshot.by_name.get(query.name, [])
    risk = max((h.risk for h in hits), key=RISK_ORDER.__getitem__, default="none")
    return Answer(new_check_id(), risk, hits, explain(hits))


def check_row(query: Query, answer: Answer, principal: Principal) -> dict[str, Any]:
    """The record kept of one check."""
    return {
        "id": answer.check_id,
        "at": utcnow(),
        "user_id": principal.user_id,
        "agency_id": principal.agency_id,
        "purpose": query.purpose.value,
        "id_number": query.id_number,
        "phone": query.phone,
        "name": query.name,
        "risk": answer.risk,
        "hits": len(answer.hits),
        "reason": answer.reason[:2000],
    }

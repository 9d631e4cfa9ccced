"""How much work waits on an agency: its alerts by kind and state, new alerts per week, and
its open cases by kind."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.auth.principal import Principal
from tianluo.service.db.models import Alert, Case

WAITING = ("open", "assigned", "snoozed")
"""An alert in one of these states still waits for a decision (not dismissed nor escalated)."""
LOCAL = ZoneInfo("Asia/Shanghai")


def alerts_by_kind(session: Session, principal: Principal) -> dict[str, Counter[str]]:
    """The agency's alerts: ``{kind: {status: count}}``."""
    rows = session.execute(
        sa.select(Alert.kind, Alert.status, sa.func.count())
        .where(Alert.agency_kind == principal.agency_kind.value)
        .group_by(Alert.kind, Alert.status)
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, status, n in rows:
        counts[kind][status] += n
    return dict(counts)


def waiting(counts: dict[str, Counter[str]]) -> int:
    """How many alerts of ``alerts_by_kind`` still wait for a decision."""
    return sum(c[s] for c in counts.values() for s in WAITING)


def week_of(moment: dt.datetime) -> str:
    """The Monday (local time) starting the week of ``moment``, as YYYY-MM-DD."""
    day = moment.astimezone(LOCAL).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def alerts_per_week(session: Session, principal: Principal) -> dict[str, Counter[str]]:
    """The agency's alerts by the week their evidence was last seen: ``{monday: {kind: n}}``,
    oldest week first; alerts without a time are left out."""
    rows = session.execute(
        sa.select(Alert.kind, Alert.created_at).where(
            Alert.agency_kind == principal.agency_kind.value, Alert.created_at.is_not(None)
        )
    )
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, created in rows:
        if created is not None:
            weeks[week_of(created)][kind] += 1
    return dict(sorted(weeks.items()))


def open_cases_by_kind(session: Session, principal: Principal) -> Counter[str]:
    """The agency's own open cases by kind (pyramid, fraud, other)."""
    rows = session.execute(
        sa.select(Case.kind, sa.func.count())
        .where(Case.agency_id == principal.agency_id, Case.status == "open")
        .group_by(Case.kind)
    )
    return Counter({str(kind): int(n) for kind, n in rows})


def open_cases(session: Session, principal: Principal) -> int:
    """How many cases of the agency's own are open."""
    query = sa.select(sa.func.count()).where(
        Case.agency_id == principal.agency_id, Case.status == "open"
    )
    return session.scalar(query) or 0

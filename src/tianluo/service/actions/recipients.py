"""Who may receive an action of each kind, and which bank holds a traced account."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.actions.kinds import KINDS, ActionKind
from tianluo.service.db.models import Agency


def recipients(session: Session, kind: ActionKind, sender_agency_id: int) -> list[Agency]:
    """The agencies an action of ``kind`` may go to (never the sender), by name."""
    kinds = [k.value for k in KINDS[kind].recipients]
    query = (
        sa.select(Agency)
        .where(Agency.kind.in_(kinds), Agency.id != sender_agency_id)
        .order_by(Agency.name)
    )
    return list(session.scalars(query))


def bank_agency(bank: str | None, banks: list[Agency]) -> Agency | None:
    """The bank agency to ask about an account of ``bank`` (the lake's bank name).

    The agency whose name contains the bank's name (``中国工商银行南宁分行`` for
    ``中国工商银行``); failing that, the only bank agency when there is just one; else none,
    and the analyst chooses.
    """
    if bank:
        named = [a for a in banks if bank in a.name]
        if named:
            return named[0]
    return banks[0] if len(banks) == 1 else None

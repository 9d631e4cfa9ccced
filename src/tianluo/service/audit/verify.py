"""Check the audit chain end to end: every hash, every link, no gap, and the head."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.audit.chain import HASHED_FIELDS, entry_hash
from tianluo.service.db.models import AuditEntry, AuditHead


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    entries: int
    problem: str = ""
    seq: int | None = None  # the first entry found wrong


def verify_chain(session: Session, *, batch: int = 5000) -> Verdict:
    """Whether the audit log is exactly as written; names the first entry that is not."""
    head = session.get(AuditHead, 1)
    if head is None:
        return Verdict(False, 0, "the audit head is missing")
    prev_hash = "0" * 64
    expected_seq = 1
    last = 0
    while True:
        rows = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        for entry in rows:
            problem = _check(entry, expected_seq, prev_hash)
            if problem:
                return Verdict(False, expected_seq - 1, problem, entry.seq)
            prev_hash = entry.hash
            expected_seq += 1
        if len(rows) < batch:
            break
        last = rows[-1].seq
    count = expected_seq - 1
    if head.seq != count or head.hash != prev_hash:
        return Verdict(
            False, count, f"the head names entry {head.seq} but the chain ends at {count}", count
        )
    return Verdict(True, count)


def _check(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing"
    if entry.prev_hash != prev_hash:
        return f"entry {entry.seq} does not link to the entry before it"
    recomputed = entry_hash(prev_hash, {name: getattr(entry, name) for name in HASHED_FIELDS})
    if recomputed != entry.hash:
        return f"entry {entry.seq} was changed after it was written"
    return ""

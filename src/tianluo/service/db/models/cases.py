"""Cases: what an agency investigates, what it holds, who it is shared with."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tianluo.service.db.base import Base, UtcDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(16), default="other", server_default="other")
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open | closed
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseShare(Base):
    __tablename__ = "case_shares"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    shared_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    shared_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseItem(Base):
    """Something a case holds: an alert, a person, an organisation, an account or a phone."""

    __tablename__ = "case_items"
    __table_args__ = (sa.UniqueConstraint("case_id", "kind", "value", name="uq_case_items_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[str] = mapped_column(sa.String(200))
    added_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text)


class CaseFile(Base):
    """A file attached to a case; its bytes are kept in the workspace under their SHA-256."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

"""Watch lists (additions approved by a second person) and the record of every screening check."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tianluo.service.db.base import Base, UtcDateTime, utcnow


class WatchEntry(Base):
    __tablename__ = "watch_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(11), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    risk: Mapped[str] = mapped_column(sa.String(8))  # high | medium | low
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    proposed_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ScreenCheck(Base):
    """One screening check: who asked, why, about whom, and the answer given."""

    __tablename__ = "screen_checks"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    user_id: Mapped[int] = mapped_column()
    agency_id: Mapped[int] = mapped_column()
    purpose: Mapped[str] = mapped_column(sa.String(16))
    id_number: Mapped[str | None] = mapped_column(sa.String(18))
    phone: Mapped[str | None] = mapped_column(sa.String(11))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    risk: Mapped[str] = mapped_column(sa.String(8))
    hits: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.Text, default="")

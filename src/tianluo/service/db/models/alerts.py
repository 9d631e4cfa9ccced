"""The analysts' queue: one row per alert of the detectors, with its state in the queue."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tianluo.service.db.base import Base, UtcDateTime, utcnow


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    score: Mapped[float] = mapped_column(sa.Float)
    created_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    agency_kind: Mapped[str] = mapped_column(sa.String(32), index=True)  # whose queue it is in
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    snoozed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    dismiss_reason: Mapped[str | None] = mapped_column(sa.Text)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    in_results: Mapped[bool] = mapped_column(default=True)  # still in the latest results
    loaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

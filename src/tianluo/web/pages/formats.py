"""How the case-work pages write times, money and durations (Jinja filters).

Times are shown in the city's local time (Asia/Shanghai, as the contract reads them);
money in yuan with two decimals; a clock's seconds as days, hours, minutes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tianluo.web.templating import TEMPLATES

LOCAL = ZoneInfo("Asia/Shanghai")


def local_time(value: dt.datetime | None, seconds: bool = False) -> str:
    """``2026-03-06 16:41`` in local time; empty for no time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def yuan(value: float | None) -> str:
    """``12,345.60``; empty for no amount."""
    return "" if value is None else f"{value:,.2f}"


def duration(seconds: float | None) -> str:
    """``2d 3h``, ``3h 12m``, ``4m 05s``, ``12s``; empty for no duration."""
    if seconds is None:
        return ""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{seconds:.0f}s" if seconds >= 1 else f"{seconds:.1f}s"


def parse_local(value: str | None, *, end_of_day: bool = False) -> dt.datetime | None:
    """A date (``2026-03-06``) or ``datetime-local`` input in local time, as UTC; None if blank.

    Raises ValueError for text that is not a date; ``end_of_day`` makes a bare date an
    exclusive upper bound (the next midnight).
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    parsed = dt.datetime.fromisoformat(text)
    if end_of_day and len(text) == 10:
        parsed += dt.timedelta(days=1)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL)
    return parsed.astimezone(dt.UTC)


TEMPLATES.env.filters.update(local_time=local_time, yuan=yuan, duration=duration)

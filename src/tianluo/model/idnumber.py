"""Chinese resident identity numbers (GB 11643-1999).

An 18-character number is a 6-digit region code (GB/T 2260), an 8-digit birth
date, a 3-digit sequence whose last digit is odd for men, and an ISO 7064
MOD 11-2 check character. Legacy 15-digit numbers omit the century and the
check character; a valid one converts to 18 characters by inserting ``19``.

The same rules are expressed in SQL by ``tianluo.ingest.rules`` for bulk loads;
the tests hold the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class IdStatus(StrEnum):
    """What a feed's identity number turned out to be."""

    VALID = "valid"
    LEGACY = "legacy"  # a valid 15-digit number, converted to 18
    INVALID = "invalid"  # present but not a valid number (mistyped, wrong check, bad date)
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A parsed identity number: the normalised form and what it implies."""

    raw: str | None
    number: str | None  # the 18-character form if valid, else the cleaned raw text
    status: IdStatus
    birth_date: dt.date | None = None
    sex: str | None = None  # "M" or "F"

    @property
    def region_code(self) -> str | None:
        return (
            self.number[:6]
            if self.status in (IdStatus.VALID, IdStatus.LEGACY) and self.number
            else None
        )

    @property
    def province_code(self) -> str | None:
        code = self.region_code
        return code[:2] + "0000" if code else None


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth_date(yyyymmdd: str, today: dt.date) -> dt.date | None:
    try:
        born = dt.datetime.strptime(yyyymmdd, "%Y%m%d").date()
    except ValueError:
        return None
    return born if EARLIEST_BIRTH <= born <= today else None


def clean(raw: str | None) -> str | None:
    """Strip spaces and upper-case a trailing x; None for empty input."""
    if raw is None:
        return None
    text = "".join(str(raw).split()).upper()
    return text or None


def parse(raw: str | None, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise one identity number."""
    today = today or dt.date.today()
    text = clean(raw)
    if text is None:
        return IdNumber(raw, None, IdStatus.MISSING)
    if len(text) == 15 and text.isdigit():
        born = _birth_date("19" + text[6:12], today)
        if born is None:
            return IdNumber(raw, text, IdStatus.INVALID)
        body = text[:6] + "19" + text[6:]
        number = body + check_char(body)
        return IdNumber(raw, number, IdStatus.LEGACY, born, _sex(number))
    if len(text) == 18 and text[:17].isdigit() and text[17] in "0123456789X":
        born = _birth_date(text[6:14], today)
        if born is None or check_char(text[:17]) != text[17]:
            return IdNumber(raw, text, IdStatus.INVALID)
        return IdNumber(raw, text, IdStatus.VALID, born, _sex(text))
    return IdNumber(raw, text, IdStatus.INVALID)


def _sex(number18: str) -> str:
    return "M" if int(number18[16]) % 2 == 1 else "F"


def make(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid 18-character number (used by the simulator and tests)."""
    if not (len(region_code) == 6 and region_code.isdigit() and 0 <= sequence <= 999):
        raise ValueError(f"bad region code or sequence: {region_code!r}, {sequence}")
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def to_legacy(number18: str) -> str:
    """The 15-digit legacy form of a valid number born in the 1900s."""
    if number18[6:8] != "19":
        raise ValueError("only numbers of people born 1900-1999 have a legacy form")
    return number18[:6] + number18[8:17]

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

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

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


def statuses(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The status (valid, legacy, invalid, missing) of many cleaned numbers at once.

    The vectorised twin of ``parse`` for bulk loads: numpy over the bytes of
    the candidates that have the right shape. Input values are upper-cased
    text without spaces, or null.
    """
    if isinstance(values, pa.ChunkedArray):  # DuckDB hands its vectors over chunked
        values = values.combine_chunks()
    n = len(values)
    out = np.full(n, IdStatus.INVALID.value, dtype=object)
    text = values.cast(pa.string())
    missing = np.asarray(pc.fill_null(pc.equal(pc.utf8_length(text), 0), True))
    out[missing] = IdStatus.MISSING.value
    today = dt.date.today()
    for width, pattern, status in (
        (18, "^[0-9]{17}[0-9X]$", IdStatus.VALID),
        (15, "^[0-9]{15}$", IdStatus.LEGACY),
    ):
        shaped = np.asarray(pc.fill_null(pc.match_substring_regex(text, pattern), False))
        if not shaped.any():
            continue
        rows = np.flatnonzero(shaped)
        chars = _char_matrix(text.filter(pa.array(shaped)), width)
        digits = chars[:, : min(width, 17)].astype(np.int64) - 48
        if width == 18:
            years, born = digits[:, 6:10] @ (1000, 100, 10, 1), digits[:, 10:14]
            check = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)[
                (digits @ np.array(WEIGHTS)) % 11
            ]
            ok = check == chars[:, 17]
        else:
            years, born = 1900 + digits[:, 6:8] @ (10, 1), digits[:, 8:12]
            ok = np.ones(len(rows), dtype=bool)
        months, days = born[:, 0:2] @ (10, 1), born[:, 2:4] @ (10, 1)
        ok &= _real_dates(years, months, days, today)
        out[rows[ok]] = status.value
    return pa.array(out, pa.string())


def _char_matrix(strings: pa.Array, width: int) -> npt.NDArray[np.uint8]:
    """The bytes of equal-width ASCII strings as a (rows, width) matrix."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(len(strings), width)


def _real_dates(
    years: npt.NDArray[np.int64],
    months: npt.NDArray[np.int64],
    days: npt.NDArray[np.int64],
    today: dt.date,
) -> npt.NDArray[np.bool_]:
    """Whether each (year, month, day) is a real date from 1900-01-01 up to today."""
    leap = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[
        np.clip(months, 0, 12)
    ] + ((months == 2) & leap)
    ordinal = years * 10000 + months * 100 + days
    latest = today.year * 10000 + today.month * 100 + today.day
    real: npt.NDArray[np.bool_] = (
        (months >= 1)
        & (months <= 12)
        & (days >= 1)
        & (days <= month_days)
        & (years >= EARLIEST_BIRTH.year)
        & (ordinal <= latest)
    )
    return real

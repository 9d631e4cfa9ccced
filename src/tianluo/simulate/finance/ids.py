"""Identifiers made in bulk: mobiles, handset IMEIs, card numbers, identity numbers, credit codes.

Everything is vectorised; an identifier is built from integers and formatted
once by Arrow, never one Python string per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.model.idnumber import CHECK_CHARS, WEIGHTS

# Mobile prefixes (three digits) per carrier; 170/171 are virtual operators (转售商).
CARRIER_PREFIXES: dict[str, tuple[int, ...]] = {
    "中国移动": (
        134,
        135,
        136,
        137,
        138,
        139,
        147,
        150,
        151,
        152,
        157,
        158,
        159,
        182,
        187,
        188,
        198,
    ),
    "中国联通": (130, 131, 132, 155, 156, 166, 175, 176, 185, 186),
    "中国电信": (133, 153, 173, 177, 180, 181, 189, 199),
    "虚拟运营商": (170, 171),
}
# Type allocation codes (first 8 IMEI digits) of handsets common in China.
TACS = (86012345, 86369504, 86782803, 86497203, 35391110, 86891004, 86118505, 35880811, 86753604)


def carriers_of(numbers: np.ndarray) -> np.ndarray:
    """The carrier of each 11-digit mobile (as int64), from its prefix."""
    prefix = np.asarray(numbers, dtype=np.int64) // 10**8
    out = np.full(len(prefix), "中国移动", dtype=object)
    for carrier, prefixes in CARRIER_PREFIXES.items():
        out[np.isin(prefix, prefixes)] = carrier
    return out


def new_mobiles(
    n: int, rng: np.random.Generator, taken: np.ndarray, prefixes: tuple[int, ...]
) -> np.ndarray:
    """``n`` distinct mobiles (int64) with the given prefixes, none of them in ``taken``."""
    taken = np.asarray(taken, dtype=np.int64)
    found = np.empty(0, dtype=np.int64)
    while len(found) < n:
        want = int((n - len(found)) * 1.2) + 16
        cand = np.asarray(rng.choice(prefixes, want), dtype=np.int64) * 10**8 + rng.integers(
            0, 10**8, want
        )
        cand = np.unique(cand)
        cand = cand[~np.isin(cand, taken) & ~np.isin(cand, found)]
        found = np.concatenate([found, rng.permutation(cand)])
    return found[:n]


def as_text(values: np.ndarray, width: int = 0, prefix: str = "") -> pa.Array:
    """Integers as zero-padded text with a prefix (``as_text([7], 4, "TX")`` -> ``"TX0007"``)."""
    text = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    if prefix:
        text = pc.binary_join_element_wise(prefix, text, "")
    return text


def luhn_digit(body: np.ndarray, digits: int) -> np.ndarray:
    """The Luhn check digit of each ``digits``-digit integer in ``body``."""
    body = np.asarray(body, dtype=np.int64)
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    for pos in range(digits):  # pos 0 is the rightmost digit of the body, which is doubled
        d = rest % 10
        rest //= 10
        if pos % 2 == 0:
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += d
    return np.asarray((10 - total % 10) % 10)


def imeis(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct 15-digit IMEIs (int64) with real-looking type codes and a Luhn digit."""
    body = np.empty(0, dtype=np.int64)
    while len(body) < n:
        m = n - len(body) + 16
        extra = np.asarray(rng.choice(TACS, m), dtype=np.int64) * 10**6 + rng.integers(0, 10**6, m)
        body = np.unique(np.concatenate([body, extra]))
    body = rng.permutation(body)[:n]
    return np.asarray(body * 10 + luhn_digit(body, 14))


def scramble(serial: np.ndarray, modulus: int) -> np.ndarray:
    """A bijection of ``0..modulus-1`` that makes sequential serials look unordered."""
    mult = 7_919_113_337 % modulus or 1
    return np.asarray((np.asarray(serial, dtype=np.int64) * mult + 104_729) % modulus)


def identity_numbers(region: np.ndarray, birth: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    """Valid 18-character identity numbers from 6-digit region codes, birth dates, sequences."""
    born = np.asarray(birth).astype("datetime64[D]")
    ymd = np.char.replace(np.datetime_as_string(born, unit="D"), "-", "")
    body = np.char.add(
        np.char.add(np.asarray(region, dtype=str), ymd),
        np.char.zfill(np.asarray(sequence, dtype=np.int64).astype(str), 3),
    )
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
    total = (digits.astype(np.int64) * np.array(WEIGHTS)).sum(axis=1)
    check = np.array(list(CHECK_CHARS))[total % 11]
    return np.asarray(np.char.add(body, check), dtype=object)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_codes(n: int, rng: np.random.Generator, region: str = "450100") -> list[str]:
    """``n`` unified social credit codes (统一社会信用代码, GB 32100) with valid check chars."""
    codes: list[str] = []
    bodies = rng.integers(0, len(_USCC_CHARS), size=(n, 9))
    for row in bodies.tolist():
        body = "91" + region + "".join(_USCC_CHARS[c] for c in row)
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
        codes.append(body + _USCC_CHARS[(31 - total % 31) % 31])
    return codes

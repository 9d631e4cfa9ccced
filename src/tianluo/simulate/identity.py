"""Identifiers of the simulated people in bulk: identity numbers, mobiles and handsets.

Identity numbers are valid GB 11643 numbers (vectorised check character);
mobiles carry real mainland prefixes; every person has one handset (IMEI), and a
few change it during the window.
"""

from __future__ import annotations

import numpy as np

from tianluo.simulate.finance.ids import imeis

_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        155,
        157,
        158,
        159,
        166,
        173,
        175,
        176,
        177,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        191,
        198,
        199,
    ]
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"), dtype=object)
NEVER = np.iinfo(np.int64).max  # ``handset_change_s`` of someone who keeps their handset


def unique_phones(n: int, rng: np.random.Generator, taken: set[str] | None = None) -> np.ndarray:
    """``n`` distinct 11-digit mainland mobiles (real prefixes), none of them in ``taken``."""
    out: list[str] = []
    seen = set(taken or ())
    while len(out) < n:
        k = int((n - len(out)) * 1.05) + 8
        nums = _PREFIXES[rng.integers(0, len(_PREFIXES), k)] * 100_000_000 + rng.integers(
            0, 100_000_000, k
        )
        for text in np.char.mod("%d", nums).tolist():
            if text not in seen:
                seen.add(text)
                out.append(text)
    return np.asarray(out[:n], dtype=object)


def id_numbers(
    region: np.ndarray, birth: np.ndarray, sex: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Valid, distinct 18-character identity numbers (vectorised GB 11643)."""
    n = len(region)
    out = np.empty(n, dtype=object)
    todo = np.arange(n)
    seen: set[str] = set()
    births = np.datetime_as_string(birth.astype("datetime64[D]")).astype(object)
    while len(todo):
        seq = rng.integers(0, 500, len(todo)) * 2 + (sex[todo] == "M")
        body = (
            region[todo].astype(object)
            + np.char.replace(births[todo].astype(str), "-", "").astype(object)
            + np.char.zfill(seq.astype(str), 3).astype(object)
        )
        digits = np.frombuffer("".join(body.tolist()).encode(), dtype=np.uint8).reshape(-1, 17) - 48
        check = _CHECK[(digits.astype(int) @ _ID_WEIGHTS) % 11]
        again = []
        for i, number in zip(todo.tolist(), (body + check).tolist(), strict=True):
            if number in seen:
                again.append(i)
            else:
                seen.add(number)
                out[i] = number
        todo = np.array(again, dtype=int)
    return out


def handsets(
    n: int, days: int, change_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One handset per person and a second for the few who change it during the window.

    Returns the IMEI at the start of the window (int64, 15 digits with a Luhn
    digit), the IMEI after the change (the same for those who keep theirs) and
    the second of the window at which the change happens (``NEVER`` if none).
    """
    both = imeis(2 * n, rng)
    change = rng.random(n) < change_share
    when = rng.integers(0, max(days, 1) * 86_400, n)
    return (
        both[:n],
        np.where(change, both[n:], both[:n]),
        np.where(change, when, NEVER).astype(np.int64),
    )

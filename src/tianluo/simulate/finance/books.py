"""The two registers every generator appends to: bank accounts and telephone numbers.

Generators refer to an account or a number by its integer index in a book;
text ids are built once and taken by index when rows are written.

Account ids (the pyramid participants' cards are made here too, see ``wires.py``):

* personal cards: 19 digits, a real bank's card BIN + 13 scrambled digits;
* company, merchant and payroll accounts: 18 digits starting with the bank's
  4-digit corporate prefix;
* cash-out pseudo accounts ``CASH-<bank>-<n>``: cash machine ``n`` of a bank.
  A transfer to one (channel ``atm``) is a cash withdrawal; these ids are not
  in ``accounts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from tianluo.simulate.finance.ids import as_text, scramble

if TYPE_CHECKING:  # the emitter takes books as arguments: import for annotations only
    from tianluo.simulate.finance.clock import Clock
    from tianluo.simulate.finance.emit import Emitter

# name, card BIN, corporate prefix, short code (cash machines), weight
BANKS: tuple[tuple[str, int, int, str, float], ...] = (
    ("中国工商银行", 622202, 2102, "ICBC", 0.20),
    ("中国建设银行", 621700, 4505, "CCB", 0.17),
    ("中国农业银行", 622848, 2007, "ABC", 0.16),
    ("中国银行", 621661, 6205, "BOC", 0.10),
    ("交通银行", 622262, 4521, "BOCOM", 0.06),
    ("中国邮政储蓄银行", 621799, 9450, "PSBC", 0.09),
    ("招商银行", 622588, 7719, "CMB", 0.06),
    ("广西北部湾银行", 623183, 8001, "BBGB", 0.06),
    ("桂林银行", 621455, 6601, "GLB", 0.04),
    ("广西农村信用社", 623058, 3302, "GXRCU", 0.06),
)
BANK_WEIGHTS = np.array([b[4] for b in BANKS]) / sum(b[4] for b in BANKS)
ATMS_PER_BANK = 40


def random_banks(n: int, rng: np.random.Generator) -> np.ndarray:
    """Bank indices drawn by market share."""
    return np.asarray(rng.choice(len(BANKS), n, p=BANK_WEIGHTS))


@dataclass
class AccountBook:
    """Every account of the finance world, listed in ``accounts`` or not (cash sinks)."""

    _ids: list[pa.Array] = field(default_factory=list)
    _holder: list[np.ndarray] = field(default_factory=list)  # identity number (object)
    _name: list[np.ndarray] = field(default_factory=list)
    _bank: list[np.ndarray] = field(default_factory=list)  # index into BANKS
    _kind: list[str] = field(default_factory=list)
    _opened: list[np.ndarray] = field(default_factory=list)  # timestamps
    _listed: list[bool] = field(default_factory=list)
    _sizes: list[int] = field(default_factory=list)
    _serial: int = 0
    _text: pa.Array | None = None
    _banks: np.ndarray | None = None

    def __len__(self) -> int:
        return sum(self._sizes)

    def add(
        self,
        *,
        holder: np.ndarray,
        name: np.ndarray,
        bank: np.ndarray,
        kind: str,
        opened: np.ndarray,
    ) -> np.ndarray:
        """Open accounts (personal cards, or 18-digit company accounts for other kinds)."""
        n = len(holder)
        serial = np.arange(self._serial, self._serial + n)
        self._serial += n
        bank = np.asarray(bank, dtype=np.int64)
        if kind == "personal":
            head = np.array([b[1] for b in BANKS], dtype=np.int64)[bank]
            ids = as_text(head * 10**13 + scramble(serial, 10**13))
        else:
            head = np.array([b[2] for b in BANKS], dtype=np.int64)[bank]
            ids = as_text(head * 10**14 + scramble(serial, 10**14), 18)
        return self._append(ids, holder, name, bank, kind=kind, opened=opened, listed=True)

    def add_cash_machines(self) -> np.ndarray:
        """The cash-out sinks ``CASH-<bank>-<n>``; index ``b * ATMS_PER_BANK + n``."""
        codes = [f"CASH-{b[3]}-{k:04d}" for b in BANKS for k in range(ATMS_PER_BANK)]
        n = len(codes)
        bank = np.repeat(np.arange(len(BANKS)), ATMS_PER_BANK)
        empty = np.full(n, None, dtype=object)
        return self._append(
            pa.array(codes), empty, empty, bank, kind="cash", opened=np.zeros(n), listed=False
        )

    def _append(
        self,
        ids: pa.Array,
        holder: np.ndarray,
        name: np.ndarray,
        bank: np.ndarray,
        *,
        kind: str,
        opened: np.ndarray,
        listed: bool,
    ) -> np.ndarray:
        first = len(self)
        self._ids.append(ids)
        self._holder.append(np.asarray(holder, dtype=object))
        self._name.append(np.asarray(name, dtype=object))
        self._bank.append(np.asarray(bank, dtype=np.int64))
        self._kind.append(kind)
        self._opened.append(np.asarray(opened, dtype=np.int64))
        self._listed.append(listed)
        self._sizes.append(len(holder))
        self._text = self._banks = None
        return np.arange(first, first + len(holder))

    @property
    def text(self) -> pa.Array:
        """Account ids, by index."""
        if self._text is None:
            self._text = pa.concat_arrays(self._ids) if self._ids else pa.array([], pa.string())
        return self._text

    @property
    def bank(self) -> np.ndarray:
        """Bank index of each account."""
        if self._banks is None:
            self._banks = np.concatenate(self._bank) if self._bank else np.empty(0, np.int64)
        return self._banks

    def ids(self, index: np.ndarray) -> pa.Array:
        """Account id text of account indices."""
        return self.text.take(pa.array(np.asarray(index, dtype=np.int64)))

    def cash_machine(self, account: np.ndarray, rng: np.random.Generator, first: int) -> np.ndarray:
        """A cash machine of each account's own bank (``first`` = index of the first sink)."""
        bank = self.bank[np.asarray(account, dtype=np.int64)]
        return np.asarray(first + bank * ATMS_PER_BANK + rng.integers(0, ATMS_PER_BANK, len(bank)))

    def write(self, clock: Clock, emit: Emitter) -> int:
        """Write every listed account (not the cash sinks) to ``accounts``; the row count."""
        keep = [i for i, listed in enumerate(self._listed) if listed]
        if not keep:
            return 0
        kinds = [np.full(self._sizes[i], self._kind[i], dtype=object) for i in keep]
        bank = np.concatenate([self._bank[i] for i in keep])
        emit.write(
            "accounts",
            {
                "account_id": pa.concat_arrays([self._ids[i] for i in keep]),
                "holder_id_number": pa.array(
                    np.concatenate([self._holder[i] for i in keep]), pa.string()
                ),
                "opened_at": clock.iso(np.concatenate([self._opened[i] for i in keep])),
                "bank": pa.array([b[0] for b in BANKS]).take(pa.array(bank)),
                "holder_name": pa.array(np.concatenate([self._name[i] for i in keep]), pa.string()),
                "kind": pa.array(np.concatenate(kinds), pa.string()),
            },
        )
        return len(bank)


@dataclass
class NumberBook:
    """Every telephone number of the finance world; the Population's phones come first."""

    _parts: list[pa.Array] = field(default_factory=list)
    _ints: list[np.ndarray] = field(default_factory=list)
    _sizes: list[int] = field(default_factory=list)
    _text: pa.Array | None = None

    def __len__(self) -> int:
        return sum(self._sizes)

    def add_text(self, numbers: np.ndarray) -> np.ndarray:
        """Add numbers given as text (the Population's, service numbers); their indices."""
        text = pa.array(np.asarray(numbers, dtype=object), pa.string())
        ints = np.array([int(x) if str(x).isdigit() else -1 for x in numbers], dtype=np.int64)
        return self._append(text, ints)

    def add_mobiles(self, numbers: np.ndarray) -> np.ndarray:
        """Add 11-digit mobiles given as int64; their indices."""
        ints = np.asarray(numbers, dtype=np.int64)
        return self._append(as_text(ints), ints)

    def _append(self, text: pa.Array, ints: np.ndarray) -> np.ndarray:
        first = len(self)
        self._parts.append(text)
        self._ints.append(ints)
        self._sizes.append(len(ints))
        self._text = None
        return np.arange(first, first + len(ints))

    @property
    def taken(self) -> np.ndarray:
        """Every number already in the book, as int64 (for drawing new distinct ones)."""
        return np.concatenate(self._ints) if self._ints else np.empty(0, np.int64)

    @property
    def text(self) -> pa.Array:
        if self._text is None:
            self._text = pa.concat_arrays(self._parts) if self._parts else pa.array([], pa.string())
        return self._text

    def numbers(self, index: np.ndarray) -> pa.Array:
        """Number text of number indices."""
        return self.text.take(pa.array(np.asarray(index, dtype=np.int64)))

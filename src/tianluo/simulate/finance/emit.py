"""Turn generated index arrays into contract rows and hand them to the feed writer.

Generators work with integers (account and number indices, timestamps, fen,
codes into small vocabularies); ``Emitter`` names the rows (``TX...``,
``SM...``, ``RP...`` ids in write order), formats time and money, and counts
what it wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.simulate.finance.books import AccountBook, NumberBook
from tianluo.simulate.finance.clock import Clock
from tianluo.simulate.finance.ids import as_text


class WriterLike(Protocol):
    """What finance needs of ``tianluo.simulate.writer.FeedWriter``."""

    def write(self, source: str, table: pa.Table) -> None: ...

    def write_truth(self, name: str, table: pa.Table) -> None: ...


def pick(vocab: Sequence[str | None], codes: np.ndarray) -> pa.Array:
    """Text of each code in a small vocabulary."""
    return pa.array(list(vocab), pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def const(value: str | None, n: int) -> pa.Array:
    """A column of one repeated value."""
    return pick([value], np.zeros(n, dtype=np.int64))


def templated(
    vocab: Sequence[str], codes: np.ndarray, values: pa.Array, slot: str = "{n}"
) -> pa.Array:
    """Text of each code in a vocabulary of templates, with ``slot`` replaced by a value."""
    codes = np.asarray(codes, dtype=np.int64)
    heads = [t.split(slot, 1)[0] for t in vocab]
    tails = [t.split(slot, 1)[1] if slot in t else "" for t in vocab]
    has = np.array([slot in t for t in vocab], dtype=bool)[codes]
    middle = pc.if_else(pa.array(has), values, "")
    return pc.binary_join_element_wise(pick(heads, codes), middle, pick(tails, codes), "")


def yuan(fen: np.ndarray) -> pa.Array:
    """Money in yuan (float64, exact to the fen when written with two decimals)."""
    return pa.array(np.asarray(fen, dtype=np.int64) / 100.0, pa.float64())


class Emitter:
    """Writes finance rows through a feed writer; keeps id counters and row counts."""

    def __init__(self, writer: WriterLike, clock: Clock) -> None:
        self.writer = writer
        self.clock = clock
        self.rows: Counter[str] = Counter()
        self._next: Counter[str] = Counter()

    def serials(self, kind: str, n: int) -> np.ndarray:
        """The next ``n`` serial numbers of one kind of id."""
        first = self._next[kind]
        self._next[kind] += n
        return np.arange(first, first + n, dtype=np.int64)

    def write(self, source: str, columns: dict[str, pa.Array | np.ndarray | list[object]]) -> None:
        table = pa.table(
            {k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in columns.items()}
        )
        if table.num_rows:
            self.writer.write(source, table)
            self.rows[source] += table.num_rows

    def transactions(
        self,
        book: AccountBook,
        frm: np.ndarray,
        to: np.ndarray,
        ts: np.ndarray,
        fen: np.ndarray,
        *,
        channel: pa.Array,
        memo: pa.Array,
    ) -> np.ndarray:
        """Write transfers; returns their txn serials (id ``TX`` + 12 digits)."""
        serial = self.serials("txn", len(frm))
        self.write(
            "transactions",
            {
                "txn_id": txn_ids(serial),
                "ts": self.clock.iso(ts),
                "from_account": book.ids(frm),
                "to_account": book.ids(to),
                "amount": yuan(fen),
                "channel": channel,
                "memo": memo,
            },
        )
        return serial

    def calls(
        self,
        numbers: NumberBook,
        caller: np.ndarray,
        callee: np.ndarray,
        ts: np.ndarray,
        duration: np.ndarray,
        *,
        caller_cell: pa.Array,
        callee_cell: pa.Array,
        imei: pa.Array,
    ) -> None:
        """Write call detail records (duration 0 = not answered)."""
        self.write(
            "calls",
            {
                "caller": numbers.numbers(caller),
                "callee": numbers.numbers(callee),
                "ts": self.clock.iso(ts),
                "duration_s": pa.array(np.asarray(duration, dtype=np.int64)),
                "caller_cell": caller_cell,
                "callee_cell": callee_cell,
                "caller_imei": imei,
            },
        )

    def messages(
        self,
        numbers: NumberBook,
        sender: np.ndarray,
        receiver: np.ndarray,
        ts: np.ndarray,
        *,
        text: pa.Array,
        channel: str = "sms",
    ) -> None:
        """Write SMS messages (id ``SM`` + 12 digits)."""
        serial = self.serials("msg", len(sender))
        self.write(
            "messages",
            {
                "msg_id": as_text(serial, 12, "SM"),
                "sender": numbers.numbers(sender),
                "receiver": numbers.numbers(receiver),
                "ts": self.clock.iso(ts),
                "text": text,
                "channel": const(channel, len(sender)),
            },
        )


def txn_ids(serial: np.ndarray) -> pa.Array:
    """Transfer ids of txn serials: ``TX`` + 12 digits, so text order is time of writing."""
    return as_text(serial, 12, "TX")

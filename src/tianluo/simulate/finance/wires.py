"""Transfers planned outside the finance world (the pyramid's fees), written like everyone's.

The city's recruitment stage decides who pays whom, when and how much
(``Wires``, in person indices); the money is then moved between the payers'
and payees' own ordinary bank cards, opened by the same ``AccountBook`` as
everyone's, and written in the same ``TX...`` id sequence, channel and memo
vocabulary as the everyday transfers between people. ``Wires.txn_id`` is
filled in when they are written, for the truth.

Without the finance part (``finance=False``) ``write_alone`` opens cards for
the people in the wires only and writes them on their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.accounts import YEAR
from tianluo.simulate.finance.books import AccountBook, random_banks
from tianluo.simulate.finance.clock import DAY, Clock
from tianluo.simulate.finance.emit import Emitter, WriterLike, const, txn_ids
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import PopulationLike

MEMO = "转账"  # the memo of an ordinary transfer between people
CHANNEL = "mobile"


@dataclass
class Wires:
    """Person-to-person transfers to write: payer and payee person indices, time, fen."""

    payer: np.ndarray  # int64 person index
    payee: np.ndarray  # int64 person index
    ts: np.ndarray  # int64 local seconds (the finance clock's timestamps)
    fen: np.ndarray  # int64
    txn_id: np.ndarray | None = None  # object: the written ids, in the wires' order

    def __len__(self) -> int:
        return len(self.payer)

    @property
    def people(self) -> np.ndarray:
        """Everyone who pays or is paid (needs a card)."""
        return np.unique(np.concatenate([self.payer, self.payee]))


def time_order(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that sorts ``ts`` (stable) and each row's rank in it."""
    order = np.lexsort((np.arange(len(ts)), ts))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return order, rank


def write_alone(
    pop: PopulationLike,
    rng: np.random.Generator,
    writer: WriterLike,
    wires: Wires,
    *,
    start: dt.date,
    days: int,
    params: FinanceParams | None = None,
) -> None:
    """Open cards (some people two) for the people in ``wires`` and write accounts and transfers."""
    p = params or FinanceParams()
    clock = Clock(start, days)
    book, emit = AccountBook(), Emitter(writer, clock)
    who = wires.people
    card = np.full(len(pop.id_number), -1, dtype=np.int64)
    opened = clock.origin - 30 * DAY - (rng.random(len(who)) * 10 * YEAR).astype(np.int64)
    ids, names = np.asarray(pop.id_number, dtype=object), np.asarray(pop.name, dtype=object)
    card[who] = book.add(
        holder=ids[who],
        name=names[who],
        bank=random_banks(len(who), rng),
        kind="personal",
        opened=opened,
    )
    two = who[rng.random(len(who)) < p.second_account_share]
    book.add(
        holder=ids[two],
        name=names[two],
        bank=random_banks(len(two), rng),
        kind="personal",
        opened=clock.origin - (rng.random(len(two)) * 5 * YEAR).astype(np.int64),
    )
    order, rank = time_order(wires.ts)
    serial = emit.transactions(
        book,
        card[wires.payer[order]],
        card[wires.payee[order]],
        wires.ts[order],
        wires.fen[order],
        channel=const(CHANNEL, len(wires)),
        memo=const(MEMO, len(wires)),
    )
    wires.txn_id = ids_of(serial[rank])
    book.write(clock, emit)


def ids_of(serial: np.ndarray) -> np.ndarray:
    """Transfer id text of serials, as an object array."""
    return np.asarray(txn_ids(np.asarray(serial, dtype=np.int64)).to_pylist(), dtype=object)

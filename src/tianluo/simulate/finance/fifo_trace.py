"""Reference implementation of the FIFO rule that says where a reported transfer's money is now.

The rule, as an analyst applies it by hand to a bank statement:

1. Take every transfer in time order (ties by ``txn_id``).
2. Each account holds a queue of *lots* received, oldest first. A lot is an
   amount, the reported transfer it came from (or none) and its hop count.
3. An outgoing transfer spends lots from the head of the sender's queue,
   splitting the last one if needed. When the queue is empty the rest comes
   from the account's untracked opening balance (no origin).
4. The spent pieces arrive at the receiver as new lots, one hop further.
5. A reported transfer itself puts one lot of its full amount, with origin =
   its own ``txn_id`` and ``hops = 1``, at its receiver.
6. At the end of the data, each account still holding lots of a reported
   transfer holds that transfer's money: the sum of those lots, and the smallest
   hop count among them.

Cash-out pseudo accounts (``CASH-<bank>-<n>``, a withdrawal at a cash machine)
are sinks: money that reaches one has left the banking system, cannot be
frozen, and is not listed (it is counted in ``TraceResult.cashed_out``).

Money is handled in whole fen (1/100 yuan) as integers, so the rule never
rounds: feed amounts are converted with ``to_fen`` (half-to-even on the third
decimal, which the contract's two-decimal amounts never have) and results are
given back in yuan with exactly two decimals.

This module is deliberately plain Python with no dependencies: it is the
yardstick that faster detectors are checked against.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

CASH_PREFIX = "CASH-"
_CENT = Decimal("0.01")


def is_cash_sink(account_id: str) -> bool:
    """A cash-out pseudo account: money that reached it was withdrawn as cash."""
    return account_id.startswith(CASH_PREFIX)


def to_fen(yuan: str | int | float | Decimal) -> int:
    """Whole fen of an amount in yuan, rounded half-to-even (``"12.34"`` -> 1234)."""
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_yuan(fen: int) -> Decimal:
    """Yuan with exactly two decimals for an amount in fen (1234 -> ``Decimal("12.34")``)."""
    return (Decimal(fen) / 100).quantize(_CENT)


def order_key(ts: str | dt.datetime | float) -> float:
    """A number that orders timestamps: seconds, with naive times read as one local clock.

    Aware datetimes and ISO strings with an offset are converted to UTC first, so
    ``2026-03-02T10:00:00+08:00`` and the naive ``2026-03-02T10:00:00`` (local
    time, Asia/Shanghai by the contract) order the same way once both are read as
    Shanghai time by the caller; mixing the two forms in one ledger is the caller's
    responsibility.
    """
    if isinstance(ts, int | float):
        return float(ts)
    when = dt.datetime.fromisoformat(ts) if isinstance(ts, str) else ts
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=8)
    return calendar.timegm(when.timetuple()) + when.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class Transfer:
    """One transfer of a ledger; ``ts`` is any number that orders time (see ``order_key``)."""

    txn_id: str
    ts: float
    from_account: str
    to_account: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Holding:
    """Money of one reported transfer that reached an account and has not left it."""

    txn_id: str
    account_id: str
    amount_fen: int
    hops: int

    @property
    def amount(self) -> Decimal:
        """The amount in yuan, two decimals."""
        return to_yuan(self.amount_fen)


@dataclass(slots=True)
class TraceResult:
    """Where each reported transfer's money is at the end of the ledger."""

    holdings: list[Holding]
    cashed_out_fen: dict[str, int] = field(default_factory=dict)  # reported txn -> fen at sinks

    def held_fen(self, txn_id: str) -> int:
        """Fen of one reported transfer still held in accounts."""
        return sum(h.amount_fen for h in self.holdings if h.txn_id == txn_id)


@dataclass(slots=True)
class _Lot:
    amount: int
    origin: str | None
    hops: int


def _sorted(transfers: Iterable[Transfer]) -> list[Transfer]:
    return sorted(transfers, key=lambda t: (t.ts, t.txn_id))


def _spend(queue: deque[_Lot], amount: int) -> list[_Lot]:
    """Take ``amount`` fen from the head of a queue; the untracked balance pays the rest."""
    pieces: list[_Lot] = []
    need = amount
    while need > 0 and queue:
        head = queue[0]
        if head.amount <= need:
            pieces.append(queue.popleft())
            need -= head.amount
        else:
            pieces.append(_Lot(need, head.origin, head.hops))
            head.amount -= need
            need = 0
    if need > 0:
        pieces.append(_Lot(need, None, 0))
    return pieces


def _receive(queue: deque[_Lot], lot: _Lot) -> None:
    """Append a lot, merging it with an identical tail lot (same origin and hops)."""
    if queue and queue[-1].origin == lot.origin and queue[-1].hops == lot.hops:
        queue[-1].amount += lot.amount
    else:
        queue.append(lot)


def trace(
    transfers: Iterable[Transfer],
    reported: Iterable[str],
    *,
    is_sink: Callable[[str], bool] = is_cash_sink,
) -> TraceResult:
    """Apply the FIFO rule to a ledger and list where each reported transfer's money is.

    ``transfers`` must hold every transfer into or out of the accounts that matter
    (see ``relevant``); their order does not matter. Reported ids missing from the
    ledger give no rows. Rows are ordered by reported ``txn_id``, hops, account.
    """
    wanted = set(reported)
    queues: defaultdict[str, deque[_Lot]] = defaultdict(deque)
    cashed: defaultdict[str, int] = defaultdict(int)
    for t in _sorted(transfers):
        if t.amount_fen <= 0:
            continue
        pieces = _spend(queues[t.from_account], t.amount_fen)
        if t.txn_id in wanted:
            pieces = [_Lot(t.amount_fen, t.txn_id, 0)]  # hop 0 here, 1 on arrival
        if is_sink(t.to_account):
            for p in pieces:
                if p.origin is not None:
                    cashed[p.origin] += p.amount
            continue
        queue = queues[t.to_account]
        for p in pieces:
            _receive(queue, _Lot(p.amount, p.origin, p.hops + 1))
    return TraceResult(_holdings(queues), dict(cashed))


def _holdings(queues: dict[str, deque[_Lot]]) -> list[Holding]:
    amount: defaultdict[tuple[str, str], int] = defaultdict(int)
    hops: dict[tuple[str, str], int] = {}
    for account, queue in queues.items():
        for lot in queue:
            if lot.origin is None or lot.amount <= 0:
                continue
            key = (lot.origin, account)
            amount[key] += lot.amount
            hops[key] = min(hops.get(key, lot.hops), lot.hops)
    rows = [Holding(o, a, amount[(o, a)], hops[(o, a)]) for (o, a) in amount]
    return sorted(rows, key=lambda h: (h.txn_id, h.hops, h.account_id))


def relevant(transfers: Iterable[Transfer], reported: Iterable[str]) -> list[Transfer]:
    """The transfers the rule needs: every transfer into or out of an account that money
    of a reported transfer can reach (following transfers forward in time).

    An account outside that set only ever holds untracked money, so dropping its
    other transfers cannot change the answer; an account inside it needs its whole
    history, because earlier untracked lots sit ahead of the tracked ones in its
    queue. The result is in time order.
    """
    wanted = set(reported)
    ordered = _sorted(transfers)
    tainted: set[str] = set()
    for t in ordered:
        if t.txn_id in wanted or t.from_account in tainted:
            tainted.add(t.to_account)
    return [t for t in ordered if t.from_account in tainted or t.to_account in tainted]

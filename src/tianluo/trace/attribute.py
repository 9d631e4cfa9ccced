"""Follow one reported transfer's money forward and say which accounts hold it now (FIFO).

The rule (the same as the simulator's reference, ``simulate.finance.fifo_trace``):
every account spends the money it received in the order it received it (first
in, first out); money it pays out beyond what it received comes from an
untracked opening balance. The reported transfer puts its whole amount, one hop
away, at its receiver. At the end of the data an account holds the part of
that money it received and has not paid on; cash-out pseudo accounts are sinks
(withdrawn, cannot be frozen).

On the index (``tianluo.trace.index``) the money is a set of *pieces*: an
interval of one account's incoming stream. A piece is held where it lies beyond
what the account has spent by the end, and it passes to every outgoing transfer
whose consumed interval overlaps it, landing at the same relative place in the
receiver's stream. Each step moves to a strictly later transfer, so cycles end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from tianluo.trace.index import TransferIndex

_CENT = Decimal("0.01")
DEFAULT_MAX_PIECES = 200_000


class UnknownTransferError(KeyError):
    """The transfer to trace is not in the index (not loaded, or of zero amount)."""


def to_yuan(fen: int) -> Decimal:
    """Yuan with two decimals for an amount in fen."""
    return (Decimal(fen) / 100).quantize(_CENT)


@dataclass(frozen=True, slots=True)
class Holding:
    """Money of the traced transfer that sits in one account now."""

    account_id: str
    amount_fen: int
    hops: int  # fewest transfers from the victim's payment to this account (1 = its receiver)
    path: tuple[str, ...]  # accounts along the shortest route, first receiver first
    arrived_us: int  # when the money on that route arrived (microseconds since the epoch)

    @property
    def amount(self) -> Decimal:
        """The amount in yuan, two decimals."""
        return to_yuan(self.amount_fen)


@dataclass(frozen=True, slots=True)
class FundTrace:
    """Where one reported transfer's money is: holdings ranked for freezing, and what left."""

    txn_id: str
    amount_fen: int
    holdings: tuple[Holding, ...]
    cashed_out_fen: int
    pieces: int  # intervals followed (a measure of the work done)
    reached: tuple[tuple[str, int, int], ...] = ()  # (account, fen received, fewest hops), all
    truncated: bool = field(default=False)  # the walk stopped at ``max_pieces``

    @property
    def held_fen(self) -> int:
        """Fen of the transfer still held in accounts (freezable)."""
        return sum(h.amount_fen for h in self.holdings)


@dataclass(slots=True)
class _Pieces:
    account: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    hops: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    via: list[int] = field(default_factory=list)

    def add(self, account: int, start: int, end: int, *, hops: int, parent: int, via: int) -> None:
        self.account.append(account)
        self.start.append(start)
        self.end.append(end)
        self.hops.append(hops)
        self.parent.append(parent)
        self.via.append(via)


def trace_funds(
    index: TransferIndex, txn_id: str, *, max_pieces: int = DEFAULT_MAX_PIECES
) -> FundTrace:
    """Where the money of transfer ``txn_id`` is at the end of the data, ranked for freezing.

    Holdings come largest amount first (then fewest hops): the order in which an
    analyst asks banks to freeze. Raises ``UnknownTransferError`` for a transfer
    the index does not hold.
    """
    first = index.transfer_number(txn_id)
    if first is None:
        raise UnknownTransferError(txn_id)
    pieces = _Pieces()
    receiver = int(index.receiver[first])
    start = int(index.in_start[first])
    pieces.add(receiver, start, start + int(index.amount[first]), hops=1, parent=-1, via=first)
    held: defaultdict[int, int] = defaultdict(int)
    best_piece: dict[int, int] = {}
    cashed = 0
    todo = [0]
    truncated = False
    while todo:
        piece = todo.pop()
        account = pieces.account[piece]
        lo, hi = pieces.start[piece], pieces.end[piece]
        if index.sink[account]:
            cashed += hi - lo
            continue
        kept = min(hi, int(index.inflow_total[account])) - max(lo, int(index.held_from[account]))
        if kept > 0:
            held[account] += kept
            best = best_piece.get(account)
            if best is None or pieces.hops[piece] < pieces.hops[best]:
                best_piece[account] = piece
        if len(pieces.account) >= max_pieces:
            truncated = True
            continue
        for child in _passed_on(index, account, lo, hi):
            via, child_lo, child_hi = child
            hops = pieces.hops[piece] + 1
            pieces.add(
                int(index.receiver[via]), child_lo, child_hi, hops=hops, parent=piece, via=via
            )
            todo.append(len(pieces.account) - 1)
    holdings = [
        _holding(index, pieces, account, fen, best_piece[account]) for account, fen in held.items()
    ]
    holdings.sort(key=lambda h: (-h.amount_fen, h.hops, h.account_id))
    return FundTrace(
        txn_id=txn_id,
        amount_fen=int(index.amount[first]),
        holdings=tuple(holdings),
        cashed_out_fen=cashed,
        pieces=len(pieces.account),
        truncated=truncated,
        reached=_reached(index, pieces),
    )


def _reached(index: TransferIndex, pieces: _Pieces) -> tuple[tuple[str, int, int], ...]:
    """Every account the money passed through or stopped at (cash sinks included)."""
    received: defaultdict[int, int] = defaultdict(int)
    hops: dict[int, int] = {}
    for account, lo, hi, hop in zip(
        pieces.account, pieces.start, pieces.end, pieces.hops, strict=True
    ):
        received[account] += hi - lo
        hops[account] = min(hops.get(account, hop), hop)
    return tuple((index.account_id(a), fen, hops[a]) for a, fen in sorted(received.items()))


def _passed_on(index: TransferIndex, account: int, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """Outgoing transfers that spend part of ``[lo, hi)`` of the account's stream.

    Each is (transfer number, start, end) of the part in the receiver's stream.
    """
    first, last = int(index.out_ptr[account]), int(index.out_ptr[account + 1])
    if first == last:
        return []
    ends = index.out_take_end[first:last]
    j = first + int(np.searchsorted(ends, lo, side="right"))
    passed: list[tuple[int, int, int]] = []
    while j < last:
        transfer = int(index.out_txn[j])
        take_start = int(index.take_start[transfer])
        if take_start >= hi:
            break
        overlap_lo = max(lo, take_start)
        overlap_hi = min(hi, int(index.take_end[transfer]))
        if overlap_hi > overlap_lo:
            landing = int(index.in_start[transfer]) - take_start
            passed.append((transfer, landing + overlap_lo, landing + overlap_hi))
        j += 1
    return passed


def _holding(index: TransferIndex, pieces: _Pieces, account: int, fen: int, best: int) -> Holding:
    route: list[str] = []
    arrival = int(index.ts_us[pieces.via[best]])
    piece = best
    while piece >= 0:
        route.append(index.account_id(pieces.account[piece]))
        piece = pieces.parent[piece]
    return Holding(
        account_id=index.account_id(account),
        amount_fen=fen,
        hops=pieces.hops[best],
        path=tuple(reversed(route)),
        arrived_us=arrival,
    )

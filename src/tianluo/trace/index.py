"""The in-memory transfer graph that answers fund traces in milliseconds.

Built once from the ``transactions`` of the lake (or any arrays), it holds every
transfer in time order (ties by ``txn_id``) as numpy arrays, and, per account,
its outgoing transfers in time order (a CSR layout: ``out_ptr`` and ``out_txn``).

The first-in-first-out rule is turned into arithmetic on *stream positions*.
Every account's incoming money forms one stream, in the order it arrived: the
transfer ``g`` into account ``b`` occupies positions
``[in_start[g], in_start[g] + amount[g])`` of ``b``'s stream. Each outgoing
transfer takes the oldest money not yet spent, so it consumes positions
``[take_start[g], take_end[g])`` of its sender's stream; when the stream has
nothing left the rest comes from the untracked opening balance, and takes no
position. The positions have a closed form (see ``_consumed``), so the whole
index is a few vectorised passes over the data; a trace is then a walk from
interval to overlapping interval, with no replay of anybody's ledger.

Money is in whole fen (int64) throughout; no rounding ever happens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CASH_PREFIX = "CASH-"
"""Cash-out pseudo accounts (``CASH-<bank>-<n>``): money reaching one was withdrawn."""


@dataclass(frozen=True, slots=True)
class TransferIndex:
    """Every transfer in time order, with its FIFO stream positions, and outflows per account."""

    account_ids: pa.Array  # account number -> account id (text)
    txn_ids: pa.Array  # transfer number (time order) -> txn_id
    ts_us: np.ndarray  # microseconds since the epoch, per transfer
    sender: np.ndarray  # account number, per transfer
    receiver: np.ndarray
    amount: np.ndarray  # fen
    in_start: np.ndarray  # receiver's stream position where the transfer's money starts
    take_start: np.ndarray  # sender's stream consumed by the transfer: [take_start, take_end)
    take_end: np.ndarray
    out_ptr: np.ndarray  # account a's outflows are out_txn[out_ptr[a]:out_ptr[a + 1]]
    out_txn: np.ndarray  # transfer numbers, per account in time order
    out_take_end: np.ndarray  # take_end of out_txn, for binary search
    held_from: np.ndarray  # per account: stream positions from here on are still held
    inflow_total: np.ndarray  # per account: length of its stream
    sink: np.ndarray  # per account: a cash-out pseudo account
    _txn_order: np.ndarray  # argsort of txn_ids, for lookups
    _account_order: np.ndarray

    @property
    def transfers(self) -> int:
        """How many transfers the index holds."""
        return len(self.amount)

    @property
    def accounts(self) -> int:
        """How many accounts (senders and receivers) the index knows."""
        return len(self.account_ids)

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays, in bytes."""
        arrays = [getattr(self, name) for name in self.__slots__]
        return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray | pa.Array))

    def transfer_number(self, txn_id: str) -> int | None:
        """The position of a transfer in time order, or None when the index lacks it."""
        return _lookup(self.txn_ids, self._txn_order, txn_id)

    def account_number(self, account_id: str) -> int | None:
        """The number of an account, or None when no transfer names it."""
        return _lookup(self.account_ids, self._account_order, account_id)

    def txn_id(self, number: int) -> str:
        """The ``txn_id`` of a transfer number."""
        return str(self.txn_ids[number].as_py())

    def account_id(self, number: int) -> str:
        """The id of an account number."""
        return str(self.account_ids[number].as_py())


def build_index(
    txn_id: pa.Array | pa.ChunkedArray,
    ts_us: np.ndarray,
    from_account: pa.Array | pa.ChunkedArray,
    to_account: pa.Array | pa.ChunkedArray,
    amount_fen: np.ndarray,
) -> TransferIndex:
    """Index a ledger given as columns (any order; transfers of zero or less are left out)."""
    keep = np.flatnonzero(np.asarray(amount_fen) > 0)
    ids = pc.take(_as_string(txn_id), pa.array(keep)).combine_chunks()
    by_id = pc.sort_indices(ids).to_numpy()  # needed for lookups anyway
    id_rank = np.empty(len(keep), dtype=np.int64)
    id_rank[by_id] = np.arange(len(keep))
    times = np.asarray(ts_us, dtype=np.int64)[keep]
    in_time = np.lexsort((id_rank, times))  # time order, ties by txn_id
    rows = keep[in_time]
    time_position = np.empty(len(keep), dtype=np.int64)
    time_position[in_time] = np.arange(len(keep))
    txn_ids = ids.take(pa.array(in_time))
    senders_text = pc.take(_as_string(from_account), pa.array(rows))
    receivers_text = pc.take(_as_string(to_account), pa.array(rows))
    account_ids = pc.unique(pa.chunked_array([*senders_text.chunks, *receivers_text.chunks]))
    sender = pc.index_in(senders_text, value_set=account_ids).to_numpy().astype(np.int64)
    receiver = pc.index_in(receivers_text, value_set=account_ids).to_numpy().astype(np.int64)
    amount = np.asarray(amount_fen, dtype=np.int64)[rows]
    n_accounts = len(account_ids)
    positions = _positions(sender, receiver, amount, n_accounts)
    in_start, take_start, take_end, held_from, inflow_total = positions
    by_sender = np.argsort(sender, kind="stable")
    out_ptr = np.zeros(n_accounts + 1, dtype=np.int64)
    np.cumsum(np.bincount(sender, minlength=n_accounts), out=out_ptr[1:])
    sink = pc.starts_with(account_ids, CASH_PREFIX).to_numpy(zero_copy_only=False)
    return TransferIndex(
        account_ids=account_ids,
        txn_ids=txn_ids,
        ts_us=times[in_time],
        sender=sender,
        receiver=receiver,
        amount=amount,
        in_start=in_start,
        take_start=take_start,
        take_end=take_end,
        out_ptr=out_ptr,
        out_txn=by_sender,
        out_take_end=take_end[by_sender],
        held_from=held_from,
        inflow_total=inflow_total,
        sink=np.asarray(sink, dtype=bool),
        _txn_order=time_position[by_id],
        _account_order=pc.sort_indices(account_ids).to_numpy(),
    )


def index_from_arrow(table: pa.Table) -> TransferIndex:
    """Index a ``transactions`` table (``txn_id, ts, from_account, to_account, amount``)."""
    ts = table["ts"]
    if pa.types.is_timestamp(ts.type):
        ts = pc.cast(ts, pa.timestamp("us", tz=ts.type.tz)).cast(pa.int64())
    amount = pc.cast(table["amount"], pa.float64()).to_numpy()
    fen = np.rint(amount * 100.0).astype(np.int64)
    return build_index(
        table["txn_id"],
        pc.cast(ts, pa.int64()).to_numpy(),
        table["from_account"],
        table["to_account"],
        fen,
    )


def _as_string(column: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    if pa.types.is_dictionary(chunked.type):
        chunked = chunked.cast(chunked.type.value_type)
    return chunked.cast(pa.large_string()) if pa.types.is_large_string(chunked.type) else chunked


def _lookup(values: pa.Array, order: np.ndarray, key: str) -> int | None:
    low, high = 0, len(order)
    while low < high:  # binary search over the sorted order: no Python dict of millions of ids
        middle = (low + high) // 2
        value = values[int(order[middle])].as_py()
        if value < key:
            low = middle + 1
        else:
            high = middle
    if low < len(order) and values[int(order[low])].as_py() == key:
        return int(order[low])
    return None


def _positions(
    sender: np.ndarray, receiver: np.ndarray, amount: np.ndarray, n_accounts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stream positions of every transfer, and per account what is still held at the end.

    Events are the outflow and the inflow of each transfer, ordered per account by
    time, an outflow before the inflow of the same transfer (a transfer to oneself
    spends first, then receives, as the rule says).
    """
    n = len(amount)
    interleaved = np.empty(2 * n, dtype=np.int64)  # outflow 2g, inflow 2g + 1: time order
    interleaved[0::2] = sender
    interleaved[1::2] = receiver
    order = np.argsort(interleaved, kind="stable")
    account = interleaved[order]
    is_in = (order % 2) == 1
    transfer = order // 2
    inflow = np.where(is_in, amount[transfer], 0)
    inflow_before = _group_cumsum(inflow, account) - inflow
    in_start = np.zeros(n, dtype=np.int64)
    in_start[transfer[is_in]] = inflow_before[is_in]

    out = ~is_in
    out_account = account[out]
    available = inflow_before[out]
    take_start, take_end = _consumed(available, amount[transfer[out]], out_account)
    take_start_by_transfer = np.zeros(n, dtype=np.int64)
    take_end_by_transfer = np.zeros(n, dtype=np.int64)
    take_start_by_transfer[transfer[out]] = take_start
    take_end_by_transfer[transfer[out]] = take_end

    held_from = np.zeros(n_accounts, dtype=np.int64)
    if len(out_account):
        last = np.flatnonzero(np.append(out_account[1:] != out_account[:-1], True))
        held_from[out_account[last]] = take_end[last]
    # float sums are exact for integers below 2**53 fen (90 trillion yuan)
    received = np.bincount(receiver, weights=amount.astype(np.float64), minlength=n_accounts)
    inflow_total = np.rint(received).astype(np.int64)
    return in_start, take_start_by_transfer, take_end_by_transfer, held_from, inflow_total


def _consumed(
    available: np.ndarray, spent: np.ndarray, account: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Stream consumed by each outflow of each account (outflows grouped by account, in time).

    With ``C_j`` the inflow received before outflow ``j`` and ``S_j`` the outflows
    so far, FIFO with an untracked opening balance consumes up to
    ``p_j = min(p_{j-1} + a_j, C_j)``, which unrolls to
    ``p_j = S_j + min(0, min_{k<=j}(C_k - S_k))``: a grouped running minimum.
    """
    if not len(spent):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    spent_so_far = _group_cumsum(spent, account)
    slack = pd.Series(available - spent_so_far).groupby(account, sort=False).cummin().to_numpy()
    take_end = spent_so_far + np.minimum(slack, 0)
    take_start = np.empty_like(take_end)
    take_start[1:] = take_end[:-1]
    starts = np.flatnonzero(np.insert(account[1:] != account[:-1], 0, True))
    take_start[starts] = 0
    return take_start, take_end


def _group_cumsum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` restarting at each new group (groups are contiguous)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.insert(groups[1:] != groups[:-1], 0, True))
    before_group = total[starts] - values[starts]
    sizes = np.diff(np.append(starts, len(values)))
    return np.asarray(total - np.repeat(before_group, sizes), dtype=np.int64)

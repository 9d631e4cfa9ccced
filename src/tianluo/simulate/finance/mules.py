"""Money mules: the accounts a ring's victims pay into, and how the money is layered to cash.

Each ring has three levels of mule accounts (一级卡, 二级卡, 三级卡), bought
from people who opened a new card and sold it, or opened with an identity that
belongs to nobody in the city. Money moves:

    victim -> level 1 -> (split 1-3 ways) level 2 -> (split 1-2 ways) level 3 -> cash
                                                  \\-> cash (a fifth of level-2 pieces)

Every mule keeps a small fee (1-3 %) and holds money before passing it on
(median 40 minutes at level 1; 6 hours at level 2, where the crew gathers
money for its cash runners; 2 hours at level 3). Level 3 withdraws 80-97 % of
what it receives at cash machines of its own bank, at most 20,000 yuan a
withdrawal (``CASH-<bank>-<n>``, channel ``atm``).

A victim's report triggers an emergency stop-payment (紧急止付): the level-1
account named in the report stops paying out about 30 minutes after the report,
and each level-2 account that money had reached by about 90 minutes after the
report stops too. A stopped account still receives. So a quick report leaves
most of the money sitting in level-1 and level-2 accounts; a late one (a day or
more) finds part of it already withdrawn.

Mule accounts only ever pay other mule accounts of their ring or cash machines;
that keeps the reference trace exact on the mule ledger alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tianluo.simulate.finance.accounts import Banking, relatives
from tianluo.simulate.finance.books import random_banks
from tianluo.simulate.finance.clock import DAY, HOUR, MINUTE
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import const, pick
from tianluo.simulate.finance.params import FinanceParams

NEVER = np.iinfo(np.int64).max
_MEMOS = ("", "货款", "还款", "往来款", "借款")


@dataclass
class MuleNet:
    """Every mule account: its ring, level and where it came from."""

    account: np.ndarray
    ring: np.ndarray
    level: np.ndarray  # 1, 2 or 3
    seller: np.ndarray  # person index of the card's seller; -1: a fake identity
    opened: np.ndarray
    first: dict[tuple[int, int], int] = field(default_factory=dict)  # (ring, level) -> offset
    count: dict[tuple[int, int], int] = field(default_factory=dict)

    def pick(self, ring: np.ndarray, level: int, rng: np.random.Generator) -> np.ndarray:
        """A random mule account of the given level of each ring."""
        first = np.array([self.first[(int(r), level)] for r in range(int(ring.max()) + 1)])
        count = np.array([self.count[(int(r), level)] for r in range(int(ring.max()) + 1)])
        offset = first[ring] + (rng.random(len(ring)) * count[ring]).astype(np.int64)
        return np.asarray(self.account[offset])


@dataclass
class Ledger:
    """Transfers touching mule accounts (serial, ts, from, to, fen), for the reference trace."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(
        self, serial: np.ndarray, ts: np.ndarray, frm: np.ndarray, to: np.ndarray, fen: np.ndarray
    ) -> None:
        self.parts.append((serial, ts, frm, to, fen))

    def arrays(self) -> tuple[np.ndarray, ...]:
        if not self.parts:
            return tuple(np.empty(0, np.int64) for _ in range(5))
        return tuple(np.concatenate([p[i] for p in self.parts]) for i in range(5))


def open_mules(ctx: Ctx, bank: Banking, victims_per_ring: np.ndarray) -> MuleNet:
    """Open each ring's mule accounts (levels 1-3)."""
    people, clock, book, rng, p = ctx.people, ctx.clock, ctx.book, ctx.rng, ctx.p
    sizes: list[tuple[int, int, int]] = []
    for r, v in enumerate(victims_per_ring.tolist()):
        n1 = max(4, round(p.mules_per_victim * v))
        n2 = max(3, n1 // 2)
        sizes += [(r, 1, n1), (r, 2, n2), (r, 3, max(2, n2 // 2))]
    ring = np.concatenate([np.full(k, r) for r, _, k in sizes])
    level = np.concatenate([np.full(k, lv) for _, lv, k in sizes])
    n = len(ring)
    sellers = np.flatnonzero(
        people.adult
        & (people.age <= 35)
        & people.in_groups(("resident", "student", "migrant_worker"))
    )
    sold = (rng.random(n) < 0.6) & (len(sellers) > 0)
    holder = np.empty(n, dtype=object)
    name = np.empty(n, dtype=object)
    who = rng.choice(sellers, int(sold.sum())) if sold.any() else np.empty(0, np.int64)
    holder[sold], name[sold] = people.id_number[who], people.name[who]
    if (~sold).any():
        # identities of nobody in the city: "relatives" of random outsiders' home counties
        outsiders = rng.choice(len(people), int((~sold).sum()))
        holder[~sold], name[~sold] = relatives(people, outsiders, rng)
    new = rng.random(n) < 0.7
    opened = np.where(
        new,
        clock.origin - rng.integers(2 * DAY, 60 * DAY, n),
        clock.origin - rng.integers(365 * DAY, 6 * 365 * DAY, n),
    )
    account = book.add(
        holder=holder, name=name, bank=random_banks(n, rng), kind="personal", opened=opened
    )
    seller = np.full(n, -1, dtype=np.int64)
    seller[sold] = who
    net = MuleNet(account, ring, level, seller, opened)
    offset = 0
    for r, lv, k in sizes:
        net.first[(r, lv)] = offset
        net.count[(r, lv)] = k
        offset += k
    return net


def split(
    total: np.ndarray, k: np.ndarray, rng: np.random.Generator, unit: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Split each total (fen) into ``k`` uneven parts in whole ``unit``: (parent, part)."""
    parent = np.repeat(np.arange(len(total)), k)
    w = rng.uniform(0.5, 1.5, len(parent))
    first = np.cumsum(k) - k
    sums = np.add.reduceat(w, first) if len(w) else w
    part = (np.floor(total[parent] * (w / sums[parent]) / unit) * unit).astype(np.int64)
    if len(part):
        part[first + k - 1] += total - np.add.reduceat(part, first)
    return parent, part


def _hold(n: int, level: int, rng: np.random.Generator, p: FinanceParams) -> np.ndarray:
    median, spread = p.hop_delay_min[level - 1]
    return (rng.lognormal(np.log(median), spread, n) * MINUTE).astype(np.int64) + 30


def _freeze(
    ctx: Ctx, acct: np.ndarray, arrive: np.ndarray, report: np.ndarray, lag_min: float
) -> np.ndarray:
    """Stop-payment time of each account: the earliest report traced to it, plus a lag."""
    book, rng = ctx.book, ctx.rng
    stop = np.full(len(book), NEVER, dtype=np.int64)
    lag = (rng.uniform(0.5, 1.5, len(acct)) * lag_min * MINUTE).astype(np.int64)
    hit = (report < NEVER) & (arrive < report + lag)
    np.minimum.at(stop, acct[hit], report[hit] + lag[hit])
    return stop


def prelude(ctx: Ctx, net: MuleNet, bank: Banking, ledger: Ledger) -> None:
    """Sellers test a new card with a small deposit from their own card before selling it."""
    clock, book, emit, rng = ctx.clock, ctx.book, ctx.emit, ctx.rng
    src = np.where(net.seller >= 0, bank.primary[np.maximum(net.seller, 0)], -1)
    ok = src >= 0
    frm, to = src[ok], net.account[ok]
    ts = clock.origin + rng.integers(0, 6 * HOUR, len(to))
    fen = rng.integers(1, 21, len(to)) * 100
    serial = emit.transactions(
        book, frm, to, ts, fen, channel=const("mobile", len(to)), memo=const("测试", len(to))
    )
    ledger.add(serial, ts, frm, to, fen)


def launder(
    ctx: Ctx,
    net: MuleNet,
    bank: Banking,
    ledger: Ledger,
    *,
    victim_to: np.ndarray,
    victim_ts: np.ndarray,
    victim_fen: np.ndarray,
    victim_report: np.ndarray,
) -> dict[str, int]:
    """Layer the victims' money through levels 1-3 to cash; counts of transfers by hop."""
    clock, book, emit, rng, p = ctx.clock, ctx.book, ctx.emit, ctx.rng, ctx.p
    ring_of = np.full(len(book), -1, dtype=np.int64)
    ring_of[net.account] = net.ring
    stats: dict[str, int] = {}
    acct, ts, fen, rep = victim_to, victim_ts, victim_fen, victim_report
    for level in (1, 2):
        lag = p.freeze_lag_min[level - 1]
        stop = _freeze(ctx, acct, ts, rep, lag)
        send = ts + _hold(len(acct), level, rng, p)
        go = (send < stop[acct]) & (send < clock.end)
        acct, send, fen, rep = acct[go], send[go], fen[go], rep[go]
        fee = rng.uniform(p.mule_fee[0], p.mule_fee[1], len(acct))
        net_fen = (np.floor(fen * (1 - fee) / 100) * 100).astype(np.int64)
        if level == 2:
            direct = rng.random(len(acct)) < p.direct_cash_share
            stats["cash_l2"] = _cash_out(
                ctx, bank, ledger, acct[direct], send[direct], fen=net_fen[direct]
            )
            acct, send, net_fen, rep = acct[~direct], send[~direct], net_fen[~direct], rep[~direct]
        k = rng.integers(1, 4 if level == 1 else 3, len(acct))
        parent, part = split(net_fen, k, rng)
        src = acct[parent]
        dst = net.pick(ring_of[src], level + 1, rng)
        when = send[parent] + rng.integers(0, 5 * MINUTE, len(parent))
        keep = (when < clock.end) & (part > 0)
        src, dst, when, part, parent = src[keep], dst[keep], when[keep], part[keep], parent[keep]
        ch = rng.integers(0, 2, len(src))
        serial = emit.transactions(
            book,
            src,
            dst,
            when,
            part,
            channel=pick(["mobile", "online"], ch),
            memo=pick(_MEMOS, rng.integers(0, len(_MEMOS), len(src))),
        )
        ledger.add(serial, when, src, dst, part)
        stats[f"hop{level + 1}"] = len(src)
        acct, ts, fen, rep = dst, when, part, rep[parent]
    send = ts + _hold(len(acct), 3, rng, p)
    share = rng.uniform(p.cash_out_share[0], p.cash_out_share[1], len(acct))
    cash = (np.floor(fen * share / 10_000) * 10_000).astype(np.int64)
    ok = send < clock.end
    stats["cash_l3"] = _cash_out(ctx, bank, ledger, acct[ok], send[ok], fen=cash[ok])
    return stats


def _cash_out(
    ctx: Ctx, bank: Banking, ledger: Ledger, acct: np.ndarray, ts: np.ndarray, *, fen: np.ndarray
) -> int:
    """Withdraw ``fen`` from each account in cash, at most ``atm_max_yuan`` per withdrawal."""
    clock, book, emit, rng, p = ctx.clock, ctx.book, ctx.emit, ctx.rng, ctx.p
    fen = (fen // 10_000) * 10_000
    top = p.atm_max_yuan * 100
    k = np.where(fen > 0, -(-fen // top), 0)
    parent = np.repeat(np.arange(len(acct)), k)
    step = np.arange(len(parent)) - np.repeat(np.cumsum(k) - k, k)
    amount = np.minimum(top, fen[parent] - step * top)
    when = ts[parent] + step * rng.integers(2 * MINUTE, 15 * MINUTE, len(parent))
    src = acct[parent]
    keep = when < clock.end
    src, when, amount = src[keep], when[keep], amount[keep]
    sink = book.cash_machine(src, rng, bank.cash_first)
    serial = emit.transactions(
        book,
        src,
        sink,
        when,
        amount,
        channel=const("atm", len(src)),
        memo=const("ATM取款", len(src)),
    )
    ledger.add(serial, when, src, sink, amount)
    return len(src)

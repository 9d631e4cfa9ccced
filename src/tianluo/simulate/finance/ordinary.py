"""Everyday transfers: salaries, remittances, rent, shopping, family transfers, cash.

Channels: ``batch`` (payroll batch), ``mobile`` (mobile banking), ``qr``
(QR-code payment at a merchant), ``pos`` (card terminal), ``online``,
``corporate`` (business to business) and ``atm`` (a cash withdrawal: a transfer
to a ``CASH-<bank>-<n>`` pseudo account).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.simulate.finance.accounts import Banking
from tianluo.simulate.finance.books import BANKS
from tianluo.simulate.finance.clock import HOUR, MINUTE, Clock
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import const, pick
from tianluo.simulate.finance.people import People
from tianluo.simulate.finance.social import Contacts
from tianluo.simulate.finance.wires import CHANNEL, MEMO, Wires, ids_of, time_order

BANK_SERVICE = (
    "95588",
    "95533",
    "95599",
    "95566",
    "95559",
    "95580",
    "95555",
    "4001196288",
    "4008696299",
    "96288",
)
_BATCH = 200_000  # persons per chunk of shopping and family transfers


def month_days(clock: Clock, day_of_month: np.ndarray) -> list[np.ndarray]:
    """Day offsets (or -1 outside the window) of a day of the month, one array per month."""
    out = []
    first = np.datetime64(clock.start, "M")
    for m in range(clock.days // 28 + 2):
        month = (first + m).astype("datetime64[D]")
        offset = int((month - np.datetime64(clock.start, "D")).astype(np.int64))
        day = offset + np.asarray(day_of_month) - 1
        out.append(np.where((day >= 0) & (day < clock.days), day, -1))
    return out


def _present(people: People, who: np.ndarray, day: np.ndarray) -> np.ndarray:
    return np.asarray((day >= people.first_day[who]) & (day < people.last_day[who]))


def _events(
    people: People, who: np.ndarray, rate: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson many events per person over their days present: (person, day)."""
    span = people.present_days[who]
    k = rng.poisson(rate * span)
    person = np.repeat(who, k)
    day = people.first_day[person] + (rng.random(len(person)) * people.present_days[person]).astype(
        np.int64
    )
    return person, day


def payroll(ctx: Ctx, bank: Banking, service: np.ndarray) -> int:
    """Monthly salaries in batches, salary SMS, remittances home and B2B revenue; rows written."""
    people, clock, book, emit, rng = ctx.people, ctx.clock, ctx.book, ctx.emit, ctx.rng
    n_emp = len(bank.employer_account)
    payday = rng.integers(5, 16, n_emp)
    workers = np.flatnonzero(bank.employer_of >= 0)
    migrant = people.group[workers] == "migrant_worker"
    salary = np.where(
        migrant,
        rng.lognormal(np.log(4500), 0.25, len(workers)),
        rng.lognormal(np.log(6000), 0.45, len(workers)),
    )
    salary_fen = (np.round(salary) * 100).astype(np.int64)
    rows = 0
    for days in month_days(clock, payday):
        day = days[bank.employer_of[workers]]
        ok = (day >= 0) & _present(people, workers, day)
        w, d = workers[ok], day[ok]
        emp = bank.employer_of[w]
        order = np.lexsort((w, emp))
        w, d, emp = w[order], d[order], emp[order]
        rank = np.arange(len(w)) - np.searchsorted(emp, emp)  # position in the employer's batch
        ts = clock.at(d, 10 * HOUR + rank * 2)
        fen = salary_fen[np.searchsorted(workers, w)]
        emit.transactions(
            book,
            bank.employer_account[emp],
            bank.primary[w],
            ts,
            fen,
            channel=const("batch", len(w)),
            memo=const("代发工资", len(w)),
        )
        rows += len(w)
        _salary_sms(ctx, bank, service, w, ts, fen=fen)
        rows += _revenue(ctx, bank, emp, fen, d)
        # migrant workers send part of it home a few days later
        home = bank.home_account[w]
        send = (home >= 0) & (rng.random(len(w)) < 0.8)
        later = d[send] + rng.integers(0, 4, int(send.sum()))
        keep = later < clock.days
        hw = w[send][keep]
        amount = (
            np.round(fen[send][keep] * rng.uniform(0.3, 0.5, len(hw)) / 10000) * 10000
        ).astype(np.int64)
        emit.transactions(
            book,
            bank.primary[hw],
            home[send][keep],
            clock.moments(later[keep], rng, "calls"),
            np.maximum(amount, 10000),
            channel=const("mobile", len(hw)),
            memo=const("家用", len(hw)),
        )
        rows += len(hw)
    return rows


def _salary_sms(
    ctx: Ctx, bank: Banking, service: np.ndarray, w: np.ndarray, ts: np.ndarray, *, fen: np.ndarray
) -> None:
    clock, book, numbers, emit = ctx.clock, ctx.book, ctx.numbers, ctx.emit
    acct = bank.primary[w]
    bank_i = book.bank[acct]
    ids = book.ids(acct)
    tail = pc.utf8_slice_codeunits(ids, -4, None) if len(w) else ids
    names = pick([b[0] for b in BANKS], bank_i)
    md = clock.iso(ts)
    md_text = pc.utf8_slice_codeunits(md, 5, 10)
    amount = pc.cast(pa.array(np.asarray(fen) / 100.0), pa.string())
    text = pc.binary_join_element_wise(
        "【", names, "】您尾号", tail, "的账户", md_text, "收到工资收入人民币", amount, "元。", ""
    )
    emit.messages(numbers, service[bank_i], w, ts + MINUTE, text=text)


def _revenue(ctx: Ctx, bank: Banking, emp: np.ndarray, fen: np.ndarray, day: np.ndarray) -> int:
    """Each employer that paid salaries received business revenue from another company before."""
    clock, book, emit, rng = ctx.clock, ctx.book, ctx.emit, ctx.rng
    payers, first = np.unique(emp, return_index=True)
    if len(payers) < 2:
        return 0
    total = np.add.reduceat(fen, first)
    client = rng.choice(len(bank.employer_account), len(payers))
    client = np.where(client == payers, (client + 1) % len(bank.employer_account), client)
    when = np.maximum(day[first] - rng.integers(1, 8, len(payers)), 0)
    amount = (total * rng.uniform(1.1, 1.6, len(payers)) / 100).astype(np.int64) * 100
    emit.transactions(
        book,
        bank.employer_account[client],
        bank.employer_account[payers],
        clock.moments(when, rng, "office"),
        amount,
        channel=const("corporate", len(payers)),
        memo=const("货款", len(payers)),
    )
    return len(payers)


def rents_and_allowances(ctx: Ctx, bank: Banking) -> int:
    """Monthly rent to landlords and living allowances from home to students."""
    people, clock, book, emit, rng = ctx.people, ctx.clock, ctx.book, ctx.emit, ctx.rng
    rows = 0
    tenants = np.flatnonzero(bank.landlord_of >= 0)
    pay_day = rng.integers(1, 29, len(tenants))
    students = np.flatnonzero((bank.home_account >= 0) & (people.group == "student"))
    allowance_day = rng.integers(1, 6, len(students))
    for days in month_days(clock, pay_day):
        ok = (days >= 0) & _present(people, tenants, days)
        t = tenants[ok]
        emit.transactions(
            book,
            bank.primary[t],
            bank.primary[bank.landlord_of[t]],
            clock.moments(days[ok], rng, "calls"),
            bank.rent_fen[t],
            channel=const("mobile", len(t)),
            memo=const("房租", len(t)),
        )
        rows += len(t)
    for days in month_days(clock, allowance_day):
        ok = days >= 0
        s = students[ok]
        fen = (rng.choice([1000, 1200, 1500, 2000], len(s)) * 100).astype(np.int64)
        emit.transactions(
            book,
            bank.home_account[s],
            bank.primary[s],
            clock.moments(days[ok], rng, "calls"),
            fen,
            channel=const("mobile", len(s)),
            memo=const("生活费", len(s)),
        )
        rows += len(s)
    return rows


def daily_spending(ctx: Ctx, bank: Banking, contacts: Contacts, wires: Wires | None = None) -> int:
    """Shopping at merchants, transfers and red packets to acquaintances, cash withdrawals.

    Planned ``wires`` (the pyramid's fees) are written among the transfers between
    people of their payer's batch, in one time order, and get their ``txn_id``.
    """
    people, clock, book, emit, rng, p = ctx.people, ctx.clock, ctx.book, ctx.emit, ctx.rng, ctx.p
    rows = 0
    owners = np.flatnonzero(bank.primary >= 0)
    if wires is not None:
        wires.txn_id = np.full(len(wires), "", dtype=object)
    for lo in range(0, len(owners), _BATCH):
        who = owners[lo : lo + _BATCH]
        person, day = _events(people, who, p.shopping_per_day, rng)
        m = rng.choice(len(bank.merchant_account), len(person), p=bank.merchant_weight)
        fen = (np.clip(rng.lognormal(np.log(45), 1.0, len(person)), 1, 5000) * 100).astype(np.int64)
        ch = rng.choice(3, len(person), p=[0.7, 0.25, 0.05])
        emit.transactions(
            book,
            bank.primary[person],
            bank.merchant_account[m],
            clock.moments(day, rng, "shopping"),
            fen,
            channel=pick(["qr", "pos", "online"], ch),
            memo=pick(["扫码支付", "消费", "网购"], ch),
        )
        rows += len(person)

        rows += _family(ctx, bank, contacts, who, wires)
        person, day = _events(people, who, p.atm_per_day, rng)
        fen = rng.integers(1, 31, len(person)) * 10_000
        acct = bank.primary[person]
        emit.transactions(
            book,
            acct,
            book.cash_machine(acct, rng, bank.cash_first),
            clock.moments(day, rng, "shopping"),
            fen,
            channel=const("atm", len(person)),
            memo=const("ATM取款", len(person)),
        )
        rows += len(person)
    rows += _settlements(ctx, bank)
    return rows


def _family(
    ctx: Ctx, bank: Banking, contacts: Contacts, who: np.ndarray, wires: Wires | None
) -> int:
    """Transfers and red packets to acquaintances (relatives elsewhere: their account back
    home), with the planned wires of payers among ``who``, written in time order."""
    people, clock, book, emit, rng, p = ctx.people, ctx.clock, ctx.book, ctx.emit, ctx.rng, ctx.p
    n = len(people)
    person, day = _events(people, who, p.family_per_day, rng)
    peer = contacts.sample(person, rng)
    inside = peer < n
    to = np.where(inside, bank.primary[np.where(inside, peer, 0)], bank.home_account[person])
    ok = to >= 0
    person, day, to = person[ok], day[ok], to[ok]
    packet = rng.random(len(person)) < 0.4
    fen = np.where(
        packet,
        rng.choice([666, 888, 6600, 8800, 16800, 18800, 20000, 52000], len(person)),
        (np.round(rng.lognormal(np.log(500), 0.9, len(person)) / 10) * 1000).astype(np.int64),
    )
    frm, ts, memo = bank.primary[person], clock.moments(day, rng, "calls"), packet
    back = ~inside[ok] & (rng.random(len(person)) < 0.3)  # relatives send money too
    frm, to = np.where(back, to, frm), np.where(back, frm, to)
    mine = np.empty(0, dtype=np.int64)
    if wires is not None:
        mine = np.flatnonzero(np.isin(wires.payer, who))
        frm = np.concatenate([frm, bank.primary[wires.payer[mine]]])
        to = np.concatenate([to, bank.primary[wires.payee[mine]]])
        ts = np.concatenate([ts, wires.ts[mine]])
        fen = np.concatenate([fen, wires.fen[mine]])
        memo = np.concatenate([memo, np.zeros(len(mine), dtype=bool)])
    order, rank = time_order(ts)
    serial = emit.transactions(
        book,
        frm[order],
        to[order],
        ts[order],
        np.maximum(fen[order], 100),
        channel=const(CHANNEL, len(order)),
        memo=pick([MEMO, "红包"], memo[order].astype(int)),
    )
    if wires is not None and wires.txn_id is not None:
        wires.txn_id[mine] = ids_of(serial[rank[len(person) :]])
    return len(order)


def _settlements(ctx: Ctx, bank: Banking) -> int:
    """Merchants move their takings to their owner's own card once a week."""
    clock, book, emit, rng = ctx.clock, ctx.book, ctx.emit, ctx.rng
    weeks = clock.days // 7
    n_m = len(bank.merchant_account)
    m = np.repeat(np.arange(n_m), weeks)
    day = np.tile(np.arange(weeks) * 7, n_m) + rng.integers(0, 7, len(m))
    fen = (bank.merchant_weight[m] * n_m * rng.uniform(2000, 6000, len(m))).astype(np.int64) * 100
    emit.transactions(
        book,
        bank.merchant_account[m],
        bank.primary[bank.merchant_owner[m]],
        clock.at(day, 21 * HOUR + rng.integers(0, HOUR, len(m))),
        np.maximum(fen, 10000),
        channel=const("mobile", len(m)),
        memo=const("营业款", len(m)),
    )
    return len(m)

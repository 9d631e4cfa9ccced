"""Victims: a long call from a ring's SIM, transfers to a mule soon after, a report within hours.

A victim answers a call from one of the ring's live SIMs and stays on the line
for many minutes (the median hook call lasts 20 minutes, against 25 seconds for
the ring's other answered calls). Between ``transfer_delay_min`` minutes after
the call ends the first transfer leaves the victim's own card for a level-1 mule
of that ring; scripts that escalate (刷单返利, 投资理财) take up to
``max_transfers`` growing transfers. Most victims report (``report_share``),
usually within hours of the last transfer; the report lists every transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tianluo.simulate.finance.accounts import Banking
from tianluo.simulate.finance.chatter import Handsets
from tianluo.simulate.finance.clock import DAY, MINUTE
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import const, txn_ids
from tianluo.simulate.finance.fraud_ops import Rings
from tianluo.simulate.finance.ids import as_text
from tianluo.simulate.finance.mules import NEVER, MuleNet
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import People
from tianluo.simulate.finance.texts import (
    FRAUD_REPORT,
    NO_LOSS_REPORT,
    SCAM_CALL_PRETEXT,
    SCAM_KINDS,
)

# median first transfer (yuan) and growth per further transfer, by script
_AMOUNT = {
    "刷单返利": (1500, 1.8),
    "冒充客服": (6000, 1.0),
    "贷款": (3000, 1.3),
    "冒充公检法": (40000, 1.2),
    "投资理财": (20000, 1.6),
}


@dataclass
class Fraud:
    """Who was defrauded, by which SIM, and the transfers (the truth of traces and reports)."""

    victim: np.ndarray  # person index
    ring: np.ndarray
    sim: np.ndarray  # SIM index into Rings
    hook_start: np.ndarray
    hook_end: np.ndarray
    report_at: np.ndarray  # NEVER when the victim does not report (within the window)
    t_victim: np.ndarray  # per transfer: index into the victim arrays
    t_serial: np.ndarray
    t_ts: np.ndarray
    t_to: np.ndarray
    t_fen: np.ndarray

    @property
    def t_report(self) -> np.ndarray:
        return np.asarray(self.report_at[self.t_victim])


def count_victims(people: People, bank: Banking, p: FinanceParams) -> int:
    return max(9, round(p.victim_share * int((_eligible(people, bank)).sum())))


def _eligible(people: People, bank: Banking) -> np.ndarray:
    return np.asarray(
        people.living()
        & (bank.primary >= 0)
        & (people.first_day == 0)
        & (people.last_day == people.last_day.max())
    )


def defraud(
    ctx: Ctx, bank: Banking, handsets: Handsets, rings: Rings, net: MuleNet, *, n_victims: int
) -> Fraud:
    """Hook calls and victims' transfers to level-1 mules (written); who reports and when."""
    people, clock, book, numbers, emit = ctx.people, ctx.clock, ctx.book, ctx.numbers, ctx.emit
    rng, p = ctx.rng, ctx.p
    pool = np.flatnonzero(_eligible(people, bank))
    weight = np.where(people.group[pool] == "resident", 1.0, 0.6) * np.where(
        people.age[pool] >= 55, 1.5, 1.0
    )
    victim = rng.choice(pool, n_victims, replace=False, p=weight / weight.sum())
    sim = rng.integers(0, len(rings.sim_ring), n_victims)
    ring = rings.sim_ring[sim]
    last_day = np.minimum(rings.sim_last[sim], clock.days - 2)
    first_day = np.minimum(rings.sim_first[sim], last_day - 1)
    day = first_day + (rng.random(n_victims) * np.maximum(last_day - first_day, 1)).astype(np.int64)
    hook_start = clock.moments(np.maximum(day, 0), rng, "office")
    hook_end = hook_start + np.clip(rng.lognormal(np.log(1200), 0.5, n_victims), 300, 5400).astype(
        np.int64
    )
    emit.calls(
        numbers,
        rings.sim_number[sim],
        victim,
        hook_start,
        hook_end - hook_start,
        caller_cell=handsets.cell(rings.sim_number[sim], hook_start, clock),
        callee_cell=handsets.cell(victim, hook_start, clock),
        imei=as_text(rings.handset(sim, rng)),
    )

    kind = np.array(SCAM_KINDS, dtype=object)[rings.kind[ring]]
    k = rng.integers(1, p.max_transfers + 1, n_victims)
    k = np.where(np.isin(kind, ["刷单返利", "投资理财"]), k, np.minimum(k, 2))
    t_victim = np.repeat(np.arange(n_victims), k)
    step = np.arange(len(t_victim)) - np.repeat(np.cumsum(k) - k, k)
    delay = rng.integers(
        p.transfer_delay_min[0] * MINUTE, p.transfer_delay_min[1] * MINUTE + 1, len(t_victim)
    )
    gap = rng.integers(
        p.transfer_gap_min[0] * MINUTE, p.transfer_gap_min[1] * MINUTE + 1, len(t_victim)
    )
    gap[step == 0] = 0
    first = np.cumsum(k) - k
    offsets = np.cumsum(gap) - np.repeat(np.cumsum(gap)[first] - gap[first], k)
    t_ts = hook_end[t_victim] + np.repeat(delay[first], k) + offsets
    base = np.array([_AMOUNT[x][0] for x in kind]) * rng.lognormal(0, 0.6, n_victims)
    growth = np.array([_AMOUNT[x][1] for x in kind])
    yuan = base[t_victim] * growth[t_victim] ** step
    fen = (
        np.where(rng.random(len(yuan)) < 0.6, np.round(yuan / 100) * 100, np.round(yuan)) * 100
    ).astype(np.int64)
    t_to = net.pick(ring[t_victim], 1, rng)
    again = (step > 0) & (rng.random(len(t_to)) < 0.6)
    t_to[again] = t_to[np.flatnonzero(again) - 1]  # same account as the previous transfer
    keep = t_ts < clock.end - 3600
    t_victim, t_ts, t_to, fen = t_victim[keep], t_ts[keep], t_to[keep], np.maximum(fen[keep], 10000)
    t_from = bank.primary[victim[t_victim]]
    serial = emit.transactions(
        book,
        t_from,
        t_to,
        t_ts,
        fen,
        channel=const("mobile", len(t_ts)),
        memo=const(None, len(t_ts)),
    )

    last = np.full(n_victims, -1, dtype=np.int64)
    np.maximum.at(last, t_victim, t_ts)
    late = rng.random(n_victims) < p.late_report_share
    wait = np.where(
        late,
        rng.integers(DAY, 3 * DAY, n_victims),
        rng.integers(p.report_delay_min[0] * MINUTE, p.report_delay_min[1] * MINUTE + 1, n_victims),
    )
    report_at = last + wait
    reports = (rng.random(n_victims) < p.report_share) & (last >= 0) & (report_at < clock.end)
    report_at = np.where(reports, report_at, NEVER)
    return Fraud(
        victim, ring, sim, hook_start, hook_end, report_at, t_victim, serial, t_ts, t_to, fen
    )


def write_reports(ctx: Ctx, fraud: Fraud, rings: Rings) -> int:
    """Victims' reports (with the transfers to trace) and reports of fraud calls without loss."""
    people, clock, book, numbers, emit = ctx.people, ctx.clock, ctx.book, ctx.numbers, ctx.emit
    who = np.flatnonzero(fraud.report_at < NEVER)
    sim_numbers = numbers.numbers(rings.sim_number[fraud.sim]).to_pylist()
    txn_text = txn_ids(fraud.t_serial).to_pylist()
    to_text = book.ids(fraud.t_to).to_pylist()
    by_victim: dict[int, list[int]] = {}
    for i, v in enumerate(fraud.t_victim.tolist()):
        by_victim.setdefault(v, []).append(i)
    texts, txns = [], []
    hook_text = clock.iso(fraud.hook_start).to_pylist()
    for v in who.tolist():
        rows = by_victim[v]
        kind = SCAM_KINDS[int(rings.kind[fraud.ring[v]])]
        total = int(fraud.t_fen[rows].sum()) / 100
        texts.append(
            FRAUD_REPORT.format(
                when=hook_text[v][5:10].replace("-", "月") + "日",
                caller=sim_numbers[v],
                pretext=SCAM_CALL_PRETEXT[kind],
                k=len(rows),
                amount=f"{total:.2f}",
                first=to_text[rows[0]],
            )
        )
        txns.append(";".join(txn_text[i] for i in rows))
    # people who answered a ring's call, saw through it and reported the number
    extra_texts, extra_phone, extra_ts = _no_loss(ctx, fraud, rings)
    n = len(who) + len(extra_texts)
    person = fraud.victim[who]
    nowhere = np.zeros(len(extra_ts))
    unplaced = np.concatenate([np.zeros(len(who), bool), np.ones(len(extra_ts), bool)])
    emit.write(
        "reports",
        {
            "report_id": as_text(emit.serials("report", n), 8, "FR"),
            "ts": clock.iso(np.concatenate([fraud.report_at[who], extra_ts])),
            "text": pa.array(texts + extra_texts, pa.string()),
            "reporter_phone": pa.concat_arrays(
                [numbers.numbers(person), numbers.numbers(extra_phone)]
            ),
            # a victim reports at home; a caller reporting a number gives no place
            "lat": pa.array(np.concatenate([people.home_lat[person], nowhere]), mask=unplaced),
            "lon": pa.array(np.concatenate([people.home_lon[person], nowhere]), mask=unplaced),
            "txn_id": pa.array(txns + [None] * len(extra_texts), pa.string()),
        },
    )
    return n


def _no_loss(ctx: Ctx, fraud: Fraud, rings: Rings) -> tuple[list[str], np.ndarray, np.ndarray]:
    numbers, rng, p = ctx.numbers, ctx.rng, ctx.p
    calls = rings.calls
    if calls is None or len(calls) == 0:
        return [], np.empty(0, np.int64), np.empty(0, np.int64)
    answered = np.flatnonzero((calls.duration > 0) & (calls.callee < len(ctx.people)))
    m = min(len(answered), round(p.no_loss_reports_per_victim * len(fraud.victim)))
    pick = rng.choice(answered, m, replace=False)
    sim_of = {int(x): i for i, x in enumerate(rings.sim_number.tolist())}
    callers = numbers.numbers(calls.caller[pick]).to_pylist()
    kinds = [
        SCAM_KINDS[int(rings.kind[rings.sim_ring[sim_of[int(c)]]])] for c in calls.caller[pick]
    ]
    texts = [
        NO_LOSS_REPORT.format(caller=c, pretext=SCAM_CALL_PRETEXT[k])
        for c, k in zip(callers, kinds, strict=True)
    ]
    ts = calls.ts[pick] + rng.integers(10 * MINUTE, 6 * 3600, m)
    keep = ts < ctx.clock.end
    return (
        [t for t, k in zip(texts, keep.tolist(), strict=True) if k],
        calls.callee[pick][keep],
        ts[keep],
    )

"""Hard negatives on the telephone: telemarketers, couriers and call centres.

Each dials many strangers a day with short calls, like a fraud ring, but from
numbers years old, registered to the worker, in one handset, and people call
them back (couriers most of all). Call centres use service numbers (95588,
10086, ...), outside ``phones``, and also receive many calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.accounts import Company, add_companies
from tianluo.simulate.finance.campaigns import CallBatch, callbacks, dial, durations, working_days
from tianluo.simulate.finance.chatter import Handsets
from tianluo.simulate.finance.clock import DAY
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import pick, templated
from tianluo.simulate.finance.ids import CARRIER_PREFIXES, as_text, imeis, new_mobiles
from tianluo.simulate.finance.subscribers import Subscribers
from tianluo.simulate.finance.texts import BANK_LOAN_ADS, COURIER_SMS

YEAR = 365 * DAY
CARRIER_SERVICE = ("10086", "10010", "10000")
COURIER_SERVICE = ("95311", "95338", "95546")
_PREFIXES = (
    CARRIER_PREFIXES["中国移动"] + CARRIER_PREFIXES["中国联通"] + CARRIER_PREFIXES["中国电信"]
)


@dataclass
class ProLines:
    """Work numbers of telemarketers and couriers (the hard negatives' truth)."""

    number: np.ndarray  # number indices
    role: np.ndarray  # "telemarketer" or "courier"


def pro_lines(
    ctx: Ctx, service: np.ndarray, handsets: Handsets, companies: Company, subscribers: Subscribers
) -> ProLines:
    """Telemarketers', couriers' and call centres' calls; their lines and the call rows written."""
    people, clock, numbers, emit, rng, p = (
        ctx.people,
        ctx.clock,
        ctx.numbers,
        ctx.emit,
        ctx.rng,
        ctx.p,
    )
    n = len(people)
    n_tm = max(3, n // p.persons_per_telemarketer)
    n_co = max(3, n // p.persons_per_courier)
    workforce = np.flatnonzero(
        people.in_groups(("resident", "migrant_worker"))
        & (people.age >= 20)
        & (people.age <= 50)
        & (people.first_day == 0)
        & (people.last_day == clock.days)
    )
    workers = rng.choice(workforce, n_tm + n_co, replace=False)
    lines = numbers.add_mobiles(new_mobiles(n_tm + n_co, rng, numbers.taken, _PREFIXES))
    device = imeis(n_tm + n_co, rng)
    activated = clock.origin - rng.integers(1 * YEAR, 8 * YEAR, n_tm + n_co)
    subscribers.add(lines, people.id_number[workers], people.name[workers], activated, device)
    add_companies(
        ctx,
        companies,
        max(1, n_tm // 10),
        kind="telemarketing",
        industries=("信息咨询", "保险代理"),
        reps=workers[:n_tm],
    )
    add_companies(
        ctx,
        companies,
        max(1, n_co // 20),
        kind="courier",
        industries=("快递", "物流"),
        reps=workers[n_tm:],
    )

    everyone = np.arange(n)
    outside = np.arange(n, len(numbers))
    tm_w, tm_day = working_days(clock, np.zeros(n_tm, np.int64), np.full(n_tm, clock.days), True)
    who, callee, ts = dial(
        ctx,
        lines[tm_w],
        tm_day,
        per_day=p.telemarketer_calls_per_day,
        targets=np.concatenate([everyone, outside[:n]]),
        profile="office",
    )
    tm = CallBatch(
        who, callee, ts, durations(rng, len(who), answer_rate=0.35, median_s=40, spread=0.9)
    )
    co_w, co_day = working_days(clock, np.zeros(n_co, np.int64), np.full(n_co, clock.days), False)
    who, callee, ts = dial(
        ctx,
        lines[n_tm + co_w],
        co_day,
        per_day=p.courier_calls_per_day,
        targets=everyone,
        profile="courier",
    )
    co = CallBatch(
        who,
        callee,
        ts,
        durations(rng, len(who), answer_rate=0.75, median_s=25, spread=0.6, longest=300),
    )
    batch = CallBatch.concat(
        [
            tm,
            callbacks(rng, tm, rate_missed=0.1, rate_answered=0.03, median_s=90),
            co,
            callbacks(
                rng, co, rate_missed=0.45, rate_answered=0.02, median_s=30, delay_min=(1, 60)
            ),
        ]
    )
    batch = CallBatch.concat([batch, _call_centres(ctx)])
    fixed = np.full(len(numbers), -1, dtype=np.int64)
    fixed[lines] = device
    emit.calls(
        numbers,
        batch.caller,
        batch.callee,
        batch.ts,
        batch.duration,
        caller_cell=handsets.cell(batch.caller, batch.ts, clock),
        callee_cell=handsets.cell(batch.callee, batch.ts, clock),
        imei=handsets.imei_text(batch.caller, batch.ts, fixed),
    )
    _service_sms(ctx, service, co)
    role = np.array(["telemarketer"] * n_tm + ["courier"] * n_co, dtype=object)
    return ProLines(lines, role)


def _call_centres(ctx: Ctx) -> CallBatch:
    clock, numbers, rng, p = ctx.clock, ctx.numbers, ctx.rng, ctx.p
    n = len(ctx.people)
    centres = numbers.add_text(np.array(CARRIER_SERVICE, dtype=object))
    per_day = max(5, int(p.call_centre_calls_per_day * n / 1_000_000))
    c_w, c_day = working_days(
        clock, np.zeros(len(centres), np.int64), np.full(len(centres), clock.days), False
    )
    who, callee, ts = dial(
        ctx,
        centres[c_w],
        c_day,
        per_day=(per_day // 2, per_day),
        targets=np.arange(n),
        profile="office",
    )
    out = CallBatch(
        who, callee, ts, durations(rng, len(who), answer_rate=0.6, median_s=90, spread=0.8)
    )
    inbound = CallBatch(
        callee[: len(callee) // 2],
        centres[rng.integers(0, len(centres), len(callee) // 2)],
        ts[: len(callee) // 2] + 3600,
        durations(rng, len(callee) // 2, answer_rate=0.95, median_s=180, spread=0.8),
    )
    return CallBatch.concat([out, inbound])


def _service_sms(ctx: Ctx, service: np.ndarray, courier_calls: CallBatch) -> None:
    """Parcel pick-up codes to the people couriers called, and banks' genuine loan offers."""
    clock, numbers, emit, rng = ctx.clock, ctx.numbers, ctx.emit, ctx.rng
    n = len(ctx.people)
    centres = numbers.add_text(np.array(COURIER_SERVICE, dtype=object))
    k = len(courier_calls) // 2
    receiver = courier_calls.callee[:k]
    code = rng.integers(0, len(COURIER_SMS), k)
    emit.messages(
        numbers,
        centres[rng.integers(0, len(centres), k)],
        receiver,
        courier_calls.ts[:k] - 600,
        text=templated(COURIER_SMS, code, as_text(rng.integers(0, 10**6, k), 6)),
    )
    m = max(10, n // 50)
    banks = rng.integers(0, len(BANK_LOAN_ADS), m)
    emit.messages(
        numbers,
        service[np.where(banks == 0, 0, 1)],
        rng.integers(0, n, m),
        clock.moments(rng.integers(0, clock.days, m), rng, "office"),
        text=pick(BANK_LOAN_ADS, banks),
    )

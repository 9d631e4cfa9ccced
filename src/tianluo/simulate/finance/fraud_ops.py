"""Telecom-fraud rings: batches of young SIMs, shared handsets, floods of short calls and texts.

A ring runs one script (刷单返利, 冒充客服, 贷款, 冒充公检法 or 投资理财). It
buys SIM cards registered to other people (identity cards sold by elderly
residents or students) or to identities that exist nowhere in the city, uses
each SIM for a few days within weeks of its activation, and moves SIMs between
a handful of handsets: one number shows several IMEIs, one IMEI cycles many
numbers. Each SIM dials strangers all day; few answer, fewer call back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tianluo.model.regions import county_codes
from tianluo.simulate.finance.campaigns import CallBatch, callbacks, dial, durations
from tianluo.simulate.finance.chatter import Handsets
from tianluo.simulate.finance.clock import DAY
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import templated
from tianluo.simulate.finance.ids import as_text, identity_numbers, imeis, new_mobiles
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import People
from tianluo.simulate.finance.subscribers import Subscribers
from tianluo.simulate.finance.texts import SCAM_KINDS, SCAM_SMS
from tianluo.simulate.names import random_names

_SIM_PREFIXES = (170, 171, 170, 171, 165, 167, 184, 186, 133)


@dataclass
class Rings:
    """The fraud rings and their SIM cards (the truth of ``fraud_numbers``)."""

    kind: np.ndarray  # per ring: index into SCAM_KINDS
    sim_ring: np.ndarray  # per SIM
    sim_number: np.ndarray  # number index of each SIM
    sim_first: np.ndarray  # first day of use
    sim_last: np.ndarray  # exclusive
    activated: np.ndarray  # timestamps
    sim_devices: np.ndarray  # (sims, 3) IMEIs (int64) the SIM is used in, repeats allowed
    calls: CallBatch | None = None  # the rings' outbound calls (without hook calls)

    @property
    def rings(self) -> int:
        return len(self.kind)

    def handset(self, sim: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The handset used for each call of a SIM."""
        return np.asarray(self.sim_devices[sim, rng.integers(0, 3, len(sim))])


def plan_rings(ctx: Ctx, n_victims: int, subscribers: Subscribers) -> Rings:
    """Rings, SIM schedules, handsets and the SIMs' real-name registrations."""
    people, clock, numbers, rng, p = ctx.people, ctx.clock, ctx.numbers, ctx.rng, ctx.p
    n_rings = max(3, len(people) // p.persons_per_ring)
    kind = np.arange(n_rings) % len(SCAM_KINDS)
    per_ring = max(8, round(p.sims_per_victim * n_victims / n_rings))
    n_sims = per_ring * n_rings
    sim_ring = np.repeat(np.arange(n_rings), per_ring)
    # each ring rotates through its SIMs so that some SIM is live every day
    slot = np.tile(np.arange(per_ring), n_rings)
    length = rng.integers(p.sim_active_days[0], p.sim_active_days[1] + 1, n_sims)
    first = np.floor(slot * (clock.days - 1) / per_ring).astype(np.int64) + rng.integers(
        0, 2, n_sims
    )
    first = np.clip(first, 0, clock.days - 1)
    last = np.minimum(first + length, clock.days)
    age = rng.integers(p.sim_age_days[0], p.sim_age_days[1] + 1, n_sims) * DAY
    activated = clock.at(first, 0) - age - rng.integers(DAY // 3, DAY, n_sims)
    sims = numbers.add_mobiles(new_mobiles(n_sims, rng, numbers.taken, _SIM_PREFIXES))
    pool_size = rng.integers(p.devices_per_ring[0], p.devices_per_ring[1] + 1, n_rings)
    pool = imeis(int(pool_size.sum()), rng)
    pool_first = np.cumsum(pool_size) - pool_size
    pick = pool_first[sim_ring][:, None] + (
        rng.random((n_sims, 3)) * pool_size[sim_ring][:, None]
    ).astype(np.int64)
    devices = pool[pick]
    ids, names = _identities(people, n_sims, rng, p)
    subscribers.add(sims, ids, names, activated, devices[:, 0])
    return Rings(kind, sim_ring, sims, first, last, activated, devices)


def _identities(
    people: People, n: int, rng: np.random.Generator, p: FinanceParams
) -> tuple[np.ndarray, np.ndarray]:
    """Borrowed identities (old residents, students) or identities of nobody in the city."""
    borrowed = rng.random(n) < p.borrowed_identity_share
    sellers = np.flatnonzero(
        (people.in_groups(("resident",)) & (people.age >= 60)) | people.in_groups(("student",))
    )
    ids = np.empty(n, dtype=object)
    names = np.empty(n, dtype=object)
    k = int(borrowed.sum())
    if len(sellers) and k:
        who = rng.choice(sellers, k)
        ids[borrowed], names[borrowed] = people.id_number[who], people.name[who]
    else:
        borrowed[:] = False
    fake = ~borrowed
    m = int(fake.sum())
    counties = np.array([c for c in county_codes() if not c.startswith("45")], dtype=object)
    birth = np.datetime64("1965-01-01") + rng.integers(0, 35 * 365, m).astype("timedelta64[D]")
    ids[fake] = identity_numbers(
        counties[rng.integers(0, len(counties), m)], birth, rng.integers(0, 1000, m)
    )
    names[fake] = random_names(np.where(rng.random(m) < 0.6, "M", "F"), np.zeros(m, bool), rng)
    return ids, names


def flood(ctx: Ctx, rings: Rings, handsets: Handsets) -> int:
    """The rings' calls and texts to strangers; keeps the calls on ``rings``; rows written."""
    people, clock, numbers, emit, rng, p = (
        ctx.people,
        ctx.clock,
        ctx.numbers,
        ctx.emit,
        ctx.rng,
        ctx.p,
    )
    span = rings.sim_last - rings.sim_first
    sim = np.repeat(np.arange(len(span)), span)
    day = rings.sim_first[sim] + np.arange(len(sim)) - np.repeat(np.cumsum(span) - span, span)
    n = len(people)
    targets = np.concatenate([np.flatnonzero(people.adult), np.arange(n, len(numbers))[: n // 3]])
    who, callee, ts = dial(
        ctx, sim, day, per_day=p.sim_calls_per_day, targets=targets, profile="office"
    )
    out = CallBatch(
        who,
        callee,
        ts,
        durations(rng, len(who), answer_rate=p.fraud_answer_rate, median_s=25, spread=0.8),
    )
    rings.calls = CallBatch(rings.sim_number[who], callee, ts, out.duration)
    back = callbacks(
        rng, rings.calls, rate_missed=p.fraud_callback_rate, rate_answered=0.005, median_s=15
    )
    imei = as_text(rings.handset(who, rng))
    emit.calls(
        numbers,
        rings.calls.caller,
        callee,
        ts,
        out.duration,
        caller_cell=handsets.cell(rings.calls.caller, ts, clock),
        callee_cell=handsets.cell(callee, ts, clock),
        imei=imei,
    )
    emit.calls(
        numbers,
        back.caller,
        back.callee,
        back.ts,
        back.duration,
        caller_cell=handsets.cell(back.caller, back.ts, clock),
        callee_cell=handsets.cell(back.callee, back.ts, clock),
        imei=handsets.imei_text(back.caller, back.ts),
    )
    k = rng.poisson(p.fraud_sms_per_sim_day, len(sim))
    s_sim = np.repeat(sim, k)
    s_ts = clock.moments(np.repeat(day, k), rng, "office")
    kind = rings.kind[rings.sim_ring[s_sim]]
    text = _scam_texts(kind, rng)
    emit.messages(
        numbers,
        rings.sim_number[s_sim],
        targets[rng.integers(0, len(targets), len(s_sim))],
        s_ts,
        text=text,
    )
    return len(who) + len(back)


def _scam_texts(kind: np.ndarray, rng: np.random.Generator) -> pa.Array:
    vocab = [t for k in SCAM_KINDS for t in SCAM_SMS[k]]
    first = np.cumsum([0] + [len(SCAM_SMS[k]) for k in SCAM_KINDS])
    sizes = np.diff(first)
    code = first[kind] + (rng.random(len(kind)) * sizes[kind]).astype(np.int64)
    contact = as_text(rng.integers(10**7, 10**10, len(kind)))
    return templated(vocab, code, contact)

"""Everyday telephone life: calls and texts between acquaintances, missed calls called back.

Ordinary people call a few acquaintances, mostly in the evening, answer most
calls, call back most missed ones, keep one handset (a few change it once) and
are seen at the cell near home, or near work in office hours on weekdays.
Calls are generated and written a few days at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.simulate.finance.clock import DAY, HOUR, MINUTE, Clock
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import pick
from tianluo.simulate.finance.ids import as_text, imeis
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import People
from tianluo.simulate.finance.social import Contacts
from tianluo.simulate.finance.texts import EVERYDAY_SMS


@dataclass
class Handsets:
    """The handsets and serving cells of the city's own people (number index = person index)."""

    first: np.ndarray  # IMEI (int64) of each person's handset
    second: np.ndarray  # the new handset of those who change, else the same
    change_at: np.ndarray  # timestamp of the change (never for most)
    cells: pa.Array  # home cells, then work cells, then one null (numbers outside the city)
    here_from: np.ndarray | None = None  # first second in the city (None: always here)
    here_until: np.ndarray | None = None  # first second after leaving it

    def imei_text(
        self, caller: np.ndarray, ts: np.ndarray, fixed: np.ndarray | None = None
    ) -> pa.Array:
        """The handset of each caller: the person's own, or ``fixed[number]`` (-1: unknown)."""
        n = len(self.first)
        inside = caller < n
        p = np.where(inside, caller, 0)
        imei = np.where(ts >= self.change_at[p], self.second[p], self.first[p])
        if fixed is not None:
            imei = np.where(inside, imei, fixed[caller])
        else:
            imei = np.where(inside, imei, -1)
        text = as_text(np.maximum(imei, 0))
        return pc.if_else(pa.array(imei >= 0), text, pa.scalar(None, pa.string()))

    def cell(self, person: np.ndarray, ts: np.ndarray, clock: Clock) -> pa.Array:
        """The cell serving each person at each time: work in office hours on weekdays;
        none (null) while the person is not in the city, as for numbers outside it."""
        n = len(self.first)
        hour = (ts - clock.origin) % DAY // HOUR
        weekday = clock.weekday(clock.day_of(ts)) < 5
        at_work = weekday & (hour >= 9) & (hour < 18)
        inside = person < n
        if self.here_from is not None and self.here_until is not None:
            p = np.where(inside, person, 0)
            inside &= (ts >= self.here_from[p]) & (ts < self.here_until[p])
        idx = np.where(inside, np.where(at_work, n + person, person), 2 * n)
        return self.cells.take(pa.array(idx))


def cell_ids(lat: np.ndarray, lon: np.ndarray) -> pa.Array:
    """Serving-cell ids of positions: ``C`` + a code of the ~500 m square holding them."""
    code = (np.floor(lat / 0.005).astype(np.int64) % 10_000) * 10_000 + (
        np.floor(lon / 0.005).astype(np.int64) % 10_000
    )
    return as_text(code, 8, "C")


def handsets(people: People, clock: Clock, rng: np.random.Generator, p: FinanceParams) -> Handsets:
    """One handset per person, a second one for the few who change it during the window.

    A Population with handsets (``imei``, ``imei_next``, ``imei_change_s``) decides
    both; otherwise they are drawn here at ``p.device_change_share``.
    """
    n = len(people)
    both = imeis(2 * n, rng)
    if people.imei is not None:  # keep the handsets the city registered in ``phones``
        both[:n] = people.imei
    change = rng.random(n) < p.device_change_share
    change_at = np.where(
        change, clock.origin + rng.integers(0, clock.days * DAY, n), np.iinfo(np.int64).max
    )
    cells = pa.concat_arrays(
        [
            cell_ids(people.home_lat, people.home_lon),
            cell_ids(people.work_lat, people.work_lon),
            pa.array([None], pa.string()),
        ]
    )
    second = np.where(change, both[n:], both[:n])
    if people.imei_next is not None and people.imei_change_s is not None:
        # the city decided who changes handset, and when: calls agree with ``phones``
        second = people.imei_next
        moved = people.imei_next != both[:n]
        change_s = np.minimum(people.imei_change_s, clock.days * DAY)
        change_at = np.where(moved, clock.origin + change_s, np.iinfo(np.int64).max)
    here = (clock.origin + people.first_day * DAY, clock.origin + people.last_day * DAY)
    return Handsets(both[:n], second, change_at, cells, *here)


def _chunk_events(
    people: People, lo: int, hi: int, rate: float, rng: np.random.Generator, *, away: int
) -> tuple[np.ndarray, np.ndarray]:
    """(person, day) of events in days ``lo``-``hi``: while in the city and ``away`` days
    before coming and after leaving (phones work elsewhere too)."""
    came, left = people.first_day > 0, people.last_day < people.last_day.max()
    first = np.where(came, people.first_day - away, people.first_day)
    last = np.where(left & (people.present_days > 0), people.last_day + away, people.last_day)
    start = np.maximum(first, lo)
    span = np.clip(np.minimum(last, hi) - start, 0, None)
    k = rng.poisson(rate * span)
    person = np.repeat(np.arange(len(people)), k)
    day = start[person] + (rng.random(len(person)) * span[person]).astype(np.int64)
    return person, day


def everyday_calls(ctx: Ctx, contacts: Contacts, phones: Handsets) -> int:
    """Calls and texts between acquaintances, written ``p.day_chunk`` days at a time."""
    people, clock, numbers, emit, rng, p = (
        ctx.people,
        ctx.clock,
        ctx.numbers,
        ctx.emit,
        ctx.rng,
        ctx.p,
    )
    rows = 0
    for lo in range(0, clock.days, p.day_chunk):
        hi = min(clock.days, lo + p.day_chunk)
        caller, day = _chunk_events(people, lo, hi, p.calls_per_day, rng, away=p.away_call_days)
        callee = contacts.sample(caller, rng)
        ts = clock.moments(day, rng, "calls")
        incoming = (callee >= len(people)) & (rng.random(len(caller)) < 0.4)
        caller, callee = np.where(incoming, callee, caller), np.where(incoming, caller, callee)
        answered = rng.random(len(caller)) < p.answer_rate
        duration = np.where(
            answered, np.clip(rng.lognormal(np.log(75), 1.0, len(caller)), 3, 3600), 0
        )
        back = ~answered & (rng.random(len(caller)) < p.callback_rate)
        b_caller, b_callee = callee[back], caller[back]
        b_ts = ts[back] + rng.integers(MINUTE, 30 * MINUTE, int(back.sum()))
        b_duration = np.clip(rng.lognormal(np.log(60), 0.9, len(b_ts)), 3, 3600)
        caller = np.concatenate([caller, b_caller])
        callee = np.concatenate([callee, b_callee])
        ts = np.concatenate([ts, b_ts])
        duration = np.concatenate([duration, b_duration]).astype(np.int64)
        emit.calls(
            numbers,
            caller,
            callee,
            ts,
            duration,
            caller_cell=phones.cell(caller, ts, clock),
            callee_cell=phones.cell(callee, ts, clock),
            imei=phones.imei_text(caller, ts),
        )
        rows += len(caller)

        sender, day = _chunk_events(people, lo, hi, p.sms_per_day, rng, away=p.away_call_days)
        receiver = contacts.sample(sender, rng)
        text = pick(EVERYDAY_SMS, rng.integers(0, len(EVERYDAY_SMS), len(sender)))
        emit.messages(numbers, sender, receiver, clock.moments(day, rng, "messages"), text=text)
    return rows

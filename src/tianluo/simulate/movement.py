"""Daily movement as phone location fixes (``pings``), generated in vectorised chunks.

Each person present in the city on a day gets a Poisson number of fixes
(``SimConfig.pings_per_day``), at hours weighted by phone activity. Where a fix
lands depends on the hour and the person's schedule:

* at night (21:00-07:00) and by default: home;
* in working hours on working days: the workplace (residents Monday-Friday
  9-17, migrant workers Monday-Saturday 8-18, students every day on campus);
* participants on their organisation's lecture days: the venue during the
  lecture (8:30-11:30 or 14:30-17:30), otherwise around the den;
* in commuting hours: somewhere between home and work; otherwise errands
  around home.

A fix is a cell-tower position (75%, accuracy 150-300 m) or an app GPS fix
(accuracy 50-100 m); the reported point is the true one moved by a Gaussian of
accuracy/1.5 metres per axis. Chunks are a batch of persons times one day, so
memory stays flat whatever the city size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tianluo.simulate import geography as geo
from tianluo.simulate.population import Population
from tianluo.simulate.timefmt import iso_local

HOUR_WEIGHTS = np.array(
    [2, 1.5, 1, 1, 1, 1.5, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4, 3], dtype=float
)
SOURCES = pa.array(["cell", "gps"])


@dataclass
class Schedule:
    """When each person is at their day place: weekday bitmask (bit 0 = Monday) and hours."""

    weekdays: np.ndarray  # int bitmask
    start_s: np.ndarray  # seconds of the day the day place begins
    end_s: np.ndarray
    roam_m: np.ndarray  # errand radius around home (metres)


def schedules(pop: Population, lecture_mask: np.ndarray, morning: np.ndarray) -> Schedule:
    """Schedules by group; ``lecture_mask`` and ``morning`` matter for participants only."""
    n = len(pop)
    weekdays = np.full(n, 0b0011111)
    start = np.full(n, 9 * 3600)
    end = np.full(n, 17 * 3600)
    roam = np.full(n, 1500.0)
    g = pop.group
    mig = g == "migrant_worker"
    weekdays[mig], start[mig], end[mig] = 0b0111111, 8 * 3600, 18 * 3600
    stu = (g == "student") | (g == "tourist")
    weekdays[stu], start[stu], end[stu] = 0b1111111, 8 * 3600, 20 * 3600
    part = g == "participant"
    weekdays[part] = lecture_mask[part]
    start[part] = np.where(morning[part], 8 * 3600 + 1800, 14 * 3600 + 1800)
    end[part] = start[part] + 3 * 3600
    roam[part] = 600.0
    return Schedule(weekdays, start, end, roam)


def ping_chunks(
    pop: Population,
    sched: Schedule,
    rng: np.random.Generator,
    *,
    start: np.datetime64,
    days: int,
    per_day: float,
    batch: int,
) -> Iterator[pa.Table]:
    """Tables of pings, one per (batch of persons, day), in a deterministic order."""
    phones = pa.array(pop.phone, pa.string())
    weekday0 = int(
        (start.astype("datetime64[D]").astype(np.int64) + 3) % 7
    )  # 1970-01-01 was a Thursday
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    for lo in range(0, len(pop), batch):
        hi = min(len(pop), lo + batch)
        for day in range(days):
            present = (
                np.flatnonzero((pop.arrive_day[lo:hi] <= day) & (day < pop.leave_day[lo:hi])) + lo
            )
            count = rng.poisson(per_day, len(present))
            who = np.repeat(present, count)
            k = len(who)
            if k == 0:
                continue
            sec = rng.choice(24, k, p=hour_p) * 3600 + rng.integers(0, 3600, k)
            weekday = (weekday0 + day) % 7
            works = (sched.weekdays[who] >> weekday) & 1 == 1
            at_day = works & (sec >= sched.start_s[who]) & (sec < sched.end_s[who])
            awake = (sec >= 7 * 3600) & (sec < 21 * 3600)
            moving = awake & ~at_day & (rng.random(k) < 0.5)
            h_lat, h_lon = pop.home_lat[who], pop.home_lon[who]
            w_lat, w_lon = pop.work_lat[who], pop.work_lon[who]
            commute = moving & works & (rng.random(k) < 0.5)
            f = rng.random(k)
            lat = np.where(at_day, w_lat, h_lat)
            lon = np.where(at_day, w_lon, h_lon)
            lat = np.where(commute, h_lat + f * (w_lat - h_lat), lat)
            lon = np.where(commute, h_lon + f * (w_lon - h_lon), lon)
            errand = moving & ~commute
            e_lat, e_lon = geo.offset(h_lat, h_lon, sched.roam_m[who], rng)
            lat = np.where(errand, e_lat, lat)
            lon = np.where(errand, e_lon, lon)
            gps = rng.random(k) < 0.25
            accuracy = np.where(gps, rng.uniform(50, 100, k), rng.uniform(150, 300, k)).round()
            lat, lon = geo.offset(lat, lon, accuracy / 1.5, rng)
            order = np.lexsort((sec, who))
            ts = start.astype("datetime64[s]") + (day * 86_400 + sec[order]).astype(
                "timedelta64[s]"
            )
            yield pa.table(
                {
                    "phone": phones.take(pa.array(who[order])),
                    "ts": iso_local(ts),
                    "lat": lat[order].round(6),
                    "lon": lon[order].round(6),
                    "accuracy_m": accuracy[order],
                    "source": SOURCES.take(pa.array(gps[order].astype(np.int8))),
                }
            )

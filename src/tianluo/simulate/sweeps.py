"""Police sweeps (清查): dawn raids on dens and raids on lectures, with their dispositions.

``SimConfig.pyramid.sweeps`` sweeps are spread over the window. Each raids a share
of the dens at 06:00 (known dens twice as likely) and one lecture at a venue,
seizing the participants present. A few non-participants are caught up too (a
migrant worker of the same compound, a neighbour near the venue) and are let go
with ``education``. Dispositions follow the role: organisers are arrested or
sentenced, leaders arrested or detained, core members detained, fined or
repatriated, members mostly educated or repatriated. Anyone detained, arrested,
sentenced or repatriated leaves the city the next day; the educated and the
fined often stay on.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.places import Places
from tianluo.simulate.population import Homes, Population
from tianluo.simulate.pyramid import Trees
from tianluo.simulate.timefmt import iso_local

DISPOSITION_BY_ROLE: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "organizer": (("arrest", "sentence"), (0.7, 0.3)),
    "leader": (("arrest", "detention"), (0.5, 0.5)),
    "core": (("detention", "fine", "repatriation"), (0.4, 0.4, 0.2)),
    "member": (("education", "repatriation", "fine"), (0.6, 0.3, 0.1)),
}
LEAVING = ("repatriation", "detention", "arrest", "sentence")


def sweep(
    cfg: SimConfig,
    pop: Population,
    homes: Homes,
    trees: Trees,
    rng: np.random.Generator,
    *,
    pidx: np.ndarray,
    dens: Dens,
    places: Places,
    lecture_mask: np.ndarray,
    case_offset: int = 0,
) -> pa.Table:
    """Seizure records of every sweep; shortens ``pop.leave_day`` of those taken away.

    Case numbers of the year count on from ``case_offset`` earlier sweeps of that year.
    """
    days = cfg.days
    weekday0 = int((np.datetime64(cfg.start, "D").astype(np.int64) + 3) % 7)
    rows: list[dict[str, object]] = []
    person_of = {int(k): int(v) for k, v in enumerate(pidx)}
    participant_of = {v: k for k, v in person_of.items()}
    is_migrant = pop.group == "migrant_worker"
    is_neighbour = pop.group == "venue_neighbour"
    for s in range(cfg.pyramid.sweeps):
        day = int(days * (s + 1) / (cfg.pyramid.sweeps + 1))
        case = f"南公传清〔{cfg.start.year}〕{case_offset + s + 1:03d}号"
        weight = np.where(dens.known, 2.0, 1.0)
        raided = rng.choice(
            len(dens),
            size=max(1, int(len(dens) * cfg.pyramid.sweep_den_share)),
            replace=False,
            p=weight / weight.sum(),
        )
        targets: list[
            tuple[list[int], float, float, str, int]
        ] = []  # persons, lat, lon, address, seconds
        for d in sorted(raided.tolist()):
            members = [person_of[int(m)] for m in dens.members(d)]
            caught = [p for p in members if pop.arrive_day[p] <= day < pop.leave_day[p]]
            targets.append(
                (caught, float(dens.lat[d]), float(dens.lon[d]), str(dens.address[d]), 6 * 3600)
            )
            if rng.random() < 0.3:  # a migrant worker of the same compound is caught up
                near = np.flatnonzero((homes.compound == dens.compound[d]) & is_migrant)
                if len(near):
                    targets[-1][0].append(int(near[int(rng.integers(len(near)))]))
        org = int(rng.integers(trees.organisations))
        venue = int(places.org_venue[org])
        attendees = [person_of[int(m)] for m in np.flatnonzero(trees.org == org)]
        lecture_day = day
        while (
            lecture_day < days - 1
            and not (lecture_mask[attendees[0]] >> ((weekday0 + lecture_day) % 7)) & 1
        ):
            lecture_day += 1
        present = [p for p in attendees if pop.arrive_day[p] <= lecture_day < pop.leave_day[p]]
        nearby = np.flatnonzero(is_neighbour & (homes.compound == places.venue_compound[venue]))
        present += [int(x) for x in nearby[: int(rng.integers(0, 3))]]
        targets.append(
            (
                present,
                float(places.venue_lat[venue]),
                float(places.venue_lon[venue]),
                str(places.venue_address[venue]),
                10 * 3600,
            )
        )
        for persons, lat, lon, address, sec in targets:
            raid_day = lecture_day if sec == 10 * 3600 else day
            for p in persons:
                if pop.leave_day[p] <= raid_day:
                    continue  # already taken away in this sweep
                role = str(trees.role[participant_of[p]]) if p in participant_of else None
                if role is None:
                    disposition = "education"
                else:
                    choices, probs = DISPOSITION_BY_ROLE[role]
                    disposition = str(rng.choice(choices, p=probs))
                ts = np.datetime64(cfg.start, "s") + np.timedelta64(
                    raid_day * 86_400 + sec + int(rng.integers(0, 1800)), "s"
                )
                rows.append(
                    {
                        "record_id": f"SZ{len(rows) + 1:07d}",
                        "id_number": pop.id_number[p],
                        "name": pop.name[p],
                        "seized_at": iso_local(np.array([ts]))[0].as_py(),
                        "lat": lat,
                        "lon": lon,
                        "disposition": disposition,
                        "phone": pop.phone[p],
                        "address": address,
                        "case_no": case,
                    }
                )
                if disposition in LEAVING:
                    pop.leave_day[p] = min(int(pop.leave_day[p]), raid_day + 1)
    return (
        pa.Table.from_pylist(rows) if rows else pa.table({"record_id": pa.array([], pa.string())})
    )

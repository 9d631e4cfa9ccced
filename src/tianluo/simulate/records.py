"""Registers about everyone: real-name phone subscriptions (``phones``) and rentals (``rentals``).

Every person holds one real-name mobile, used in one handset
(``Population.imei``). Rental registrations exist for renting residents, most
migrant workers, organisers' own flats (half of them) and the dens: one member
(the first to arrive) registered as the only tenant of the whole den;
unregistered dens have none. Records are numbered in one shuffled order, so a
record id says nothing of who the tenant is.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.population import Homes, Population
from tianluo.simulate.pyramid import Trees
from tianluo.simulate.timefmt import iso_date, iso_local

CARRIERS = {
    "13": "中国移动",
    "15": "中国移动",
    "18": "中国联通",
    "17": "中国电信",
    "19": "中国电信",
    "16": "中国联通",
}


def phones_table(cfg: SimConfig, pop: Population, rng: np.random.Generator) -> pa.Table:
    """One real-name subscription per person, activated before they came (or soon after).

    ``imei`` is the handset the person uses at the start of the window, the one
    their everyday calls show until the few who change handset do so.
    """
    n = len(pop)
    day = np.minimum(pop.arrive_day, 0) - rng.integers(30, 365 * 12, n)
    ts = np.datetime64(cfg.start, "s") + (
        day * 86_400 + rng.integers(8 * 3600, 21 * 3600, n)
    ).astype("timedelta64[s]")
    return pa.table(
        {
            "phone": pop.phone,
            "id_number": pop.id_number,
            "activated_at": iso_local(ts),
            "name": pop.name,
            "carrier": [CARRIERS.get(p[:2], "中国移动") for p in pop.phone],
            "imei": np.char.mod("%015d", pop.imei).astype(object),
        }
    )


def rentals_table(
    cfg: SimConfig,
    pop: Population,
    homes: Homes,
    trees: Trees,
    rng: np.random.Generator,
    *,
    pidx: np.ndarray,
    dens: Dens,
) -> pa.Table:
    """Rental registrations of renters and of the registered dens."""
    start = np.datetime64(cfg.start, "D")
    people = np.flatnonzero(homes.renter)
    top = pidx[(trees.parent < 0) & (rng.random(len(trees)) < 0.5)]
    people = np.concatenate([people, top])
    began = np.minimum(pop.arrive_day[people], 0) - rng.integers(0, 700, len(people))
    tenant_p = pidx[dens.tenant[dens.tenant >= 0]]
    den_ids = np.flatnonzero(dens.tenant >= 0)
    first_in = [int(trees.arrive_day[dens.members(int(d))].min()) for d in den_ids]
    d_began = np.array(first_in, dtype=np.int64) - 3
    tenant = np.concatenate([people, tenant_p])
    lat = np.concatenate([pop.home_lat[people], dens.lat[den_ids]])
    lon = np.concatenate([pop.home_lon[people], dens.lon[den_ids]])
    address = np.concatenate([homes.address[people], dens.address[den_ids]])
    began_all = np.concatenate([began, d_began])
    n = len(tenant)
    # contracts run a year or half a year and were renewed up to some time after the window
    end = np.maximum(
        began_all + np.where(rng.random(n) < 0.5, 365, 182), cfg.days + rng.integers(15, 365, n)
    )
    landlord = rng.integers(0, len(pop), n)
    local = pop.province_code[landlord] == "45"
    table = pa.table(
        {
            "record_id": pa.nulls(n, pa.string()),
            "tenant_id_number": pop.id_number[tenant],
            "tenant_name": pop.name[tenant],
            "address": address,
            "lat": lat.round(6),
            "lon": lon.round(6),
            "start_date": iso_date(start + began_all.astype("timedelta64[D]")),
            "tenant_phone": np.where(rng.random(n) < 0.8, pop.phone[tenant], None),
            "end_date": iso_date(start + end.astype("timedelta64[D]")),
            "landlord_id_number": pa.array(
                pop.id_number[landlord], pa.string(), mask=~(local & (landlord != tenant))
            ),
        }
    )
    # registers number records as they come in, not renters first and dens last
    table = table.take(pa.array(rng.permutation(n)))
    return table.set_column(0, "record_id", pa.array([f"RT{k + 1:08d}" for k in range(n)]))

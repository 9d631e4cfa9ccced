"""The people of the simulated city: one column array per attribute, one entry per person."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.model.regions import county_codes
from tianluo.simulate import geography as geo
from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.identity import handsets, id_numbers, unique_phones
from tianluo.simulate.names import random_names
from tianluo.simulate.places import Places, flat_address
from tianluo.simulate.pyramid import ORIGIN_SHARES, OTHER_WEIGHTS, Trees

GROUPS = (
    "resident",  # lives and works in the city, mostly born in Guangxi
    "migrant_worker",  # from another province, months in the city (hard negative)
    "student",  # from another province, at a university (hard negative)
    "tourist",  # a few days in a hotel (hard negative)
    "venue_neighbour",  # local person living beside a lecture venue (hard negative)
    "participant",  # pyramid-selling participant (the planted positives)
)


@dataclass
class Population:
    """Everyone the simulator knows: index ``i`` of every array is person ``i``.

    Coordinates are WGS84; ``arrive_day``/``leave_day`` are day offsets from
    ``SimConfig.start`` during which the person is in the city (``leave_day`` is
    exclusive; residents have ``0..days``; arrivals before the window are negative).
    """

    id_number: np.ndarray  # str, valid 18-character numbers
    name: np.ndarray  # str, Chinese names
    sex: np.ndarray  # "M" / "F"
    birth_date: np.ndarray  # datetime64[D]
    province_code: np.ndarray  # str, 2 digits ("45" = Guangxi)
    phone: np.ndarray  # str, 11-digit real-name mobile
    home_lat: np.ndarray
    home_lon: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    group: np.ndarray  # str, one of GROUPS
    arrive_day: np.ndarray  # int
    leave_day: np.ndarray  # int, exclusive
    imei: np.ndarray  # int64: the handset at the start of the window (the one in ``phones``)
    imei_next: np.ndarray  # int64: the handset after a change (``imei`` for most people)
    imei_change_s: np.ndarray  # int64: second of the window of the change (identity.NEVER)

    def __len__(self) -> int:
        return len(self.id_number)

    def indices(self, group: str) -> np.ndarray:
        """Indices of the persons of one group."""
        return np.flatnonzero(self.group == group)


@dataclass
class Homes:
    """Where each person sleeps: compound number (-1 campus or hotel) and flat address."""

    compound: np.ndarray
    address: np.ndarray
    renter: np.ndarray  # bool: holds a rental registration for this home
    work_venue: np.ndarray  # venue number a migrant worker works beside (-1: none)


def _ages_between(n: int, lo: int, hi: int, mode: int, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(np.round(rng.triangular(lo, mode, hi, n)).astype(int))


def _other_province_codes(n: int, rng: np.random.Generator) -> np.ndarray:
    rest = 1.0 - sum(ORIGIN_SHARES.values())
    keys = list(ORIGIN_SHARES) + list(OTHER_WEIGHTS)
    w = np.array(
        list(ORIGIN_SHARES.values())
        + [rest * v / sum(OTHER_WEIGHTS.values()) for v in OTHER_WEIGHTS.values()]
    )
    return np.asarray(np.array(keys, dtype=object)[rng.choice(len(keys), n, p=w / w.sum())])


def _counties(
    provinces2: np.ndarray, rng: np.random.Generator, nanning_share: float = 0.0
) -> np.ndarray:
    out = np.empty(len(provinces2), dtype=object)
    for p in np.unique(provinces2.astype(str)):
        idx = np.flatnonzero(provinces2 == p)
        codes = np.array(county_codes(p), dtype=object)
        if p == "45" and nanning_share > 0:
            local = np.array([c for c in codes if c.startswith("4501")], dtype=object)
            pick = rng.random(len(idx)) < nanning_share
            out[idx] = np.where(
                pick,
                local[rng.integers(0, len(local), len(idx))],
                codes[rng.integers(0, len(codes), len(idx))],
            )
        else:
            out[idx] = codes[rng.integers(0, len(codes), len(idx))]
    return out


def _flats(
    compound: np.ndarray, size_p: list[float], places: Places, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group people (already given compounds) into shared flats: lat, lon, address per person."""
    n = len(compound)
    lat = np.empty(n)
    lon = np.empty(n)
    address = np.empty(n, dtype=object)
    order = np.argsort(compound, kind="stable")
    sizes = rng.choice(np.arange(1, len(size_p) + 1), size=n, p=np.array(size_p) / sum(size_p))
    start = 0
    flat_of = np.empty(n, dtype=int)
    flat_compound: list[int] = []
    k = 0
    while start < n:  # consecutive people of one compound share a flat
        c = compound[order[start]]
        end = start + 1
        while end < n and end - start < sizes[k] and compound[order[end]] == c:
            end += 1
        flat_of[order[start:end]] = k
        flat_compound.append(int(c))
        start, k = end, k + 1
    fc = np.array(flat_compound, dtype=int)
    f_lat, f_lon = geo.offset(places.compound_lat[fc], places.compound_lon[fc], 60.0, rng)
    b, u = rng.integers(1, 31, k), rng.integers(1, 5, k)
    room = rng.integers(2, 31, k) * 100 + rng.integers(1, 5, k)
    f_addr = [
        flat_address(places.compound_address[c], int(x), int(y), int(z))
        for c, x, y, z in zip(fc, b, u, room, strict=True)
    ]
    lat[:], lon[:] = f_lat[flat_of], f_lon[flat_of]
    address[:] = np.array(f_addr, dtype=object)[flat_of]
    return lat, lon, address


@dataclass
class _People:
    """Who each person is, in census order (before the final shuffle)."""

    group: np.ndarray
    sex: np.ndarray
    birth: np.ndarray
    province: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    phones: np.ndarray


@dataclass
class _Places:
    """Where each person sleeps and works, in census order."""

    home_lat: np.ndarray
    home_lon: np.ndarray
    compound: np.ndarray
    address: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    work_venue: np.ndarray


def _census(cfg: SimConfig, trees: Trees, places: Places) -> np.ndarray:
    """The group of each person, group by group in ``GROUPS`` order."""
    pc_, n_total = cfg.population, cfg.persons
    counts = {
        "participant": len(trees),
        "migrant_worker": int(n_total * pc_.migrant_worker_share),
        "student": int(n_total * pc_.student_share),
        "tourist": int(n_total * pc_.tourist_share),
        "venue_neighbour": max(
            len(places.venue_name) * 4, int(n_total * pc_.venue_neighbour_share)
        ),
    }
    counts["resident"] = n_total - sum(counts.values())
    if counts["resident"] < 0.3 * n_total:
        raise ValueError(
            f"{n_total} persons are too few for {len(trees)} participants; "
            f"use at least {4 * len(trees)}"
        )
    return np.concatenate([np.full(counts[g], g, dtype=object) for g in GROUPS])


def _identities(
    cfg: SimConfig, group: np.ndarray, trees: Trees, rng: np.random.Generator
) -> _People:
    """Sex, age, origin, identity number, name and mobile of each person."""
    n = len(group)
    is_ = {g: group == g for g in GROUPS}
    sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    age = np.zeros(n, dtype=int)
    for g, lo, hi, mode in (
        ("resident", 18, 85, 38),
        ("migrant_worker", 18, 58, 33),
        ("student", 18, 25, -1),
        ("tourist", 18, 75, 35),
        ("venue_neighbour", 20, 85, 55),
    ):
        k = int(is_[g].sum())
        age[is_[g]] = rng.integers(lo, hi, k) if mode < 0 else _ages_between(k, lo, hi, mode, rng)
    part = np.flatnonzero(is_["participant"])
    age[part] = trees.age
    province = np.empty(n, dtype=object)
    region = np.empty(n, dtype=object)
    local = is_["venue_neighbour"] | (
        is_["resident"] & (rng.random(n) < cfg.population.local_share_of_residents)
    )
    province[local] = "45"
    away = ~local & ~is_["participant"]
    province[away] = _other_province_codes(int(away.sum()), rng)
    region[~is_["participant"]] = _counties(province[~is_["participant"]], rng, nanning_share=0.8)
    region[part] = trees.region_code
    province[part] = np.array([r[:2] for r in trees.region_code], dtype=object)
    birth = np.datetime64(cfg.start, "D") - (age * 365.25 + rng.integers(0, 365, n)).astype(
        "timedelta64[D]"
    )
    ids = id_numbers(region, birth, sex, rng)
    names = random_names(sex, province == "45", rng)
    return _People(group, sex, birth, province, ids, names, unique_phones(n, rng))


def _homes(
    group: np.ndarray, places: Places, dens: Dens, rng: np.random.Generator
) -> tuple[_Places, np.ndarray]:
    """Home of each person (work still at home) and the campus number of each student."""
    n = len(group)
    ordinary = places.compounds - len(places.venue_name)
    home_lat, home_lon = np.zeros(n), np.zeros(n)
    compound = np.full(n, -1)
    address = np.empty(n, dtype=object)
    res = np.flatnonzero(group == "resident")
    compound[res] = rng.integers(0, ordinary, len(res))
    mig = np.flatnonzero(group == "migrant_worker")
    den_compounds = np.unique(dens.compound)
    near_dens = rng.random(len(mig)) < 0.3
    compound[mig] = np.where(
        near_dens,
        den_compounds[rng.integers(0, len(den_compounds), len(mig))],
        rng.integers(0, ordinary, len(mig)),
    )
    vn = np.flatnonzero(group == "venue_neighbour")
    compound[vn] = places.venue_compound[rng.integers(0, len(places.venue_compound), len(vn))]
    for idx, sizes in (
        (res, [0.15, 0.3, 0.25, 0.2, 0.1]),
        (mig, [0.1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05]),
        (vn, [0.2, 0.4, 0.3, 0.1]),
    ):
        home_lat[idx], home_lon[idx], address[idx] = _flats(compound[idx], sizes, places, rng)
    stu = np.flatnonzero(group == "student")
    uni = rng.integers(0, len(geo.UNIVERSITIES), len(stu))
    u_lat = np.array([u[1] for u in geo.UNIVERSITIES])[uni]
    u_lon = np.array([u[2] for u in geo.UNIVERSITIES])[uni]
    home_lat[stu], home_lon[stu] = geo.offset(u_lat, u_lon, 150.0, rng)
    address[stu] = [
        f"南宁市{geo.UNIVERSITIES[u][0]}学生宿舍{b}栋"
        for u, b in zip(uni, rng.integers(1, 40, len(stu)), strict=True)
    ]
    tour = np.flatnonzero(group == "tourist")
    spot = rng.integers(0, len(geo.ATTRACTIONS), len(tour))
    a_lat = np.array([a[1] for a in geo.ATTRACTIONS])
    a_lon = np.array([a[2] for a in geo.ATTRACTIONS])
    home_lat[tour], home_lon[tour] = geo.offset(a_lat[spot], a_lon[spot], 400.0, rng)
    address[tour] = [f"南宁市{geo.ATTRACTIONS[s][0]}附近酒店" for s in spot]
    part = np.flatnonzero(group == "participant")
    compound[part], home_lat[part], home_lon[part], address[part] = (
        dens.home_compound,
        dens.home_lat,
        dens.home_lon,
        dens.home_address,
    )
    where = _Places(
        home_lat, home_lon, compound, address, home_lat.copy(), home_lon.copy(), np.full(n, -1)
    )
    return where, uni


def _workplaces(
    where: _Places,
    group: np.ndarray,
    trees: Trees,
    places: Places,
    rng: np.random.Generator,
    *,
    uni: np.ndarray,
) -> None:
    """Set the workplace of each person (``where.work_*``, ``where.work_venue``) in place."""
    ordinary = places.compounds - len(places.venue_name)
    work_lat, work_lon = where.work_lat, where.work_lon
    res = np.flatnonzero(group == "resident")
    employed = res[rng.random(len(res)) < 0.7]
    work_lat[employed], work_lon[employed] = geo.urban_points(len(employed), rng, spread_m=4000.0)
    mig = np.flatnonzero(group == "migrant_worker")
    by_venue = rng.random(len(mig)) < 0.2
    v = rng.integers(0, len(places.venue_lat), len(mig))
    near_lat, near_lon = geo.offset(places.venue_lat[v], places.venue_lon[v], 250.0, rng)
    far_lat, far_lon = geo.city_points(len(mig), rng, outer_share=0.15)
    work_lat[mig], work_lon[mig] = (
        np.where(by_venue, near_lat, far_lat),
        np.where(by_venue, near_lon, far_lon),
    )
    where.work_venue[mig] = np.where(by_venue, v, -1)
    stu = np.flatnonzero(group == "student")
    u_lat = np.array([u[1] for u in geo.UNIVERSITIES])[uni]
    u_lon = np.array([u[2] for u in geo.UNIVERSITIES])[uni]
    work_lat[stu], work_lon[stu] = geo.offset(u_lat, u_lon, 300.0, rng)
    tour = np.flatnonzero(group == "tourist")
    other = rng.integers(0, len(geo.ATTRACTIONS), len(tour))
    work_lat[tour] = np.array([a[1] for a in geo.ATTRACTIONS])[other]
    work_lon[tour] = np.array([a[2] for a in geo.ATTRACTIONS])[other]
    vn = np.flatnonzero(group == "venue_neighbour")
    vn_out = vn[rng.random(len(vn)) < 0.5]
    work_lat[vn_out], work_lon[vn_out] = geo.urban_points(len(vn_out), rng, spread_m=4000.0)
    part = np.flatnonzero(group == "participant")
    venue = places.venue_compound[places.org_venue[trees.org]] - ordinary
    work_lat[part], work_lon[part] = places.venue_lat[venue], places.venue_lon[venue]


def _presence(
    group: np.ndarray, days: int, trees: Trees, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """First day in the city and the day of leaving (exclusive) of each person."""
    n = len(group)
    arrive = np.zeros(n, dtype=int)
    leave = np.full(n, days)
    mig = np.flatnonzero(group == "migrant_worker")
    newcomer = rng.random(len(mig)) < 0.2
    arrive[mig] = np.where(
        newcomer, rng.integers(0, max(1, days - 10), len(mig)), -rng.integers(30, 400, len(mig))
    )
    stu = np.flatnonzero(group == "student")
    arrive[stu] = -rng.integers(30, 200, len(stu))
    tour = np.flatnonzero(group == "tourist")
    arrive[tour] = rng.integers(0, days, len(tour))
    leave[tour] = np.minimum(days, arrive[tour] + rng.integers(1, 7, len(tour)))
    part = np.flatnonzero(group == "participant")
    arrive[part] = trees.arrive_day
    quit_ = part[(rng.random(len(part)) < 0.05) & (trees.parent >= 0)]
    leave[quit_] = np.minimum(days, np.maximum(arrive[quit_], 0) + rng.integers(10, 40, len(quit_)))
    return arrive, leave


def _renters(group: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Who holds a rental registration: some residents, most migrant workers."""
    renter = np.zeros(len(group), dtype=bool)
    res = np.flatnonzero(group == "resident")
    renter[res] = rng.random(len(res)) < share
    mig = np.flatnonzero(group == "migrant_worker")
    renter[mig] = rng.random(len(mig)) < 0.6
    return renter


def build_population(
    cfg: SimConfig, trees: Trees, places: Places, dens: Dens, rng: np.random.Generator
) -> tuple[Population, Homes, np.ndarray]:
    """Everyone in the city, shuffled: the population, homes and participant -> person index."""
    group = _census(cfg, trees, places)
    who = _identities(cfg, group, trees, rng)
    where, uni = _homes(group, places, dens, rng)
    _workplaces(where, group, trees, places, rng, uni=uni)
    arrive, leave = _presence(group, cfg.days, trees, rng)
    renter = _renters(group, cfg.population.renter_share, rng)
    n = len(group)
    perm = rng.permutation(n)
    imei, imei_next, change_s = handsets(n, cfg.days, cfg.population.handset_change_share, rng)
    pop = Population(
        id_number=who.ids[perm],
        name=who.names[perm],
        sex=who.sex[perm],
        birth_date=who.birth[perm],
        province_code=who.province[perm],
        phone=who.phones[perm],
        home_lat=where.home_lat[perm],
        home_lon=where.home_lon[perm],
        work_lat=where.work_lat[perm],
        work_lon=where.work_lon[perm],
        group=group[perm],
        arrive_day=arrive[perm],
        leave_day=leave[perm],
        imei=imei,
        imei_next=imei_next,
        imei_change_s=change_s,
    )
    homes = Homes(
        compound=where.compound[perm],
        address=where.address[perm],
        renter=renter[perm],
        work_venue=where.work_venue[perm],
    )
    index = np.empty(n, dtype=int)
    index[perm] = np.arange(n)
    return pop, homes, index[np.flatnonzero(group == "participant")]

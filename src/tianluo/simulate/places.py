"""The built city: residential compounds (小区) with flats, lecture venues and their schedules.

A compound is a gated residential estate with a gate that may be watched; its
flats are addressed ``南宁市<区><小区>X栋X单元XXXX室``. Each pyramid organisation
holds its lectures at one venue (small ones sometimes share one) on a fixed set
of weekdays, mornings or afternoons; one compound stands right beside each
venue, home of the ``venue_neighbour`` hard negatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate import geography as geo

_NAME_HEADS = (
    "金凤锦绣翠竹碧水青山阳光华府盛世嘉和富丽星湖荣和龙光恒大碧桂江南明秀朝阳东盟五象南湖邕江"
)
_NAME_TAILS = ("小区", "花园", "苑", "家园", "新城", "公寓", "名都", "雅居")
_ROADS = (
    "民族大道",
    "东葛路",
    "友爱路",
    "大学路",
    "星光大道",
    "白沙大道",
    "五象大道",
    "竹溪大道",
    "江南路",
    "秀厢大道",
    "北湖路",
    "长湖路",
    "青秀路",
    "滨湖路",
    "衡阳路",
    "明秀路",
)
_VENUE_KINDS = ("商务大厦", "写字楼", "会所", "酒店会议室", "培训中心")


@dataclass
class Places:
    """Compounds and venues of the city (index = compound or venue number)."""

    compound_name: np.ndarray
    compound_lat: np.ndarray
    compound_lon: np.ndarray
    compound_district: np.ndarray
    compound_address: np.ndarray
    venue_name: np.ndarray
    venue_lat: np.ndarray
    venue_lon: np.ndarray
    venue_district: np.ndarray
    venue_address: np.ndarray
    venue_compound: np.ndarray  # the compound right beside each venue
    org_venue: np.ndarray  # venue of each organisation
    org_lecture_days: np.ndarray  # bool [org, weekday 0=Monday]
    org_morning: np.ndarray  # bool: lectures 8:30-11:30, else 14:30-17:30

    @property
    def compounds(self) -> int:
        return len(self.compound_name)


def _names(n: int, rng: np.random.Generator, tails: tuple[str, ...]) -> np.ndarray:
    heads = [_NAME_HEADS[i : i + 2] for i in range(0, len(_NAME_HEADS) - 1, 2)]
    out = [
        heads[int(a)] + tails[int(b)]
        for a, b in zip(rng.integers(0, len(heads), n), rng.integers(0, len(tails), n), strict=True)
    ]
    seen: dict[str, int] = {}
    unique = []
    for name in out:  # a second 金凤花园 becomes 金凤花园二期
        k = seen.get(name, 0)
        seen[name] = k + 1
        unique.append(
            name
            if k == 0
            else f"{name}{'二三四五六七八九'[min(k - 1, 7)]}期" + ("" if k <= 8 else str(k))
        )
    return np.asarray(unique, dtype=object)


def _addresses(district: np.ndarray, name: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    road = rng.integers(0, len(_ROADS), len(name))
    number = rng.integers(1, 400, len(name))
    return np.asarray(
        [
            f"南宁市{d}{_ROADS[r]}{k}号{n}"
            for d, n, r, k in zip(district, name, road, number, strict=True)
        ],
        dtype=object,
    )


def build_places(
    compounds: int, organisations: int, lectures_per_week: int, rng: np.random.Generator
) -> Places:
    """``compounds`` compounds, plus one venue (and the compound beside it) per ~1.2 orgs."""
    share = rng.random(organisations) < 0.2  # small organisations sometimes share a venue
    share[0] = False
    org_venue = np.cumsum(~share) - 1
    venues = int(org_venue.max()) + 1
    v_lat, v_lon = geo.urban_points(venues, rng, spread_m=4500.0)
    v_district = geo.district_names(v_lat, v_lon)
    v_name = _names(venues, rng, _VENUE_KINDS)
    n_lat, n_lon = geo.offset(v_lat, v_lon, 90.0, rng)  # the compound beside each venue
    c_lat, c_lon = geo.city_points(compounds, rng)
    lat = np.concatenate([c_lat, n_lat])
    lon = np.concatenate([c_lon, n_lon])
    district = geo.district_names(lat, lon)
    name = _names(len(lat), rng, _NAME_TAILS)
    days = np.zeros((organisations, 7), dtype=bool)
    for k in range(organisations):
        days[k, rng.choice(7, size=min(7, lectures_per_week), replace=False)] = True
    return Places(
        compound_name=name,
        compound_lat=lat,
        compound_lon=lon,
        compound_district=district,
        compound_address=_addresses(district, name, rng),
        venue_name=v_name,
        venue_lat=v_lat,
        venue_lon=v_lon,
        venue_district=v_district,
        venue_address=_addresses(v_district, v_name, rng),
        venue_compound=np.arange(compounds, compounds + venues),
        org_venue=org_venue,
        org_lecture_days=days,
        org_morning=rng.random(organisations) < 0.7,
    )


def flat_address(compound_address: str, building: int, unit: int, room: int) -> str:
    """Full address of a flat in a compound."""
    return f"{compound_address}{building}栋{unit}单元{room}室"


def nearest_compounds(places: Places, lat: float, lon: float, k: int) -> np.ndarray:
    """The ``k`` ordinary compounds (not beside a venue) nearest to a point."""
    ordinary = places.compounds - len(places.venue_name)
    d = np.hypot(
        (places.compound_lat[:ordinary] - lat) * geo.METRES_PER_DEG_LAT,
        (places.compound_lon[:ordinary] - lon) * geo.METRES_PER_DEG_LON,
    )
    return np.argsort(d, kind="stable")[:k]

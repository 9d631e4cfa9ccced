"""Where things are in the simulated Nanning: urban points, districts, landmarks, noise.

Homes, workplaces and venues are drawn around the city centre (a Gaussian of a
few kilometres around 朝阳广场/五象) and kept only inside the five urban districts
(青秀, 兴宁, 西乡塘, 江南, 良庆); a small share lies in the outer districts. Every
coordinate is inside Nanning (``tianluo.geo.boundaries``). Landmarks are real
places, WGS84, to about 100 m.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tianluo.geo import boundaries

URBAN = ("青秀区", "兴宁区", "西乡塘区", "江南区", "良庆区")
OUTER = ("邕宁区", "武鸣区")
CENTRE = (22.815, 108.345)
METRES_PER_DEG_LAT = 111_320.0
METRES_PER_DEG_LON = METRES_PER_DEG_LAT * float(np.cos(np.radians(CENTRE[0])))

UNIVERSITIES: tuple[tuple[str, float, float], ...] = (
    ("广西大学", 22.8376, 108.2873),
    ("广西民族大学", 22.8428, 108.2230),
    ("广西医科大学", 22.8437, 108.3155),
    ("南宁师范大学", 22.8466, 108.3057),
)
ATTRACTIONS: tuple[tuple[str, float, float], ...] = (
    ("朝阳广场", 22.8170, 108.3210),
    ("青秀山", 22.7867, 108.3857),
    ("南湖公园", 22.8073, 108.3418),
    ("广西民族博物馆", 22.7885, 108.3882),
    ("中山路", 22.8130, 108.3170),
    ("万象城", 22.8130, 108.4060),
)
STATIONS: tuple[tuple[str, float, float], ...] = (
    ("南宁站", 22.8270, 108.3120),
    ("南宁东站", 22.8650, 108.3980),
    ("琅东汽车站", 22.8240, 108.4090),
)


@cache
def _district_geometries() -> dict[str, object]:
    return {d.name: d.geometry for d in boundaries.city_districts()}


def urban_points(
    n: int, rng: np.random.Generator, spread_m: float = 5500.0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around the centre, inside the urban districts (rejection sampling)."""
    lats: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    found = 0
    while found < n:
        k = max(64, int((n - found) * 1.6))
        lat = CENTRE[0] + rng.normal(0, spread_m / METRES_PER_DEG_LAT, k)
        lon = CENTRE[1] + rng.normal(0, 1.3 * spread_m / METRES_PER_DEG_LON, k)
        keep = np.isin(boundaries.district_of(lat, lon), URBAN)
        lats.append(lat[keep])
        lons.append(lon[keep])
        found += int(keep.sum())
    return np.concatenate(lats)[:n], np.concatenate(lons)[:n]


def outer_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points anywhere in the outer districts 邕宁 and 武鸣."""
    geoms = _district_geometries()
    which = rng.integers(0, len(OUTER), n)
    lat = np.empty(n)
    lon = np.empty(n)
    for k, name in enumerate(OUTER):
        idx = np.flatnonzero(which == k)
        if len(idx):
            lat[idx], lon[idx] = boundaries.random_points_in(geoms[name], len(idx), rng)
    return lat, lon


def city_points(
    n: int, rng: np.random.Generator, outer_share: float = 0.06
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` dwelling or workplace points: mostly urban, ``outer_share`` in the outer districts."""
    outer = rng.random(n) < outer_share
    lat = np.empty(n)
    lon = np.empty(n)
    lat[~outer], lon[~outer] = urban_points(int((~outer).sum()), rng)
    lat[outer], lon[outer] = outer_points(int(outer.sum()), rng)
    return lat, lon


def offset(
    lat: np.ndarray, lon: np.ndarray, sigma_m: np.ndarray | float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points moved by a 2-D Gaussian of ``sigma_m`` metres per axis."""
    n = len(lat)
    s = np.broadcast_to(np.asarray(sigma_m, dtype=np.float64), (n,))
    return (
        lat + rng.standard_normal(n) * s / METRES_PER_DEG_LAT,
        lon + rng.standard_normal(n) * s / METRES_PER_DEG_LON,
    )


def clamp_to_city(
    lat: np.ndarray, lon: np.ndarray, fallback_lat: np.ndarray, fallback_lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Points outside Nanning replaced by their fallbacks (used for offsets near the border)."""
    inside = boundaries.in_city(lat, lon)
    return np.where(inside, lat, fallback_lat), np.where(inside, lon, fallback_lon)


def district_names(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """District name of each point ("" outside the city)."""
    return np.asarray(boundaries.district_of(lat, lon), dtype=object)

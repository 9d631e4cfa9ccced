"""Administrative boundaries shipped with Tianluo: Nanning's districts and China's provinces.

Shapes are WGS84 (the datum of GPS and of our feeds), converted from Amap's GCJ-02 by
`scripts/export_boundaries.py`; see `data/README.md`. Shapely wants (lon, lat) order;
the functions here take and return (lat, lon) like the rest of Tianluo. Files are read
on first use and cached; importing this module does no work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

CITY = "南宁市"
CITY_CODE = "450100"
DATA_DIR = Path(__file__).resolve().parent / "data"
DATASETS = ("nanning_districts", "china_provinces")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class District:
    """A district or county of the city: Chinese name, GB/T 2260 code, WGS84 shape."""

    name: str
    code: str
    geometry: BaseGeometry


def geojson_path(name: str) -> Path:
    """Path of a shipped GeoJSON file by dataset name: nanning_districts or china_provinces."""
    stem = name.removesuffix(".geojson")
    if stem not in DATASETS:
        raise ValueError(f"unknown boundary dataset {name!r}; choose from {', '.join(DATASETS)}")
    return DATA_DIR / f"{stem}.geojson"


@cache
def _features(name: str) -> tuple[District, ...]:
    """Every feature of a shipped file, with shapes prepared for fast point tests."""
    collection = json.loads(geojson_path(name).read_text(encoding="utf-8"))
    regions = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        shapely.prepare(geometry)
        props = feature["properties"]
        regions.append(District(name=props["name"], code=props.get("code", ""), geometry=geometry))
    return tuple(regions)


def city_districts() -> list[District]:
    """The districts and counties of Nanning (南宁市), in code order."""
    return list(_features("nanning_districts"))


@cache
def city_boundary() -> BaseGeometry:
    """The outline of Nanning: the union of its districts."""
    union = shapely.union_all([d.geometry for d in _features("nanning_districts")])
    shapely.prepare(union)
    return union


def city_bbox() -> tuple[float, float, float, float]:
    """Nanning's bounding box as (min_lat, min_lon, max_lat, max_lon)."""
    min_lon, min_lat, max_lon, max_lat = city_boundary().bounds
    return (min_lat, min_lon, max_lat, max_lon)


def provinces() -> dict[str, BaseGeometry]:
    """The 34 provincial-level divisions of China keyed by Chinese name (e.g. 湖南省)."""
    return {p.name: p.geometry for p in _features("china_provinces")}


def _coords(lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes as float arrays of one shape."""
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    if lat.shape != lon.shape:
        raise ValueError(f"lats {lat.shape} and lons {lon.shape} differ in shape")
    return lat, lon


def _bbox_mask(geometry: BaseGeometry, lat: FloatArray, lon: FloatArray) -> npt.NDArray[np.bool_]:
    """Points inside a shape's bounding box (NaN coordinates never are)."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    mask: npt.NDArray[np.bool_] = (
        (lat >= min_lat) & (lat <= max_lat) & (lon >= min_lon) & (lon <= max_lon)
    )
    return mask


def _covers(geometry: BaseGeometry, lat: FloatArray, lon: FloatArray) -> npt.NDArray[np.bool_]:
    """Points inside or on the border of a shape, testing only those in its bounding box."""
    inside = _bbox_mask(geometry, lat, lon)
    inside[inside] = shapely.intersects_xy(geometry, lon[inside], lat[inside])
    return inside


def _locate(
    regions: tuple[District, ...], lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.str_]:
    """Name of the region holding each point, or "" when none does; borders go to the first."""
    lat, lon = _coords(lats, lons)
    index = np.full(lat.shape, -1, dtype=np.intp)
    for i, region in enumerate(regions):
        unassigned = index < 0
        index[unassigned & _covers(region.geometry, lat, lon)] = i
    names = np.array([r.name for r in regions] + [""])
    return names[index]  # index -1 picks the trailing ""


def district_of(lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Nanning district of each point (WGS84 lat, lon), or "" outside the city."""
    return _locate(_features("nanning_districts"), lats, lons)


def province_of(lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Province of each point (WGS84 lat, lon), or "" outside China's land boundary."""
    return _locate(_features("china_provinces"), lats, lons)


def in_city(lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether each point (WGS84 lat, lon) lies inside Nanning."""
    lat, lon = _coords(lats, lons)
    return _covers(city_boundary(), lat, lon)


def random_points_in(
    geometry: BaseGeometry, n: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """n points drawn uniformly (in degrees) inside a shape, returned as (lats, lons)."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if geometry.is_empty or geometry.area <= 0:
        raise ValueError("cannot sample points inside an empty or zero-area shape")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    share = geometry.area / ((max_lon - min_lon) * (max_lat - min_lat))
    lats: list[FloatArray] = []
    lons: list[FloatArray] = []
    found = 0
    while found < n:
        batch = int((n - found) / share * 1.2) + 16
        lat = rng.uniform(min_lat, max_lat, batch)
        lon = rng.uniform(min_lon, max_lon, batch)
        keep = shapely.contains_xy(geometry, lon, lat)
        lats.append(lat[keep])
        lons.append(lon[keep])
        found += int(keep.sum())
    return np.concatenate(lats)[:n], np.concatenate(lons)[:n]

"""The shipped boundaries: real districts and provinces, fast lookups that agree with shapely."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import shapely

from tianluo.geo import (
    District,
    city_bbox,
    city_boundary,
    city_districts,
    district_of,
    geojson_path,
    in_city,
    province_of,
    provinces,
    random_points_in,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "export_boundaries.py"
NANNING_DISTRICTS = {
    "兴宁区",
    "青秀区",
    "江南区",
    "西乡塘区",
    "良庆区",
    "邕宁区",
    "武鸣区",
    "隆安县",
    "马山县",
    "上林县",
    "宾阳县",
    "横州市",
}
CITY_CENTRE = (22.817, 108.366)  # 民族广场 area, WGS84
BEIJING = (39.9087, 116.3975)
CHANGSHA = (28.2, 112.9)
METRES_PER_DEGREE = 111_320.0


def _export_script() -> ModuleType:
    """The build-time export script, loaded from scripts/ (it needs only numpy and shapely)."""
    spec = importlib.util.spec_from_file_location("export_boundaries", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_nanning_has_its_real_districts_with_codes() -> None:
    districts = city_districts()
    assert {d.name for d in districts} == NANNING_DISTRICTS
    assert all(isinstance(d, District) for d in districts)
    assert all(len(d.code) == 6 and d.code.startswith("4501") for d in districts)
    assert all(d.geometry.is_valid and d.geometry.area > 0 for d in districts)


def test_city_centre_is_in_qingxiu_or_xingning() -> None:
    lat, lon = CITY_CENTRE
    assert district_of([lat], [lon])[0] in {"青秀区", "兴宁区"}
    assert in_city([lat], [lon]).tolist() == [True]


def test_beijing_is_not_in_the_city() -> None:
    lat, lon = BEIJING
    assert in_city([lat], [lon]).tolist() == [False]
    assert district_of([lat], [lon]).tolist() == [""]


def test_city_bbox_is_lat_lon_ordered_and_holds_the_boundary() -> None:
    min_lat, min_lon, max_lat, max_lon = city_bbox()
    assert 22.0 < min_lat < max_lat < 24.5
    assert 107.0 < min_lon < max_lon < 110.0
    assert city_boundary().within(shapely.box(min_lon, min_lat, max_lon, max_lat).buffer(1e-9))


def test_city_boundary_is_the_union_of_districts() -> None:
    total = sum(d.geometry.area for d in city_districts())
    assert city_boundary().area == pytest.approx(total, rel=1e-6)  # no overlaps between districts


def test_china_has_34_provinces_including_guangxi_and_hunan() -> None:
    shapes = provinces()
    assert len(shapes) == 34
    assert {"广西壮族自治区", "湖南省", "北京市", "香港特别行政区"} <= shapes.keys()
    assert shapes["广西壮族自治区"].contains(city_boundary().representative_point())


def test_changsha_is_in_hunan() -> None:
    lat, lon = CHANGSHA
    assert provinces()["湖南省"].contains(shapely.Point(lon, lat))
    assert province_of([lat], [lon]).tolist() == ["湖南省"]


def test_vectorised_lookups_agree_with_scalar_shapely() -> None:
    rng = np.random.default_rng(42)
    min_lat, min_lon, max_lat, max_lon = city_bbox()
    lats = rng.uniform(min_lat - 0.1, max_lat + 0.1, 3_000)
    lons = rng.uniform(min_lon - 0.1, max_lon + 0.1, 3_000)
    names = district_of(lats, lons)
    inside = in_city(lats, lons)
    districts = city_districts()
    for lat, lon, name, flag in zip(lats, lons, names, inside, strict=True):
        point = shapely.Point(lon, lat)
        holders = [d.name for d in districts if d.geometry.intersects(point)]
        assert name == (holders[0] if holders else "")
        assert flag == city_boundary().intersects(point)
    assert 0 < inside.sum() < len(inside)  # the sample straddles the border


def test_lookups_keep_shape_and_reject_mismatched_inputs() -> None:
    lats = np.full((2, 3), CITY_CENTRE[0])
    lons = np.full((2, 3), CITY_CENTRE[1])
    assert district_of(lats, lons).shape == (2, 3)
    assert in_city(lats, lons).all()
    assert in_city([np.nan], [np.nan]).tolist() == [False]
    with pytest.raises(ValueError, match="shape"):
        in_city([1.0, 2.0], [1.0])


def test_random_points_fall_inside_the_shape() -> None:
    rng = np.random.default_rng(7)
    qingxiu = next(d for d in city_districts() if d.name == "青秀区")
    lats, lons = random_points_in(qingxiu.geometry, 2_000, rng)
    assert lats.shape == lons.shape == (2_000,)
    assert shapely.contains_xy(qingxiu.geometry, lons, lats).all()
    assert set(district_of(lats, lons)) == {"青秀区"}


def test_geojson_files_are_served_by_name() -> None:
    path = geojson_path("nanning_districts")
    assert path.is_file()
    assert geojson_path("china_provinces.geojson").is_file()
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["name"] for f in features} == NANNING_DISTRICTS
    with pytest.raises(ValueError, match="unknown"):
        geojson_path("../../etc/passwd")


def test_gcj02_round_trip_is_within_one_metre() -> None:
    script = _export_script()
    rng = np.random.default_rng(3)
    lons = rng.uniform(73.6, 134.7, 10_000)
    lats = rng.uniform(18.2, 53.5, 10_000)
    g_lons, g_lats = script.wgs84_to_gcj02(lons, lats)
    shift = np.hypot((g_lons - lons) * np.cos(np.radians(lats)), g_lats - lats)
    assert np.median(shift) * METRES_PER_DEGREE > 100  # the datum really moves points
    w_lons, w_lats = script.gcj02_to_wgs84(g_lons, g_lats)
    error = np.hypot((w_lons - lons) * np.cos(np.radians(lats)), w_lats - lats)
    assert error.max() * METRES_PER_DEGREE < 1.0

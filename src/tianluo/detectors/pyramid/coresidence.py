"""Co-residence: out-of-province adults whose night locations lie within a few metres.

A person's night location is the accuracy-weighted centre of their night pings
(``activity``). Two people whose centres lie within ``radius_m`` of each other
are taken to sleep under one roof. Points are projected onto a local plane
(metres east and north of the points' mean), which is exact to well under a
metre over a city, and paired with a k-d tree.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree  # type: ignore[import-untyped]

from tianluo.detectors.grid import EARTH_RADIUS_M

IntPairs = npt.NDArray[np.int64]


def local_metres(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Points as (east, north) metres from their mean: an equirectangular local plane."""
    if len(lat) == 0:
        return np.zeros((0, 2))
    lat0 = float(np.mean(lat))
    lon0 = float(np.mean(lon))
    north = np.radians(lat - lat0) * EARTH_RADIUS_M
    east = np.radians(lon - lon0) * EARTH_RADIUS_M * np.cos(np.radians(lat0))
    return np.column_stack([east, north])


def coresident_pairs(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], radius_m: float
) -> IntPairs:
    """Index pairs (i < j) of points within ``radius_m`` of each other."""
    points = local_metres(lat, lon)
    if len(points) < 2:
        return np.zeros((0, 2), np.int64)
    pairs: IntPairs = cKDTree(points).query_pairs(radius_m, output_type="ndarray")
    return pairs.astype(np.int64)


def count_partners(pairs: IntPairs, n: int) -> npt.NDArray[np.int64]:
    """How many pairs each of ``n`` points is in."""
    counts: npt.NDArray[np.int64] = np.bincount(pairs.ravel(), minlength=n).astype(np.int64)
    return counts

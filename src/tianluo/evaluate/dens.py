"""Dens: how many true dens were found, and how many predicted dens are real, within 150 m.

A predicted den counts as found when it lies within 150 m (great-circle) of a
true den that no closer prediction has already claimed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tianluo.evaluate.metrics import match_points_within, safe_ratio
from tianluo.evaluate.models import DensSection, Status
from tianluo.evaluate.tables import Columns, read_result, read_truth
from tianluo.workspace import Workspace

DEN_MATCH_RADIUS_M = 150.0


def evaluate_dens(
    feed_dir: Path, workspace: Workspace, radius_m: float = DEN_MATCH_RADIUS_M
) -> DensSection:
    """Score ``results/dens`` against ``truth/dens`` by location."""
    truth = read_truth(feed_dir, "dens")
    if truth is None:
        return DensSection(status=Status.NO_TRUTH, note="the feed has no truth/dens.csv")
    result = read_result(workspace, "dens")
    if result is None:
        return DensSection(status=Status.MISSING, note="the workspace has no results/dens.parquet")
    return score_dens(_points(result), _points(truth), radius_m)


def score_dens(
    predicted: list[tuple[float, float]], true: list[tuple[float, float]], radius_m: float
) -> DensSection:
    """Recall and precision of predicted (lat, lon) points against true ones."""
    pairs = match_points_within(predicted, true, radius_m)
    distances = [d for _, _, d in pairs]
    return DensSection(
        status=Status.SCORED,
        radius_m=radius_m,
        true_dens=len(true),
        predicted_dens=len(predicted),
        matched=len(pairs),
        recall=safe_ratio(len(pairs), len(true)),
        precision=safe_ratio(len(pairs), len(predicted)),
        mean_match_distance_m=float(np.mean(distances)) if distances else None,
    )


def _points(table: Columns) -> list[tuple[float, float]]:
    lat, lon = table.number("lat"), table.number("lon")
    keep = ~(np.isnan(lat) | np.isnan(lon))
    return list(zip(lat[keep].tolist(), lon[keep].tolist(), strict=True))

"""The pyramid-selling detectors, in the order they depend on each other."""

from __future__ import annotations

from pathlib import Path

from tianluo.detectors.detector import Detector
from tianluo.detectors.pyramid.residency_rule import residency_rule
from tianluo.engine import Engine
from tianluo.rules import Rules


def _residency_rule(engine: Engine, rules: Rules) -> Path:
    presence = engine.read_parquet(
        engine.workspace.derived_path("presence_daily"), "presence_daily"
    )
    path = engine.workspace.derived_path("residency_rule")
    return engine.write_parquet(residency_rule(presence, rules.residency), path)


PYRAMID_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "residency_rule",
        "the bare 云觅 residency rule (the baseline every suspect score must beat)",
        (),
        ("presence_daily",),
        "residency_rule",
        _residency_rule,
    ),
)

"""The statistics and heat-map detectors, as the runner sees them (appended to the pyramid
family in ``tianluo.detectors.pyramid.registry``)."""

from __future__ import annotations

from pathlib import Path

from tianluo.detectors.detector import Detector
from tianluo.detectors.outputs import write_derived_table
from tianluo.detectors.pyramid.stats.heatmap import WEEKS, heat_tables
from tianluo.detectors.pyramid.stats.statistics import participant_stats
from tianluo.engine import Engine
from tianluo.results import write_result
from tianluo.rules import Rules


def _participant_stats(engine: Engine, rules: Rules) -> Path:
    return write_result(
        engine.workspace, "participant_stats", participant_stats(engine, rules.statistics)
    )


def _heat_cells(engine: Engine, rules: Rules) -> Path:
    """``heat_cells``, and beside it the same counts per week (``heat_weeks``)."""
    cells, weeks = heat_tables(engine, rules.statistics)
    write_derived_table(engine.workspace, WEEKS, weeks)
    return write_result(engine.workspace, "heat_cells", cells)


STATISTICS_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "participant_stats",
        "participants (strong suspects and everyone seized) by origin, age, disposition, arrival",
        (),
        ("suspects",),
        "participant_stats",
        _participant_stats,
    ),
    Detector(
        "heat_cells",
        "participants' activity per H3 hexagon and per district: persons, person-days, pings "
        "(and per week: heat_weeks)",
        ("pings", "phones"),
        ("suspects",),
        "heat_cells",
        _heat_cells,
    ),
)

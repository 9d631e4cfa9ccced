"""Statistics and heat maps of pyramid-selling participants, as results a workbench draws."""

from tianluo.detectors.pyramid.stats.heatmap import heat_tables
from tianluo.detectors.pyramid.stats.participants import participants
from tianluo.detectors.pyramid.stats.statistics import participant_stats

__all__ = ["heat_tables", "participant_stats", "participants"]

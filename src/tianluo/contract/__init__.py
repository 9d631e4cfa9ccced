"""The data contract (shared/contract.md): the sources of a feed and the results."""

from tianluo.contract.results import RESULTS, ResultSpec
from tianluo.contract.sources import SOURCES, Column, Kind, SourceSpec

__all__ = ["RESULTS", "SOURCES", "Column", "Kind", "ResultSpec", "SourceSpec"]

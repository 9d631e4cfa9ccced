"""Results in the contract's shapes: where they are kept in a workspace, and their export."""

from tianluo.results.export import export_results
from tianluo.results.store import present_results, read_result, write_result

__all__ = ["export_results", "present_results", "read_result", "write_result"]

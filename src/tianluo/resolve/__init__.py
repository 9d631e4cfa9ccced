"""Entity resolution: one person key for every person-naming record of every agency.

The "resolve" stage of the flow (lake -> resolve -> person keys -> detectors); see
``pipeline`` for the steps and docs/guides/resolve.md for the analyst's view.
"""

from tianluo.resolve.pipeline import ResolveReport, resolve
from tianluo.resolve.settings import ResolveSettings

__all__ = ["ResolveReport", "ResolveSettings", "resolve"]

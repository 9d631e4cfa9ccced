"""Detectors: pure functions from lake tables to result tables, written once in Ibis.

Each takes an ``Engine`` (DuckDB or Spark) and returns an Ibis expression, plus a
``write_*`` function that materialises it in the workspace. Intermediate tables
other detectors build on:

    presence   one row per person and local day: pings, in the city, nearest site per kind
"""

from tianluo.detectors.presence import PresenceSettings, daily_presence, write_daily_presence

__all__ = ["PresenceSettings", "daily_presence", "write_daily_presence"]

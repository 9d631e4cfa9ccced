"""Fixtures of the finance world's tests: one small city built once per session."""

from __future__ import annotations

import pytest
from finworld import FinanceRun, run_finance


@pytest.fixture(scope="session")
def small_run() -> FinanceRun:
    """A 3,000-person city's money and telephone life."""
    return run_finance(3000, seed=5)

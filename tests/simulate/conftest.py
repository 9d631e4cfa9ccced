"""Small simulated cities shared by the simulator's tests (built once per session)."""

from __future__ import annotations

import pytest

from tianluo.simulate import DirtyRates, SimulationSummary, simulate_city


@pytest.fixture(scope="session")
def clean_city(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """3,000 people, no damage, no fraud part: feed and truth of the pyramids agree."""
    out = tmp_path_factory.mktemp("clean")
    return simulate_city(out, 3000, seed=11, dirty=DirtyRates.clean(), finance=False)


@pytest.fixture(scope="session")
def dirty_city(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """3,000 people with the default damage rates (no fraud part)."""
    out = tmp_path_factory.mktemp("dirty")
    return simulate_city(out, 3000, seed=12, finance=False)


@pytest.fixture(scope="session")
def finance_city(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """2,000 people over 20 days with the fraud part, no damage."""
    out = tmp_path_factory.mktemp("finance")
    return simulate_city(out, 2000, seed=13, days=20, dirty=DirtyRates.clean())

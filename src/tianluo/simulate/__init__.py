"""A simulated Nanning: residents, hard negatives, pyramid organisations, sweeps, fraud.

``simulate_city(out_dir, persons, seed)`` writes a complete feed (contract.md)
with its ``truth/``. See ``README.md`` beside this module for the model and the
published figures it reproduces.
"""

from tianluo.simulate.city import SimulationSummary, simulate_city
from tianluo.simulate.config import DirtyRates, PopulationConfig, PyramidConfig, SimConfig
from tianluo.simulate.population import Population
from tianluo.simulate.writer import FeedWriter

__all__ = [
    "DirtyRates",
    "FeedWriter",
    "Population",
    "PopulationConfig",
    "PyramidConfig",
    "SimConfig",
    "SimulationSummary",
    "simulate_city",
]

"""Readers for the generated feeds of the simulator's tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tianluo.simulate import SimulationSummary


def read(city: SimulationSummary, source: str) -> pd.DataFrame:
    """A source of a generated feed (all parts), every column as text or number as written."""
    return pd.read_parquet(Path(city.out_dir) / source)


def truth(city: SimulationSummary, name: str) -> pd.DataFrame:
    """A truth table, identity numbers kept as text."""
    return pd.read_csv(
        Path(city.out_dir) / "truth" / f"{name}.csv", dtype=str, keep_default_na=False
    )

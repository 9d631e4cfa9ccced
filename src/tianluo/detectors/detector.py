"""What a detector is to the runner: its inputs, its output and the function that runs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tianluo.engine import Engine
from tianluo.rules import Rules

DetectorFn = Callable[[Engine, Rules], Path]
"""Runs one detector on an engine with the rules in force; returns the file it wrote."""


@dataclass(frozen=True, slots=True)
class Detector:
    """One detector: what it needs, what it writes, and the function that runs it.

    ``sources`` are lake sources that must all be loaded; ``derived`` are outputs
    of earlier detectors (derived tables or contract results) that must have been
    produced in this run. ``output`` names what it writes: a contract result
    (``W/results/<output>.parquet``) or a derived table (``W/derived/<output>``).
    A derived table named ``alerts_<family>`` holds alerts in the contract's
    ``alerts`` shape; the final ``alerts`` detector gathers every one of them.
    """

    name: str
    description: str
    sources: tuple[str, ...]
    derived: tuple[str, ...]
    output: str
    run: DetectorFn

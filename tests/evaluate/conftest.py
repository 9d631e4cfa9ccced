"""Fixtures of the evaluation tests: a tiny feed with a complete truth."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_feed import build_feed


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """A feed directory with sources for the universes and a complete ``truth/``."""
    return build_feed(tmp_path / "feed")

"""What the browser tests share besides fixtures: the served workbench and helper types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from tianluo.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@dataclass(frozen=True)
class Workbench:
    """The served demo city: its base URL and its workspace."""

    url: str
    workspace: Workspace

    def at(self, path: str) -> str:
        return self.url + path


Shot = Callable[[Page, str], Path]
"""``shot(page, name)``: save a full-page screenshot as ``test-artifacts/web/<name>.png``."""

LogIn = Callable[[Page, str], None]
"""``log_in(page, username)``: log a demo account in through the form."""

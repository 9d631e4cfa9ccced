"""What the overview, map and alert tests share: pages fetched as a demo user over HTTP
(bearer token, no browser) and the chart options a page carries inline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from browser_support import Workbench
from playwright.sync_api import Page

from tianluo.service.demo import DEMO_PASSWORD


@contextmanager
def client_as(workbench: Workbench, username: str) -> Iterator[httpx2.Client]:
    """An HTTP client logged in as a demo user (pages accept the bearer token too)."""
    with httpx2.Client(base_url=workbench.url, timeout=30, follow_redirects=False) as client:
        credentials = {"username": username, "password": DEMO_PASSWORD}
        login = client.post("/api/auth/login", json=credentials)
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        yield client


def chart_options(page_html: str, testid: str) -> dict[str, Any]:
    """The inline ECharts options of the chart marked ``data-testid=testid``."""
    marker = rf'data-testid="{re.escape(testid)}"[^>]*>\s*'
    found = re.search(marker + r'<script type="application/json">(.*?)</script>', page_html, re.S)
    assert found, f"no inline chart {testid!r} on the page"
    options: dict[str, Any] = json.loads(found.group(1))
    return options


def wait_for_charts(page: Page) -> None:
    """Wait until every chart of the page is drawn (``data-ready="1"``), none failed."""
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-chart]'))"
        ".every(e => e.dataset.ready === '1' || e.classList.contains('error'))"
    )
    failed = page.locator("[data-chart].error")
    assert failed.count() == 0, failed.first.text_content()

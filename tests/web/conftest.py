"""The workbench in a real browser: a served simulated city and Debian's chromium.

One 2,000-person city is simulated, loaded and analysed once (shared with the detector
tests), the demo agencies and accounts are added, and the service runs under uvicorn on
a free loopback port in a background thread. Each test gets a fresh browser context;
``shot(page, name)`` saves a screenshot under ``test-artifacts/web/``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from browser_support import ARTIFACTS, CHROMIUM, LogIn, Shot, Workbench
from playwright.sync_api import Browser, Page, sync_playwright

from tianluo.service import ServiceSettings, create_app
from tianluo.service.admin import open_database
from tianluo.service.demo import DEMO_PASSWORD, seed_demo_accounts
from tianluo.workspace import Workspace

CITY = (2_000, 5)  # persons, seed: the same city as the pyramid detector tests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def workbench(analysed_city: Callable[[int, int], tuple[Path, Workspace]]) -> Iterator[Workbench]:
    _, workspace = analysed_city(*CITY)
    settings = ServiceSettings(secret_key="browser-test-secret")
    engine = open_database(workspace, settings)
    seed_demo_accounts(engine)
    engine.dispose()
    port = _free_port()
    config = uvicorn.Config(
        create_app(workspace, settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the workbench did not start")
        time.sleep(0.05)
    yield Workbench(f"http://127.0.0.1:{port}", workspace)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new browser context (laptop screen, no shared cookies) and its page."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot() -> Shot:
    def save(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def log_in(workbench: Workbench) -> LogIn:
    """Log a demo account in through the form, as a person would."""

    def run(page: Page, username: str) -> None:
        page.goto(workbench.at("/login"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, f"log-in as {username} failed"

    return run

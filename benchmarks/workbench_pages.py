"""Every workbench page answers within 500 ms on the 20,000-person demo city.

    python -m benchmarks.workbench_pages [--workspace work/ws] [--data bench-data] [--repeat 5]

`tianluo serve` runs in its own process on the demo city (built under ``bench-data/`` when
no workspace is given, as `make demo` builds it). Before timing, a case is opened, an
alert escalated into it and a freeze request and a home-province notice created, so that
the detail pages have something to show. Then, as each demo account in turn, a crawler
follows the menu and, from each list page, the first links to detail pages (alerts,
persons, organisations, traces, cases, actions), only with GET. Each page is requested
once cold, then ``--repeat`` times; the chart and graph data a page loads (its
``data-chart`` and ``data-graph`` URLs) is timed with it, and a page's time is its HTML
plus all its data, one after another (what a browser would wait for, at worst). The
target holds when every page's slowest warm time is under 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import psutil
import pyarrow.parquet as pq

from tianluo.service.admin import open_database
from tianluo.service.demo import DEMO_PASSWORD, seed_demo_accounts
from tianluo.workspace import Workspace

TARGET_MS = 500.0
CRAWLERS = ("amr_supervisor", "police_investigator", "bank_liaison", "auditor")
DETAIL_PATTERNS = {
    "alert": re.compile(r"^/alerts/\d+$"),
    "person": re.compile(r"^/persons/[^/?#]+$"),
    "organization": re.compile(r"^/organizations/[^/?#]+$"),
    "trace": re.compile(r"^/traces/[^/?#]+$"),
    "case": re.compile(r"^/cases/\d+$"),
    "action": re.compile(r"^/actions/\d+$"),
}
PER_PATTERN = 3  # detail pages of each kind timed per account
LINK = re.compile(r'href="(/[^"#]*)"')
DATA_URL = re.compile(r'data-(?:chart|graph)="(/[^"]+)"')


def demo_workspace(data: Path, persons: int, seed: int) -> Workspace:
    """The demo city, built once: simulate, ingest, run every detector (as `make demo`)."""
    root = data / f"demo-{persons}-seed{seed}"
    workspace = Workspace.at(root / "ws")
    if not workspace.result_path("alerts").exists():
        tianluo = str(Path(sys.executable).with_name("tianluo"))
        city = str(root / "city")
        subprocess.run(
            [tianluo, "simulate", city, "--persons", str(persons), "--seed", str(seed)], check=True
        )
        subprocess.run([tianluo, "ingest", city, "--workspace", str(workspace.root)], check=True)
        subprocess.run([tianluo, "run", "--workspace", str(workspace.root)], check=True)
    return workspace


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(workspace: Workspace, port: int) -> subprocess.Popen[bytes]:
    tianluo = str(Path(sys.executable).with_name("tianluo"))
    command = [tianluo, "serve", "--workspace", str(workspace.root), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the workbench did not start")


@contextmanager
def _client(base: str, username: str) -> Iterator[httpx2.Client]:
    """A client logged in as a demo account (pages take the bearer token too)."""
    with httpx2.Client(base_url=base, timeout=30) as client:
        credentials = {"username": username, "password": DEMO_PASSWORD}
        answer = client.post("/api/auth/login", json=credentials)
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield client


def prepare_records(base: str, workspace: Workspace) -> dict[str, Any]:
    """A case with an escalated alert, a freeze request and a home notice, as analysts make."""
    made: dict[str, Any] = {}
    with _client(base, "amr_supervisor") as amr:
        alerts = amr.get("/api/alerts", params={"limit": 1, "status": "open"}).json()["alerts"]
        if alerts:
            escalated = amr.post(f"/api/alerts/{alerts[0]['id']}/escalate", json={})
            made["case"] = escalated.json() if escalated.status_code < 300 else escalated.text
        notice = {"kind": "home_notice", "to_agency": "nn-amr", "province": "43"}
        made["home_notice"] = amr.post("/api/actions", json=notice).status_code
    traces = workspace.result_path("traces")
    with _client(base, "police_investigator") as police:
        if traces.exists():
            txn = str(pq.read_table(traces, columns=["txn_id"])["txn_id"][0])
            freeze = {"kind": "freeze_request", "to_agency": "demo-bank", "txn_id": txn}
            created = police.post("/api/actions", json=freeze)
            made["freeze"] = created.status_code
            if created.status_code < 300:
                police.post(f"/api/actions/{created.json()['id']}/send")
    return made


def _time(client: httpx2.Client, url: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    answer = client.get(url)
    return (time.perf_counter() - started) * 1000, answer.status_code, answer.text


def time_page(client: httpx2.Client, url: str, repeat: int) -> dict[str, Any]:
    """Cold and warm times of a page with its data URLs; the links it holds."""
    cold, status, html = _time(client, url)
    data_urls = sorted(set(DATA_URL.findall(html)))
    cold += sum(_time(client, d)[0] for d in data_urls)
    warm = []
    for _ in range(repeat):
        total = _time(client, url)[0] + sum(_time(client, d)[0] for d in data_urls)
        warm.append(total)
    return {
        "url": url,
        "status": status,
        "data_urls": len(data_urls),
        "cold_ms": round(cold, 1),
        "warm_median_ms": round(statistics.median(warm), 1),
        "warm_max_ms": round(max(warm), 1),
        "links": LINK.findall(html),
    }


def crawl(base: str, username: str, repeat: int) -> list[dict[str, Any]]:
    """The account's menu pages and up to PER_PATTERN detail pages of each kind."""
    timed: list[dict[str, Any]] = []
    with _client(base, username) as client:
        home = client.get("/account").text
        menu = re.search(r'<nav class="menu".*?</nav>', home, re.S)
        queue = LINK.findall(menu.group(0)) if menu else []
        seen: set[str] = set()
        taken: dict[str, int] = defaultdict(int)
        while queue:
            url = queue.pop(0)
            if url in seen or url.startswith(("/static/", "/geo/", "/language/", "/logout")):
                continue
            seen.add(url)
            page = time_page(client, url, repeat)
            links = page.pop("links")
            timed.append({"user": username, **page})
            for link in links:
                path = link.split("?", 1)[0]
                kind = next((k for k, p in DETAIL_PATTERNS.items() if p.match(path)), None)
                if kind and path not in seen and taken[kind] < PER_PATTERN:
                    taken[kind] += 1
                    queue.append(path)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="a demo workspace (default: build one)")
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workspace = (
        Workspace.at(args.workspace)
        if args.workspace
        else demo_workspace(args.data, args.persons, args.seed)
    )
    engine = open_database(workspace)
    seed_demo_accounts(engine)
    engine.dispose()
    port = _free_port()
    load_before = os.getloadavg()
    server = _serve(workspace, port)
    base = f"http://127.0.0.1:{port}"
    try:
        made = prepare_records(base, workspace)
        pages = [p for user in CRAWLERS for p in crawl(base, user, args.repeat)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    failed = [p for p in pages if p["status"] >= 400]
    slowest = max(pages, key=lambda p: p["warm_max_ms"]) if pages else None
    result = {
        "workspace": str(workspace.root),
        "pages_timed": len(pages),
        "prepared": made,
        "slowest_warm_ms": slowest["warm_max_ms"] if slowest else None,
        "slowest_page": slowest["url"] if slowest else None,
        "slowest_cold_ms": max((p["cold_ms"] for p in pages), default=None),
        "pages_over_target_warm": [p["url"] for p in pages if p["warm_max_ms"] > TARGET_MS],
        "pages_failed": [(p["user"], p["url"], p["status"]) for p in failed],
        "target_ms": TARGET_MS,
        "target_met": bool(pages)
        and not failed
        and slowest is not None
        and slowest["warm_max_ms"] < TARGET_MS,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": psutil.cpu_count(),
        "pages": pages,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

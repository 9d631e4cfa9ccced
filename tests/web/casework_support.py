"""What the case-work browser tests share: the JSON API as a system would call it, and a trace.

Each test prepares what it needs through the service's API (bearer tokens, as systems
use it) so that it runs alone or in any order against the session's served city.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pyarrow.compute as pc
import pyarrow.parquet as pq
from browser_support import Workbench

from tianluo.service.demo import DEMO_PASSWORD


class ServiceApi:
    """``api.post("/api/actions", json=...)`` as one demo user of the served workbench."""

    def __init__(self, workbench: Workbench, username: str) -> None:
        self._client = httpx2.Client(base_url=workbench.url, timeout=30)
        login = self._client.post(
            "/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}
        )
        login.raise_for_status()
        self._client.headers["Authorization"] = f"Bearer {login.json()['token']}"

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self._client.get(path, **kwargs)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, **kwargs: Any) -> Any:
        response = self._client.post(path, **kwargs)
        response.raise_for_status()
        return response.json()


def busiest_trace(workbench: Workbench) -> str:
    """The reported transfer whose money sits in the most accounts (the richest graph)."""
    table = pq.read_table(workbench.workspace.result_path("traces"), columns=["txn_id"])
    counts = pc.value_counts(table["txn_id"]).to_pylist()
    best = max(counts, key=lambda c: (c["counts"], c["values"]))
    return str(best["values"])


def sent_freeze_request(workbench: Workbench) -> int:
    """A freeze request the police created and sent to the demo bank: its number."""
    police = ServiceApi(workbench, "police_analyst")
    action = police.post(
        "/api/actions",
        json={
            "kind": "freeze_request",
            "to_agency": "demo-bank",
            "txn_id": busiest_trace(workbench),
        },
    )
    police.post(f"/api/actions/{action['id']}/send")
    return int(action["id"])


def screening_terminal(workbench: Workbench) -> ServiceApi:
    """A rental-registration terminal that screens (a screener account the admin adds once)."""
    admin = ServiceApi(workbench, "admin")
    if not any(u["username"] == "rental_terminal" for u in admin.get("/api/admin/users")):
        admin.post(
            "/api/admin/users",
            json={
                "username": "rental_terminal",
                "password": DEMO_PASSWORD,
                "agency": "nn-police",
                "role": "screener",
            },
        )
    return ServiceApi(workbench, "rental_terminal")

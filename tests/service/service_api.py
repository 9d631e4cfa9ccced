"""The service tests' client: a user's bearer token per call (``api.get(path, as_="gate")``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from tianluo.service import ServiceSettings


@dataclass
class Template:
    kind: str
    location: str  # a SQLite file, or a PostgreSQL database name
    tokens: dict[str, str]
    user_ids: dict[str, int]


class Api:
    """The test client, with a user's bearer token per call: ``api.get(path, as_="gate")``."""

    def __init__(self, client: TestClient, template: Template, settings: ServiceSettings) -> None:
        self.client = client
        self.tokens = template.tokens
        self.user_ids = template.user_ids
        self.settings = settings

    def _headers(self, as_: str | None) -> dict[str, str]:
        return {} if as_ is None else {"Authorization": f"Bearer {self.tokens[as_]}"}

    def get(self, path: str, *, as_: str | None, **kwargs: Any) -> httpx2.Response:
        return self.client.get(path, headers=self._headers(as_), **kwargs)

    def post(self, path: str, *, as_: str | None, **kwargs: Any) -> httpx2.Response:
        return self.client.post(path, headers=self._headers(as_), **kwargs)

    def patch(self, path: str, *, as_: str | None, **kwargs: Any) -> httpx2.Response:
        return self.client.patch(path, headers=self._headers(as_), **kwargs)

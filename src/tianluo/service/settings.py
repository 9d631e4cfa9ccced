"""The service's settings: one typed object read from ``TIANLUO_*`` variables, passed in."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from tianluo.workspace import Workspace

SERVICE_DIR = "service"
"""Inside a workspace: ``W/service/`` holds the SQLite database, the secret key and case files."""


class ServiceSettings(BaseSettings):
    """How the service runs; the database is the workspace's SQLite file unless a URL is given."""

    model_config = SettingsConfigDict(env_prefix="TIANLUO_", extra="ignore")

    database_url: str | None = None  # e.g. postgresql+psycopg://user@host/db
    secret_key: str | None = None  # None: a random key kept in W/service/secret.key
    session_hours: float = 8.0
    login_max_failures: int = 5
    login_window_minutes: float = 15.0
    token_cache_seconds: float = 10.0  # a revoked token is refused by other workers after this
    screening_index_refresh_seconds: float = 2.0
    screening_batch_max: int = 2000  # checks recorded in one commit, at most
    screening_linger_ms: float = 0.0  # how long an idle writer waits for more checks to join
    cookie_secure: bool = False  # set to true behind HTTPS


def database_url(settings: ServiceSettings, workspace: Workspace) -> str:
    """``TIANLUO_DATABASE_URL`` when set, otherwise ``W/service/tianluo.sqlite3``."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{service_dir(workspace) / 'tianluo.sqlite3'}"


def service_dir(workspace: Workspace) -> Path:
    path = workspace.root / SERVICE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(settings: ServiceSettings, workspace: Workspace) -> str:
    """The key that signs person references; generated once per workspace when not configured."""
    if settings.secret_key:
        return settings.secret_key
    path = service_dir(workspace) / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()

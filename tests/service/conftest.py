"""A running service on a small workspace, once per database: SQLite and PostgreSQL.

The agencies, users and tokens are made once per database in a template (a SQLite file,
a PostgreSQL template database); each test gets a fresh copy of it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from service_api import Api, Template
from service_data import AGENCIES, PASSWORD, USERS, write_lake, write_results

from tianluo.service import ServiceSettings, create_app
from tianluo.service.admin import open_database
from tianluo.service.auth.accounts import create_agency, create_user
from tianluo.service.auth.tokens import issue_token
from tianluo.service.db import session_factory
from tianluo.service.settings import service_dir
from tianluo.workspace import Workspace

POSTGRES = os.environ.get("TIANLUO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _seed(engine: sa.Engine) -> tuple[dict[str, str], dict[str, int]]:
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    with session_factory(engine)() as session:
        agencies = {
            code: create_agency(session, code, name, kind, prov)
            for code, name, kind, prov in AGENCIES
        }
        for username, agency, role in USERS:
            user = create_user(session, username, PASSWORD, agency=agencies[agency], role=role)
            tokens[username] = issue_token(session, user, kind="api", lifetime=dt.timedelta(days=1))
            ids[username] = user.id
        session.commit()
    return tokens, ids


def _admin_url(database: str) -> str:
    return POSTGRES.rsplit("/", 1)[0] + f"/{database}"


def _pg_execute(statement: str) -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(statement)


def _postgres_up() -> bool:
    try:
        with psycopg.connect(POSTGRES, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    if request.param == "sqlite":
        ws = Workspace.at(tmp_path_factory.mktemp("template"))
        engine = open_database(ws, ServiceSettings())
        tokens, ids = _seed(engine)
        engine.dispose()
        yield Template("sqlite", str(service_dir(ws) / "tianluo.sqlite3"), tokens, ids)
        return
    if not _postgres_up():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}")
    name = f"tianluo_tpl_{uuid.uuid4().hex[:10]}"
    _pg_execute(f"CREATE DATABASE {name}")
    engine = open_database(Workspace.at(tmp_path_factory.mktemp("pg")), _settings(name))
    tokens, ids = _seed(engine)
    engine.dispose()
    yield Template("postgresql", name, tokens, ids)
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _settings(database: str | None) -> ServiceSettings:
    url = (
        None
        if database is None
        else _admin_url(database).replace("postgresql://", "postgresql+psycopg://")
    )
    return ServiceSettings(database_url=url, secret_key="test-secret", login_window_minutes=15)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.at(tmp_path / "ws")
    write_results(ws)
    write_lake(ws)
    return ws


@pytest.fixture
def settings(template: Template, workspace: Workspace) -> Iterator[ServiceSettings]:
    """A fresh copy of the template database for this test."""
    if template.kind == "sqlite":
        shutil.copy(template.location, service_dir(workspace) / "tianluo.sqlite3")
        yield _settings(None)
        return
    name = f"tianluo_t_{uuid.uuid4().hex[:10]}"
    _pg_execute(f"CREATE DATABASE {name} TEMPLATE {template.location}")
    yield _settings(name)
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def api(template: Template, settings: ServiceSettings, workspace: Workspace) -> Iterator[Api]:
    app = create_app(workspace, settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, template, settings)

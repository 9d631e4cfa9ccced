"""Masking, unmasking (403 without the right, audited either way), and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from service_api import Api
from service_data import P1
from typer.testing import CliRunner

from tianluo.cli.app import app as cli
from tianluo.service.db import make_engine
from tianluo.service.settings import database_url


def _audit(api: Api, **params: object) -> list[dict]:
    response = api.get("/api/audit", as_="auditor", params=params)
    assert response.status_code == 200
    return response.json()


def test_unmasking_without_the_right_is_403_and_audited(api: Api) -> None:
    refused = api.get("/api/alerts", as_="amr_analyst", params={"unmask": "true"})
    assert refused.status_code == 403
    denied = _audit(api, action="unmask")
    assert denied[-1]["outcome"] == "denied" and denied[-1]["username"] == "amr_analyst"


def test_unmasking_with_the_right_shows_numbers_and_is_audited(api: Api) -> None:
    alerts = api.get("/api/alerts", as_="amr_super", params={"unmask": "true"}).json()["alerts"]
    assert alerts[0]["subject"] == P1
    entry = _audit(api, action="unmask")[-1]
    assert entry["outcome"] == "ok" and entry["username"] == "amr_super"


def test_only_auditors_read_the_audit_log(api: Api) -> None:
    assert api.get("/api/audit", as_="admin").status_code == 403
    assert api.get("/api/audit/verify", as_="amr_super").status_code == 403
    assert _audit(api, action="permission.read_audit")[-1]["outcome"] == "denied"


def test_the_chain_verifies_and_a_tampered_log_fails(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    api.get(f"/api/persons/{P1}", as_="amr_analyst")
    assert api.get("/api/audit/verify", as_="auditor").json()["ok"] is True
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--workspace", str(workspace.root)], env=_env(api))
    assert ok.exit_code == 0, ok.output
    engine = make_engine(database_url(api.settings, workspace))
    with engine.begin() as connection:
        # Only someone with the database's own rights can edit: the triggers refuse otherwise.
        _drop_guards(connection)
        connection.execute(
            sa.text("UPDATE audit_entries SET subject = 'nobody' WHERE action = 'person.lookup'")
        )
    engine.dispose()
    verdict = api.get("/api/audit/verify", as_="auditor").json()
    assert verdict["ok"] is False and "changed" in verdict["problem"]
    failed = runner.invoke(
        cli, ["audit", "verify", "--workspace", str(workspace.root)], env=_env(api)
    )
    assert failed.exit_code == 1


def test_a_deleted_entry_fails_verification(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    api.get(f"/api/persons/{P1}", as_="amr_analyst")
    api.get(f"/api/persons/{P1}", as_="amr_analyst")
    engine = make_engine(database_url(api.settings, workspace))
    with engine.begin() as connection:
        _drop_guards(connection)
        connection.execute(sa.text("DELETE FROM audit_entries WHERE seq = 1"))
    engine.dispose()
    assert api.get("/api/audit/verify", as_="auditor").json()["problem"] == "entry 1 is missing"


def _assert_refused(engine: sa.Engine, *statements: str) -> None:
    """Each statement fails in the database with its append-only message."""
    for statement in statements:
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(statement))
        except sa.exc.DBAPIError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"{statement} was allowed")


def test_the_database_refuses_edits_of_the_audit_log(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    api.get(f"/api/persons/{P1}", as_="amr_analyst")
    engine = make_engine(database_url(api.settings, workspace))
    _assert_refused(engine, "UPDATE audit_entries SET subject = 'x'", "DELETE FROM audit_entries")
    engine.dispose()


def test_the_database_refuses_edits_of_screening_checks(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    checked = api.post("/api/screen", as_="gate", json={"id_number": P1, "purpose": "gate"})
    assert checked.status_code == 200
    engine = make_engine(database_url(api.settings, workspace))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM screen_checks")).scalar() == 1
    _assert_refused(
        engine, "UPDATE screen_checks SET purpose = 'gate'", "DELETE FROM screen_checks"
    )
    engine.dispose()


def _drop_guards(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
    else:
        connection.execute(sa.text("DROP TRIGGER audit_entries_append_only ON audit_entries"))


def _env(api: Api) -> dict[str, str]:
    return {"TIANLUO_DATABASE_URL": api.settings.database_url or ""}

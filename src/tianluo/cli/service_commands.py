"""`tianluo serve`, `tianluo user add`, `tianluo db upgrade`, `tianluo audit verify`."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from tianluo.service.admin import add_user, open_database, verify_audit
from tianluo.service.app import WORKSPACE_VARIABLE, create_app, prepare
from tianluo.service.auth.passwords import MIN_LENGTH
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.service.context import ServiceContext
from tianluo.service.errors import ServiceError
from tianluo.service.logs import configure_json_logs
from tianluo.service.settings import ServiceSettings
from tianluo.workspace import Workspace

console = Console(stderr=True)
WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]

user_app = typer.Typer(help="Users and agencies of the service.", no_args_is_help=True)
db_app = typer.Typer(help="The service's operational database.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def serve(
    workspace: WorkspaceOption,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Start the workbench and API (the database is upgraded and alerts loaded first)."""

    ws = Workspace.at(workspace)
    configure_json_logs(logging.INFO)
    context = ServiceContext.open(ServiceSettings(), ws)
    prepare(context)
    context.engine.dispose()
    options = {"host": host, "port": port, "log_config": None, "access_log": False}
    if workers == 1:
        uvicorn.run(create_app(ws, prepare_on_start=False), **options)  # type: ignore[arg-type]
        return
    os.environ[WORKSPACE_VARIABLE] = str(ws.root)
    uvicorn.run(
        "tianluo.service.app:app_from_environment",
        factory=True,
        workers=workers,
        **options,  # type: ignore[arg-type]
    )


@user_app.command("add")
def user_add(  # noqa: PLR0917 - each typer option is a parameter
    name: Annotated[str, typer.Argument(help="User name.")],
    agency: Annotated[str, typer.Option(help="Agency code, e.g. nn-amr.")],
    workspace: WorkspaceOption,
    role: Annotated[
        Role, typer.Option(help="Role (the first user is always admin).")
    ] = Role.ANALYST,
    agency_kind: Annotated[
        AgencyKind | None, typer.Option(help="Kind of the agency, when it is new.")
    ] = None,
    agency_name: Annotated[str | None, typer.Option(help="Name of a new agency.")] = None,
    province: Annotated[
        str | None, typer.Option(help="2-digit province code of a new agency.")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(envvar="TIANLUO_NEW_PASSWORD", help="Password (prompted when not given)."),
    ] = None,
) -> None:
    """Create a user, and their agency if it is new; the first user is an administrator."""

    secret = password or typer.prompt(
        f"Password (at least {MIN_LENGTH} characters)", hide_input=True, confirmation_prompt=True
    )
    engine = open_database(Workspace.at(workspace))
    try:
        added = add_user(
            engine,
            name,
            secret,
            agency=agency,
            role=role,
            agency_kind=agency_kind,
            agency_name=agency_name,
            province=province,
        )
    except (ServiceError, ValueError) as exc:
        console.print(f"[red]refused:[/red] {getattr(exc, 'message', exc)}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    made = " (new agency)" if added.agency_created else ""
    typer.echo(f"user {added.username}: {added.role} at {added.agency}{made}")


@db_app.command("upgrade")
def db_upgrade(workspace: WorkspaceOption) -> None:
    """Bring the database to the newest schema (also done by `tianluo serve`)."""

    open_database(Workspace.at(workspace)).dispose()
    typer.echo("database is at the newest schema")


@audit_app.command("verify")
def audit_verify(workspace: WorkspaceOption) -> None:
    """Check the audit chain; exit 1 if any entry was edited or deleted."""

    engine = open_database(Workspace.at(workspace, create=False))
    verdict = verify_audit(engine)
    engine.dispose()
    if not verdict.ok:
        console.print(f"[red]audit log tampered with:[/red] {verdict.problem}")
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {verdict.entries} entries")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")

"""Commands of entity resolution: explain a join, record an analyst's split or join, screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tianluo.resolve.decisions import Action, RecordRef, record_decision
from tianluo.resolve.explain import RecordNotFound, explain
from tianluo.resolve.lookup import ScreeningIndex
from tianluo.workspace import Workspace

err = Console(stderr=True, soft_wrap=True)
resolve_app = typer.Typer(
    help="Entity resolution: why records were joined, and analysts' splits and joins.",
    no_args_is_help=True,
)

Workspace_ = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]
Record = Annotated[str, typer.Argument(help="A record as source:record_id, e.g. seizures:SZ01.")]
Analyst = Annotated[str, typer.Option("--analyst", help="Who decides (kept with the decision).")]
Note = Annotated[str, typer.Option("--note", help="Why (kept with the decision).")]


def _open(workspace: Path) -> Workspace:
    try:
        return Workspace.at(workspace, create=False)
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc


def _refs(first: str, second: str) -> tuple[RecordRef, RecordRef]:
    try:
        return RecordRef.parse(first), RecordRef.parse(second)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc


@resolve_app.command("explain")
def explain_command(first: Record, second: Record, workspace: Workspace_) -> None:
    """Show whether two records are one person, and each field's agreement and weight."""
    ws = _open(workspace)
    a, b = _refs(first, second)
    try:
        result = explain(ws, a, b)
    except (RecordNotFound, FileNotFoundError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    verdict = "one person" if result.joined else "two persons"
    console = Console()
    console.print(f"{a} -> {result.first_key}\n{b} -> {result.second_key}\n{verdict}")
    if result.rule:
        console.print(f"rule: {result.rule}")
    table = Table(title="field by field (match weight in bits: + for, - against)")
    for name in ("field", "agreement", "weight"):
        table.add_column(name, justify="right" if name == "weight" else "left")
    for agreement in result.fields:
        weight = "-" if agreement.match_weight is None else f"{agreement.match_weight:+.1f}"
        table.add_row(agreement.field, agreement.level, weight)
    console.print(table)
    if result.match_probability is not None:
        console.print(
            f"model: match weight {result.match_weight:+.1f}, "
            f"probability {result.match_probability:.4f}"
        )


def _decide(
    action: Action, first: str, second: str, workspace: Path, *, analyst: str, note: str
) -> None:
    ws = _open(workspace)
    a, b = _refs(first, second)
    try:
        record_decision(ws, action, a, b, analyst=analyst, note=note)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    Console().print(f"kept: {action} {a} {b}; it applies from the next `tianluo run`")


@resolve_app.command("split")
def split_command(
    first: Record, second: Record, workspace: Workspace_, analyst: Analyst = "", note: Note = ""
) -> None:
    """Decide that two records are different persons (kept for every later run)."""
    _decide(Action.SPLIT, first, second, workspace, analyst=analyst, note=note)


@resolve_app.command("join")
def join_command(
    first: Record, second: Record, workspace: Workspace_, analyst: Analyst = "", note: Note = ""
) -> None:
    """Decide that two records are the same person (kept for every later run)."""
    _decide(Action.JOIN, first, second, workspace, analyst=analyst, note=note)


def lookup(
    workspace: Workspace_,
    *,
    id_number: Annotated[str | None, typer.Option("--id-number", help="Identity number.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Mobile number.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name in characters.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most matches shown.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Screen a person: the matching person keys with their match strength."""
    if not (id_number or phone or name):
        err.print("[red]error:[/] give at least one of --id-number, --phone, --name")
        raise typer.Exit(2)
    ws = _open(workspace)
    try:
        index = ScreeningIndex(ws)
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/] no resolved persons in {ws.root}: run `tianluo run` first")
        raise typer.Exit(1) from exc
    matches = index.search(name=name, id_number=id_number, phone=phone)[:limit]
    if as_json:
        for match in matches:
            row = {"person_key": match.person_key, "strength": match.strength}
            typer.echo(json.dumps(row | {"agreements": list(match.agreements)}))
        return
    table = Table(title="matching persons")
    for column in ("person_key", "strength", "agrees on"):
        table.add_column(column)
    for match in matches:
        table.add_row(match.person_key, f"{match.strength:.4f}", ", ".join(match.agreements))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(resolve_app, name="resolve")
    app.command("lookup")(lookup)

"""Commands of the analysis: evaluate results against a simulated city's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tianluo.evaluate import NoTruthError, evaluate, print_report
from tianluo.rules import RulesError, load_rules
from tianluo.settings import load_settings
from tianluo.workspace import Workspace

err = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole

Workspace_ = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]


def evaluate_command(
    feed_dir: Annotated[Path, typer.Argument(help="A simulated feed with its truth/ directory.")],
    workspace: Workspace_,
) -> None:
    """Score the workspace's results against the feed's truth/ and print the table."""
    settings = load_settings()
    try:
        rules = load_rules(settings.rules_file)
        report = evaluate(feed_dir, Workspace.at(workspace, create=False), rules=rules)
    except (NoTruthError, RulesError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    print_report(report)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)

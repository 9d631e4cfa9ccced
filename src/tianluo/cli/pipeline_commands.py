"""Commands of the analysis: run the detectors, evaluate results against a city's truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from tianluo.detectors.runner import run_detectors
from tianluo.engine import open_engine
from tianluo.evaluate import NoTruthError, evaluate, print_report
from tianluo.rules import RulesError, load_rules
from tianluo.settings import EngineKind, load_settings
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


def run(
    workspace: Workspace_,
    engine: Annotated[
        EngineKind, typer.Option("--engine", "-e", help="duckdb (default) or spark.")
    ] = "duckdb",
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            help="Comma-separated detector names to run alone; earlier outputs stand in "
            "for the others'.",
        ),
    ] = None,
) -> None:
    """Run every detector that the loaded sources allow; say which were skipped and why."""
    settings = load_settings()
    try:
        ws = Workspace.at(workspace, create=False)
        rules = load_rules(settings.rules_file)
    except (FileNotFoundError, RulesError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    with open_engine(ws, engine, settings=settings) as session:
        try:
            report = run_detectors(
                session,
                rules,
                on_start=lambda d: err.print(f"running {d.name}: {d.description}"),
                only=None if only is None else [n.strip() for n in only.split(",") if n.strip()],
            )
        except ValueError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc
    table = Table(title=f"Detectors on {report.engine}")
    for name in ("detector", "rows", "seconds"):
        table.add_column(name, justify="left" if name == "detector" else "right")
    for name, rows, seconds in report.ran:
        table.add_row(name, f"{rows:,}", f"{seconds:.1f}")
    Console().print(table)
    for name, why in report.skipped:
        Console().print(f"skipped {name}: {why}")


def simulate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the feed and truth/ to.")],
    persons: Annotated[int, typer.Option("--persons", "-n", min=100, help="People in the city.")],
    seed: Annotated[int, typer.Option("--seed", "-s", help="Same seed, same city.")] = 1,
    days: Annotated[int, typer.Option("--days", "-d", min=7, help="Days of records.")] = 60,
    fmt: Annotated[
        Literal["parquet", "csv"], typer.Option("--format", "-f", help="parquet or csv.")
    ] = "parquet",
) -> None:
    """Write a simulated Nanning (feed in the contract, planted answers in truth/)."""
    from tianluo.simulate import simulate_city  # noqa: PLC0415 - heavy, only this command

    summary = simulate_city(out_dir, persons, seed, days=days, fmt=fmt)
    table = Table(title=f"City of {persons:,} people, seed {seed}, {days} days -> {out_dir}")
    table.add_column("source")
    table.add_column("rows", justify="right")
    for source, rows in summary.rows.items():
        table.add_row(source, f"{rows:,}")
    Console().print(table)
    Console().print(
        f"planted: {summary.participants:,} participants in {summary.organizations} "
        f"organisations, {summary.dens} dens; written in {summary.seconds:.1f} s"
    )


def register(app: typer.Typer) -> None:
    app.command()(simulate)
    app.command()(run)
    app.command("evaluate")(evaluate_command)

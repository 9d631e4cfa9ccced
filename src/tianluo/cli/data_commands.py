"""Commands on the data: ingest a feed, show a workspace's status, export results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tianluo.ingest import FeedRefused, load_feed, render
from tianluo.results.export import ExportFormat, export_results
from tianluo.settings import load_settings
from tianluo.status import workspace_status
from tianluo.workspace import Workspace

out = Console()
err = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole

Workspace_ = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]


def _existing(path: Path) -> Workspace:
    try:
        return Workspace.at(path, create=False)
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc


def ingest(
    feed_dir: Annotated[Path, typer.Argument(help="Feed directory (contract.md sources).")],
    workspace: Workspace_,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Validate a feed and load it into the workspace's lake; bad rows go to quarantine."""
    settings = load_settings()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    )
    try:
        with progress:
            report = load_feed(
                feed_dir, Workspace.at(workspace), settings=settings, progress=progress
            )
    except FeedRefused as exc:
        err.print(f"[red]refused:[/] {exc}\nNothing of this load was written.")
        raise typer.Exit(1) from exc
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    render(report, out)


def status(workspace: Workspace_) -> None:
    """Show the sources loaded, their rows and quarantine, and the results present."""
    state = workspace_status(_existing(workspace))
    table = Table(title=f"Workspace {state.root} ({state.loads} loads)")
    for name in ("source", "rows", "loads", "quarantined", "last loaded (UTC)"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for s in state.sources:
        table.add_row(
            s.source, f"{s.rows:,}", str(s.loads), f"{s.quarantined:,}", s.last_loaded or ""
        )
    out.print(table)
    if state.absent:
        out.print(f"not loaded: {', '.join(state.absent)}")
    if state.derived:
        out.print("derived: " + ", ".join(f"{k} ({v:,} rows)" for k, v in state.derived.items()))
    if state.results:
        out.print("results: " + ", ".join(f"{k} ({v:,} rows)" for k, v in state.results.items()))
    else:
        out.print("results: none yet (run `tianluo run`)")


def export(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the results to.")],
    workspace: Workspace_,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv or parquet.")] = "csv",
) -> None:
    """Write the contract results present in the workspace as CSV or Parquet."""
    written = export_results(_existing(workspace), out_dir, fmt)
    if not written:
        out.print("no results to export yet (run `tianluo run` first)")
    for name, path in written.items():
        out.print(f"{name}: {path}")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(status)
    app.command()(export)

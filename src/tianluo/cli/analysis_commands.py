"""Commands an analyst runs on demand: collide two sources (碰撞比对)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tianluo.analysis.collision import B_RECORD_IDS, B_RECORDS, Collision, collide, save_hits
from tianluo.analysis.sides import KEY, RECORD, CollisionError, KeyKind, Side, spec_of, time_column
from tianluo.engine import open_engine
from tianluo.engine.errors import SourceNotLoadedError
from tianluo.settings import EngineKind, load_settings
from tianluo.workspace import Workspace

out = Console()
err = Console(stderr=True, soft_wrap=True)  # paths in messages stay whole

Workspace_ = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]
SHOWN_IDS = 60  # characters of B's ids shown in the terminal; --out keeps them all


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def collide_command(
    source_a: Annotated[str, typer.Argument(help="The source to check (e.g. access_events).")],
    source_b: Annotated[str, typer.Argument(help="The source to check against (e.g. seizures).")],
    *,
    workspace: Workspace_,
    on: Annotated[
        KeyKind, typer.Option("--on", help="The key both must share.")
    ] = KeyKind.ID_NUMBER,
    on_a: Annotated[
        str | None, typer.Option("--on-a", help="A's key column (default: by --on).")
    ] = None,
    on_b: Annotated[
        str | None, typer.Option("--on-b", help="B's key column (default: by --on).")
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Both sides from this local day (YYYY-MM-DD)."),
    ] = None,
    until: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Both sides up to this local day, included."),
    ] = None,
    since_a: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="A from this day.")
    ] = None,
    until_a: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="A up to this day.")
    ] = None,
    since_b: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="B from this day.")
    ] = None,
    until_b: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="B up to this day.")
    ] = None,
    site_a: Annotated[
        str | None, typer.Option("--site-a", help="Only A's records of this site_id.")
    ] = None,
    site_b: Annotated[
        str | None, typer.Option("--site-b", help="Only B's records of this site_id.")
    ] = None,
    save: Annotated[
        Path | None, typer.Option("--out", "-o", help="Save every hit to FILE.csv or .parquet.")
    ] = None,
    show: Annotated[int, typer.Option("--show", min=0, help="Hits shown in the terminal.")] = 20,
    engine: Annotated[
        EngineKind, typer.Option("--engine", "-e", help="duckdb (default) or spark.")
    ] = "duckdb",
) -> None:
    """List the records of SOURCE_A whose key SOURCE_B holds too (碰撞比对), with counts.

    Exits 2 for an unknown source, a missing column or a filter a source cannot take,
    and 1 when a source was never loaded or the workspace does not exist.
    """
    a = Side(source_a, on_a, _day(since_a or since), _day(until_a or until), site_a)
    b = Side(source_b, on_b, _day(since_b or since), _day(until_b or until), site_b)
    settings = load_settings()
    try:
        ws = Workspace.at(workspace, create=False)
        with open_engine(ws, engine, settings=settings) as session:
            collision = collide(session, a, b, on)
        if save is not None:
            save_hits(collision.hits, save)
    except CollisionError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    except (SourceNotLoadedError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    out.print(_hits_table(collision, show))
    _print_totals(collision)
    if save is not None:
        out.print(f"saved {collision.hits.num_rows:,} hits to {save}")


def _hits_table(collision: Collision, show: int) -> Table:
    """The first ``show`` hits: A's record, key, time and site, and B's records."""
    hits = collision.hits
    spec = spec_of(collision.a.source)
    columns = [RECORD, KEY]
    when = time_column(spec)
    columns += [c for c in (when, "site_id") if c is not None and c in hits.column_names]
    columns += [B_RECORDS, B_RECORD_IDS]
    title = (
        f"{collision.a.source} hitting {collision.b.source} on {collision.on.value} "
        f"(first {min(show, hits.num_rows):,} of {hits.num_rows:,})"
    )
    table = Table(title=title)
    for name in columns:
        table.add_column(name, justify="right" if name == B_RECORDS else "left")
    for row in hits.slice(0, show).select(columns).to_pylist():
        table.add_row(*(_cell(row[c]) for c in columns))
    return table


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return text if len(text) <= SHOWN_IDS else text[: SHOWN_IDS - 1] + "…"


def _print_totals(collision: Collision) -> None:
    t = collision.totals
    a, b = collision.a.source, collision.b.source
    out.print(f"{a}: {t.a_records:,} records, {t.a_keys:,} distinct keys")
    out.print(f"{b}: {t.b_records:,} records, {t.b_keys:,} distinct keys")
    share = t.keys_hit / t.a_keys if t.a_keys else 0.0
    out.print(
        f"hits: {t.hits:,} records of {a}; {t.keys_hit:,} distinct keys hit "
        f"({share:.1%} of {a}'s keys)"
    )


def register(app: typer.Typer) -> None:
    app.command("collide")(collide_command)

"""Commands of the fraud centre: trace where a reported transfer's money is now."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tianluo.engine import SourceNotLoadedError, open_engine
from tianluo.settings import EngineKind, load_settings
from tianluo.trace import FundTrace, UnknownTransferError, load_index, to_yuan, trace_funds
from tianluo.workspace import Workspace

out = Console(soft_wrap=True)  # account ids and paths stay whole
err = Console(stderr=True, soft_wrap=True)

Workspace_ = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]


def trace(
    txn_id: Annotated[str, typer.Argument(help="The reported transfer (its txn_id).")],
    workspace: Workspace_,
    engine: Annotated[
        EngineKind, typer.Option("--engine", "-e", help="duckdb (default) or spark.")
    ] = "duckdb",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Accounts to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print the accounts holding TXN_ID's money now, ranked for freezing (FIFO rule)."""
    settings = load_settings()
    try:
        ws = Workspace.at(workspace, create=False)
        with open_engine(ws, engine, settings=settings) as session:
            index = load_index(session)
        started = time.perf_counter()
        found = trace_funds(index, txn_id)
        millis = (time.perf_counter() - started) * 1000
    except (FileNotFoundError, SourceNotLoadedError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    except UnknownTransferError as exc:
        err.print(f"[red]error:[/] transfer {txn_id} is not in the loaded transactions")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(_as_dict(found, limit), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Where the money of {txn_id} is now ({millis:.1f} ms)")
    for name in ("rank", "account", "yuan", "hops", "path"):
        table.add_column(name, justify="right" if name in {"rank", "yuan", "hops"} else "left")
    for rank, holding in enumerate(found.holdings[:limit], start=1):
        path = " > ".join(holding.path)
        table.add_row(str(rank), holding.account_id, f"{holding.amount:,}", str(holding.hops), path)
    out.print(table)
    out.print(
        f"reported {to_yuan(found.amount_fen):,} yuan: {to_yuan(found.held_fen):,} still held in "
        f"{len(found.holdings)} account(s), {to_yuan(found.cashed_out_fen):,} withdrawn as cash"
        + (" (trace stopped at its piece limit)" if found.truncated else "")
    )


def _as_dict(found: FundTrace, limit: int) -> dict[str, object]:
    return {
        "txn_id": found.txn_id,
        "amount": str(to_yuan(found.amount_fen)),
        "held": str(to_yuan(found.held_fen)),
        "cashed_out": str(to_yuan(found.cashed_out_fen)),
        "holdings": [
            {
                "rank": rank,
                "account_id": h.account_id,
                "amount": str(h.amount),
                "hops": h.hops,
                "path": list(h.path),
            }
            for rank, h in enumerate(found.holdings[:limit], start=1)
        ],
    }


def register(app: typer.Typer) -> None:
    app.command()(trace)

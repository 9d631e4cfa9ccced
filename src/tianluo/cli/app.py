"""`tianluo`: the command line. Each command parses its arguments and calls the library.

Exit codes: 0 done; 1 the input was refused or is missing (the message says
which file, column or workspace); 2 wrong usage.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tianluo import __version__
from tianluo.cli import (
    analysis_commands,
    data_commands,
    fraud_commands,
    pipeline_commands,
    resolve_commands,
    service_commands,
)

app = typer.Typer(
    name="tianluo",
    help="Tianluo (天罗): fuse agencies' records to find pyramid-selling organisations and fraud.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(stderr=True)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace directory (lake, results, database).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tianluo {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print version.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


data_commands.register(app)
pipeline_commands.register(app)
analysis_commands.register(app)
resolve_commands.register(app)
fraud_commands.register(app)
service_commands.register(app)


def main() -> None:
    """Entry point of the `tianluo` script."""
    app()

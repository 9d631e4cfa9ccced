"""Keep and read contract results inside a workspace (``W/results/<name>.parquet``)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.contract.results import RESULTS
from tianluo.workspace import Workspace


def _check(name: str, table: pa.Table) -> None:
    spec = RESULTS.get(name)
    if spec is None:
        raise KeyError(f"{name!r} is not a result of the contract")
    missing = [c for c in spec.columns if c not in table.column_names]
    if missing:
        raise ValueError(f"result {name} lacks the contract column {missing[0]!r}")


def write_result(workspace: Workspace, name: str, table: pa.Table) -> Path:
    """Write one result, replacing the previous run's (written aside, then renamed)."""
    _check(name, table)
    path = workspace.result_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".parquet.tmp")
    pq.write_table(table, temporary)
    temporary.replace(path)
    return path


def read_result(workspace: Workspace, name: str) -> pa.Table:
    """One result as an Arrow table."""
    path = workspace.result_path(name)
    if not path.exists():
        raise FileNotFoundError(f"no {name} result in {workspace.root}: run `tianluo run` first")
    return pq.read_table(path)


def present_results(workspace: Workspace) -> dict[str, int]:
    """The contract results present in the workspace and their row counts."""
    return {
        name: pq.ParquetFile(workspace.result_path(name)).metadata.num_rows
        for name in RESULTS
        if workspace.result_path(name).exists()
    }

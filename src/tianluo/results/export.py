"""Export the contract results of a workspace as CSV or Parquet, in the contract's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.contract.results import RESULTS
from tianluo.results.store import present_results, read_result
from tianluo.workspace import Workspace

ExportFormat = Literal["csv", "parquet"]


def _contract_columns(name: str, table: pa.Table) -> pa.Table:
    """The contract's columns first, in its order, then its optional ones that exist."""
    spec = RESULTS[name]
    wanted = list(spec.columns) + [c for c in spec.optional if c in table.column_names]
    return table.select(wanted)


def export_results(
    workspace: Workspace, out_dir: Path, fmt: ExportFormat = "csv"
) -> dict[str, Path]:
    """Write every result present to ``out_dir/<name>.<fmt>``; returns what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in present_results(workspace):
        table = _contract_columns(name, read_result(workspace, name))
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(_csv_ready(table), path)
        written[name] = path
    return written


def _csv_ready(table: pa.Table) -> pa.Table:
    """Lists (e.g. den members) become ``;``-separated text, as the contract's feeds do."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            joined = pa.array(
                [None if v is None else ";".join(str(x) for x in v) for v in column.to_pylist()],
                pa.string(),
            )
            columns.append(joined)
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)

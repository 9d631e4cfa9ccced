"""Compare two workspaces' detector outputs table by table (DuckDB against Spark).

Each table is matched on its key columns; every other column is compared value by
value: numbers within ``tolerance`` (the largest difference is reported too), text,
dates and lists exactly (a list compares as a whole, in its order). Column types are
reported when the engines wrote them differently, since a reader sees the type.
Columns named in ``ignore`` (a run's timestamp) are left out. ``dens`` are compared
a second way, by their member sets, so that a renumbering alone would show as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.workspace import Workspace

TOLERANCE = 1e-6
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One output to compare: where it is, its key, and columns not to compare."""

    name: str
    kind: str  # "result" or "derived"
    keys: tuple[str, ...]
    ignore: tuple[str, ...] = ()


RESULTS = (
    TableSpec("suspects", "result", ("id_number",)),
    TableSpec("dens", "result", ("den_id",)),
    TableSpec("organizations", "result", ("org_id", "id_number")),
    TableSpec("org_summary", "result", ("org_id",)),
    TableSpec("participant_stats", "result", ("dimension", "key")),
    TableSpec("heat_cells", "result", ("layer", "cell")),
)
DERIVED = (
    TableSpec("presence_daily", "derived", ("person_key", "day")),
    TableSpec("residency_rule", "derived", ("id_number",)),
    TableSpec("activity_profile", "derived", ("person_key",)),
    TableSpec("call_links", "derived", ("caller_key", "callee_key")),
    TableSpec("transfer_links", "derived", ("payer_key", "payee_key")),
    TableSpec("suspect_profile", "derived", ("person_key",)),
    TableSpec("alerts_pyramid", "derived", ("alert_id",), ignore=("created_at",)),
)
PERSON_KEYS = TableSpec("person_keys", "result", ("source", "record_id"))


def _path(workspace: Workspace, spec: TableSpec) -> Path:
    if spec.kind == "result":
        return workspace.result_path(spec.name)
    return workspace.derived_path(spec.name)


def _read(path: Path) -> pa.Table:
    """A Parquet file, or a directory of part files (Spark's layout)."""
    if path.is_dir():
        return pq.read_table(sorted(path.glob("*.parquet")))
    return pq.read_table(path)


def _plain(column: pa.ChunkedArray) -> pd.Series:
    """A column as comparable pandas values: dictionaries decoded, lists as tuples."""
    type_ = column.type
    if pa.types.is_dictionary(type_):
        column = column.cast(type_.value_type)
        type_ = type_.value_type
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        return pd.Series(
            [tuple(v) if v is not None else None for v in column.to_pylist()], dtype=object
        )
    if pa.types.is_timestamp(type_):
        return pd.Series(column.cast(pa.int64()).to_numpy(zero_copy_only=False))
    if pa.types.is_date(type_):
        return pd.Series(column.cast(pa.int32()).to_numpy(zero_copy_only=False))
    series: pd.Series = column.to_pandas()
    return series


def _numeric(type_: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(type_) or pa.types.is_floating(type_) or pa.types.is_decimal(type_)
    )


def _frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: _plain(table[c]) for c in columns})


def _compare_column(
    joined: pd.DataFrame, column: str, numeric: bool, tolerance: float
) -> tuple[pd.Series, float | None]:
    """Which matched rows differ in ``column``, and the largest numeric difference."""
    a, b = joined[f"{column}_a"], joined[f"{column}_b"]
    if numeric:
        x = pd.to_numeric(a, errors="coerce").to_numpy(np.float64)
        y = pd.to_numeric(b, errors="coerce").to_numpy(np.float64)
        with np.errstate(invalid="ignore"):
            diff = np.abs(x - y)
        one_null = np.isnan(x) != np.isnan(y)
        worst = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
        differs = pd.Series(one_null | (diff > tolerance), index=joined.index)
        return differs, worst
    same = a.astype(object).where(a.notna(), None) == b.astype(object).where(b.notna(), None)
    return ~(same | (a.isna() & b.isna())), None


def compare_tables(
    a: pa.Table, b: pa.Table, spec: TableSpec, tolerance: float = TOLERANCE
) -> dict[str, Any]:
    """How table ``b`` differs from ``a`` (rows, keys, columns, values, types)."""
    figures: dict[str, Any] = {"rows": [a.num_rows, b.num_rows]}
    names_a = [c for c in a.column_names if c not in spec.ignore]
    names_b = [c for c in b.column_names if c not in spec.ignore]
    if names_a != names_b:
        figures["columns_differ"] = {"only_first": sorted(set(names_a) - set(names_b))}
        figures["columns_differ"]["only_second"] = sorted(set(names_b) - set(names_a))
        figures["columns_differ"]["same_set_other_order"] = set(names_a) == set(names_b)
    common = [c for c in names_a if c in names_b]
    types = {
        c: [str(a.schema.field(c).type), str(b.schema.field(c).type)]
        for c in common
        if a.schema.field(c).type != b.schema.field(c).type
    }
    if types:
        figures["types_differ"] = types
    keys = list(spec.keys)
    left, right = _frame(a, common), _frame(b, common)
    duplicated = int(left.duplicated(keys).sum()), int(right.duplicated(keys).sum())
    if any(duplicated):
        figures["duplicate_keys"] = list(duplicated)
    joined = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    only_a = joined[joined["_merge"] == "left_only"]
    only_b = joined[joined["_merge"] == "right_only"]
    matched = joined[joined["_merge"] == "both"]
    figures["keys_only_first"] = len(only_a)
    figures["keys_only_second"] = len(only_b)
    if len(only_a):
        figures["examples_only_first"] = only_a[keys].head(EXAMPLES).astype(str).values.tolist()
    if len(only_b):
        figures["examples_only_second"] = only_b[keys].head(EXAMPLES).astype(str).values.tolist()
    mismatches: dict[str, Any] = {}
    for column in common:
        if column in keys:
            continue
        numeric = _numeric(a.schema.field(column).type) and _numeric(b.schema.field(column).type)
        differs, worst = _compare_column(matched, column, numeric, tolerance)
        entry: dict[str, Any] = {}
        if worst is not None and worst > 0:
            entry["max_abs_diff"] = worst
        if differs.any():
            rows = matched[differs]
            entry["rows_differ"] = int(differs.sum())
            entry["examples"] = [
                {
                    "key": [str(v) for v in r[keys]],
                    "first": str(r[f"{column}_a"])[:200],
                    "second": str(r[f"{column}_b"])[:200],
                }
                for _, r in rows.head(EXAMPLES).iterrows()
            ]
        if entry:
            mismatches[column] = entry
    if mismatches:
        figures["columns"] = mismatches
    figures["equal"] = bool(
        a.num_rows == b.num_rows
        and not len(only_a)
        and not len(only_b)
        and not any("rows_differ" in e for e in mismatches.values())
        and not any(duplicated)
        and "columns_differ" not in figures
    )
    return figures


def compare_dens_by_members(a: pa.Table, b: pa.Table) -> dict[str, Any]:
    """Dens matched by their member sets: how many agree, and their places and scores."""

    def by_members(table: pa.Table) -> dict[frozenset[str], dict[str, Any]]:
        return {frozenset(r["members"]): r for r in table.to_pylist()}

    first, second = by_members(a), by_members(b)
    same = set(first) & set(second)
    moved = [
        m
        for m in same
        if max(abs(first[m]["lat"] - second[m]["lat"]), abs(first[m]["lon"] - second[m]["lon"]))
        > TOLERANCE
    ]
    return {
        "member_sets": [len(first), len(second)],
        "same_member_sets": len(same),
        "same_id_for_same_members": sum(first[m]["den_id"] == second[m]["den_id"] for m in same),
        "same_place_for_same_members": len(same) - len(moved),
        "same_address_for_same_members": sum(
            first[m]["address"] == second[m]["address"] for m in same
        ),
        "max_score_diff": max(
            (abs(first[m]["score"] - second[m]["score"]) for m in same), default=0.0
        ),
    }


def compare_organizations(a: pa.Table, b: pa.Table) -> dict[str, Any]:
    """Organisations matched by their member sets, and each member's upline and level."""

    def groups(table: pa.Table) -> set[frozenset[str]]:
        members: dict[str, set[str]] = {}
        for org, person in zip(
            table["org_id"].to_pylist(), table["id_number"].to_pylist(), strict=True
        ):
            members.setdefault(org, set()).add(person)
        return {frozenset(m) for m in members.values()}

    def placed(table: pa.Table) -> dict[str, tuple[Any, ...]]:
        rows = zip(
            *(table[c].to_pylist() for c in ("id_number", "upline_id_number", "level", "role")),
            strict=True,
        )
        return {r[0]: r[1:] for r in rows}

    first, second = placed(a), placed(b)
    both = set(first) & set(second)
    return {
        "organisations": [len(groups(a)), len(groups(b))],
        "same_member_sets": len(groups(a) & groups(b)),
        "members": [len(first), len(second)],
        "same_upline": sum(first[k][0] == second[k][0] for k in both),
        "same_level": sum(first[k][1] == second[k][1] for k in both),
        "same_role": sum(first[k][2] == second[k][2] for k in both),
    }


def compare_workspaces(
    first: Workspace, second: Workspace, specs: tuple[TableSpec, ...] = RESULTS + DERIVED
) -> dict[str, Any]:
    """Every table of ``specs`` present in either workspace, compared (see the module)."""
    figures: dict[str, Any] = {}
    for spec in specs:
        path_a, path_b = _path(first, spec), _path(second, spec)
        if not (path_a.exists() and path_b.exists()):
            figures[spec.name] = {"missing": [not path_a.exists(), not path_b.exists()]}
            continue
        a, b = _read(path_a), _read(path_b)
        figures[spec.name] = compare_tables(a, b, spec)
        if spec.name == "dens":
            figures[spec.name]["by_members"] = compare_dens_by_members(a, b)
        if spec.name == "organizations":
            figures[spec.name]["by_members"] = compare_organizations(a, b)
    return figures

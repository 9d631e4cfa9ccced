"""Why two records are, or are not, one person: each field's agreement and its weight.

The two records are compared by the trained model of the latest run, field by
field: the level each comparison reached (``same characters``, ``one digit wrong or
two adjacent digits swapped`` ...) and its match weight in bits (log2 of the Bayes
factor: +10 is 1,000 times likelier for the same person, negative argues against).
Records sharing a valid identity number are one person by rule, whatever the model.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from splink import Linker
from splink.backends.duckdb import DuckDBAPI

from tianluo.resolve.decisions import RecordRef
from tianluo.resolve.features import WINDOW_KEYS
from tianluo.resolve.lookup import windows as number_windows
from tianluo.resolve.nodes import BLOCKING_KEYS
from tianluo.resolve.pipeline import PERSON_RECORDS, model_path
from tianluo.workspace import Workspace


class RecordNotFound(LookupError):
    """A record named in a request is not among the resolved records of the workspace."""


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """How one field of two records compares."""

    field: str
    level: str
    match_weight: float | None  # None: a value is missing, the field says nothing


@dataclass
class Explanation:
    """Two records, their person keys and the evidence for or against joining them."""

    first: RecordRef
    second: RecordRef
    first_key: str
    second_key: str
    rule: str | None = None
    fields: list[FieldAgreement] = field(default_factory=list)
    match_weight: float | None = None
    match_probability: float | None = None

    @property
    def joined(self) -> bool:
        return self.first_key == self.second_key


def _record(records: pa.Table, ref: RecordRef) -> dict[str, Any]:
    mask = pc.and_(
        pc.equal(records.column("source"), ref.source),
        pc.equal(records.column("record_id"), ref.record_id),
    )
    rows = records.filter(mask).to_pylist()
    if not rows:
        raise RecordNotFound(f"{ref} is not a resolved record: run `tianluo run` after loading it")
    row: dict[str, Any] = rows[0]
    return row


def _model_input(row: dict[str, Any], unique_id: str) -> dict[str, Any]:
    """One record as a node of the model (``nodes.NODE_COLUMNS``)."""
    id17 = row["id17"]
    windows: dict[str, str | None] = dict.fromkeys(f"{key}_open" for key in BLOCKING_KEYS)
    windows |= dict(
        zip(WINDOW_KEYS, number_windows(id17) if id17 else [None] * len(WINDOW_KEYS), strict=True)
    )
    return {
        "unique_id": unique_id,
        "id_valid": bool(row["id_valid"]),
        "id17": id17,
        "birth": row["birth"],
        "name": row["name"],
        "name_pinyin": row["name_pinyin"],
        "phones": [row["phone"]] if row["phone"] else None,
        "address": row["address"],
        **windows,
        "records": 1,
    }


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Per comparison, its levels' labels by comparison-vector value (-1 is missing)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        counted = [lv for lv in levels if not lv.get("is_null_level")]
        by_value = {-1: "a value is missing"}
        for index, level in enumerate(counted):
            by_value[len(counted) - 1 - index] = level.get("label_for_charts", "")
        labels[comparison["output_column_name"]] = by_value
    return labels


def _name_frequency(records: pa.Table, name: str | None) -> float | None:
    if not name:
        return None
    named = pc.sum(pc.is_valid(records.column("name"))).as_py() or 1
    same = pc.sum(pc.equal(records.column("name"), name)).as_py() or 0
    return max(same, 1) / named


def explain(workspace: Workspace, first: RecordRef, second: RecordRef) -> Explanation:
    """The explanation of the latest run's decision about two records."""
    records = pq.read_table(workspace.derived_path(PERSON_RECORDS))
    left, right = _record(records, first), _record(records, second)
    result = Explanation(first, second, left["person_key"], right["person_key"])
    if left["id_valid"] and right["id_valid"] and left["id_number"] == right["id_number"]:
        result.rule = "the same valid identity number: one person by rule"
    path = model_path(workspace)
    if not path.exists():
        return result
    model = json.loads(path.read_text(encoding="utf-8"))
    model["retain_intermediate_calculation_columns"] = True  # per-field match weights
    linker = Linker(
        DuckDBAPI(connection=duckdb.connect()).register(
            pa.Table.from_pylist([_model_input(left, "left")])
        ),
        model,
        log_level=logging.WARNING,
    )
    pair = [_model_input(left, "left"), _model_input(right, "right")]
    for row, source in zip(pair, (left, right), strict=True):
        row["tf_name"] = _name_frequency(records, source["name"])
    scored = linker.inference.score_pair(pair[0], pair[1]).as_record_list()[0]
    labels = _level_labels(model)
    for name, by_value in labels.items():
        gamma = int(scored[f"gamma_{name}"])
        bits = float(scored[f"mw_{name}"]) + float(scored.get(f"mw_tf_adj_{name}") or 0.0)
        weight = None if gamma == -1 else round(bits, 2)
        result.fields.append(FieldAgreement(name, by_value.get(gamma, str(gamma)), weight))
    result.match_weight = round(float(scored["match_weight"]), 2)
    result.match_probability = float(scored["match_probability"])
    return result

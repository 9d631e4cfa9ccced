"""The resolve stage: person-naming records in, person keys out.

records -> features -> nodes -> Splink scores -> clusters (with analysts' decisions)
-> person keys. Writes the contract result ``person_keys`` and, for explanations,
screening and the detectors, ``W/derived/person_records.parquet`` (every record
with its features and key), ``W/derived/resolve_edges.parquet`` (scored pairs of
nodes) and ``W/derived/resolve_model.json`` (the trained Splink model).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.engine import Engine
from tianluo.resolve.cluster import cluster_nodes
from tianluo.resolve.decisions import Action, RecordRef, decisions_in_force, load_decisions
from tianluo.resolve.features import with_features
from tianluo.resolve.keys import person_keys
from tianluo.resolve.model import score_nodes
from tianluo.resolve.nodes import build_nodes
from tianluo.resolve.records import gather_records
from tianluo.resolve.settings import ResolveSettings
from tianluo.results import write_result
from tianluo.workspace import Workspace

PERSON_RECORDS = "person_records"
EDGES = "resolve_edges"
MODEL_FILE = "resolve_model.json"
RECORD_COLUMNS = (
    "source",
    "record_id",
    "person_key",
    "node_id",
    "seen_at",
    "name",
    "name_pinyin",
    "id_number",
    "id_status",
    "id_valid",
    "id17",
    "birth",
    "phone",
    "address",
)


@dataclass
class ResolveReport:
    """What one resolution did."""

    records: int = 0
    nodes: int = 0
    pairs_scored: int = 0
    persons: int = 0
    decisions_applied: int = 0
    decisions_not_applicable: list[str] = field(default_factory=list)
    seconds: float = 0.0


def model_path(workspace: Workspace) -> Path:
    """Where the trained Splink model of the latest run is kept."""
    return workspace.derived / MODEL_FILE


def _node_pairs(
    featured: pa.Table, report: ResolveReport, workspace: Workspace
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Analysts' joins and splits in force, as pairs of nodes of this run."""
    node_of: dict[RecordRef, str] = {}
    for source, record_id, node in zip(
        featured.column("source").to_pylist(),
        featured.column("record_id").to_pylist(),
        featured.column("node_id").to_pylist(),
        strict=True,
    ):
        node_of.setdefault(RecordRef(source, record_id), node)
    joins: list[tuple[str, str]] = []
    splits: list[tuple[str, str]] = []
    for decision in decisions_in_force(load_decisions(workspace)):
        a, b = node_of.get(decision.first), node_of.get(decision.second)
        label = f"{decision.action} {decision.first} {decision.second}"
        if a is None or b is None:
            report.decisions_not_applicable.append(f"{label}: a record is not loaded")
        elif a == b and decision.action is Action.SPLIT:
            report.decisions_not_applicable.append(
                f"{label}: the two records carry the same identity number or identical evidence"
            )
        else:
            (joins if decision.action is Action.JOIN else splits).append((a, b))
            report.decisions_applied += 1
    return joins, splits


def resolve(engine: Engine, settings: ResolveSettings | None = None) -> ResolveReport:
    """Resolve every person-naming record of the lake to a person key; write the outputs."""
    settings = settings or ResolveSettings()
    started = time.perf_counter()
    workspace = engine.workspace
    report = ResolveReport()
    featured = with_features(gather_records(engine))
    nodes = build_nodes(featured)
    report.records, report.nodes = featured.num_rows, nodes.num_rows
    edges = score_nodes(engine, nodes, settings, model_path(workspace))
    report.pairs_scored = edges.num_rows
    joins, splits = _node_pairs(featured, report, workspace)
    numbers = {
        node: (node[1:] if valid else None)
        for node, valid in zip(
            nodes.column("unique_id").to_pylist(), nodes.column("id_valid").to_pylist(), strict=True
        )
    }
    clusters = cluster_nodes(
        numbers,
        zip(
            edges.column("unique_id_l").to_pylist(),
            edges.column("unique_id_r").to_pylist(),
            edges.column("match_probability").to_pylist(),
            edges.column("match_weight").to_pylist(),
            strict=True,
        ),
        threshold=settings.link_threshold,
        joined=joins,
        split=splits,
    )
    cluster_column = pa.array([clusters[n] for n in featured.column("node_id").to_pylist()])
    featured = featured.append_column("cluster", cluster_column)
    keys = person_keys(featured)
    featured = featured.append_column(
        "person_key", pa.array([keys[c] for c in cluster_column.to_pylist()], pa.string())
    )
    report.persons = len(set(keys.values()))
    workspace.derived.mkdir(parents=True, exist_ok=True)
    pq.write_table(featured.select(list(RECORD_COLUMNS)), workspace.derived_path(PERSON_RECORDS))
    pq.write_table(edges, workspace.derived_path(EDGES))
    result = featured.select(["source", "record_id", "person_key"]).group_by(
        ["source", "record_id", "person_key"]
    )
    write_result(workspace, "person_keys", result.aggregate([]))
    report.seconds = round(time.perf_counter() - started, 2)
    return report

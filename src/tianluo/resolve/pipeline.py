"""The resolve stage: person-naming records in, person keys out.

records -> evidence (grouped by the engine) -> features -> nodes -> Splink scores ->
clusters (with analysts' decisions) -> person keys -> records keyed by the engine.
Writes the contract result ``person_keys`` and, for explanations, screening and the
detectors, ``W/derived/person_records.parquet`` (every record with its features and
key), ``W/derived/resolve_edges.parquet`` (scored pairs of nodes) and
``W/derived/resolve_model.json`` (the trained Splink model). Only evidence, nodes
and pairs pass through Python; records stay in the engine (``evidence``).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tianluo.engine import Engine
from tianluo.resolve.cluster import cluster_nodes
from tianluo.resolve.decisions import Action, RecordRef, decisions_in_force, load_decisions
from tianluo.resolve.evidence import KEYED_COLUMNS, gather_evidence, keyed_records
from tianluo.resolve.features import with_features
from tianluo.resolve.keys import person_keys
from tianluo.resolve.model import score_nodes
from tianluo.resolve.nodes import build_nodes
from tianluo.resolve.records import all_records
from tianluo.resolve.settings import ResolveSettings
from tianluo.workspace import Workspace

PERSON_RECORDS = "person_records"
EDGES = "resolve_edges"
MODEL_FILE = "resolve_model.json"
KEYED_EVIDENCE = "resolve_evidence"


@dataclass
class ResolveReport:
    """What one resolution did."""

    records: int = 0
    evidence: int = 0
    nodes: int = 0
    pairs_scored: int = 0
    persons: int = 0
    decisions_applied: int = 0
    decisions_not_applicable: list[str] = field(default_factory=list)
    seconds: float = 0.0


def model_path(workspace: Workspace) -> Path:
    """Where the trained Splink model of the latest run is kept."""
    return workspace.derived / MODEL_FILE


def _decision_nodes(
    engine: Engine, records: ir.Table, refs: set[RecordRef]
) -> dict[RecordRef, str]:
    """The node of each record named in a decision (the smallest, if a record id recurs)."""
    if not refs:
        return {}
    wanted = ibis.memtable(
        pa.table(
            {
                "source": pa.array([r.source for r in refs], pa.string()),
                "record_id": pa.array([r.record_id for r in refs], pa.string()),
            }
        )
    )
    found = engine.to_arrow(records.semi_join(wanted, ["source", "record_id"]))
    if found.num_rows == 0:
        return {}
    featured = with_features(found).sort_by([("node_id", "ascending")])
    node_of: dict[RecordRef, str] = {}
    for source, record_id, node in zip(
        featured.column("source").to_pylist(),
        featured.column("record_id").to_pylist(),
        featured.column("node_id").to_pylist(),
        strict=True,
    ):
        node_of.setdefault(RecordRef(source, record_id), node)
    return node_of


def _node_pairs(
    engine: Engine, records: ir.Table, report: ResolveReport
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Analysts' joins and splits in force, as pairs of nodes of this run."""
    decisions = decisions_in_force(load_decisions(engine.workspace))
    refs = {ref for d in decisions for ref in (d.first, d.second)}
    node_of = _decision_nodes(engine, records, refs)
    joins: list[tuple[str, str]] = []
    splits: list[tuple[str, str]] = []
    for decision in decisions:
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


def _clusters(
    nodes: pa.Table,
    edges: pa.Table,
    joins: list[tuple[str, str]],
    splits: list[tuple[str, str]],
    settings: ResolveSettings,
) -> dict[str, str]:
    node_ids = nodes.column("unique_id")
    valid_numbers = pc.if_else(nodes.column("id_valid"), pc.utf8_slice_codeunits(node_ids, 1), None)
    numbers = dict(zip(node_ids.to_pylist(), valid_numbers.to_pylist(), strict=True))
    return cluster_nodes(
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


def _mapped(
    values: pa.ChunkedArray, keys: pa.Array | pa.ChunkedArray, images: pa.Array | pa.ChunkedArray
) -> pa.Array:
    """Each of ``values`` replaced by the image of its key (``keys[i]`` -> ``images[i]``)."""
    where = pc.index_in(values.combine_chunks(), value_set=keys)
    mapped: pa.Array = pc.take(images, where)
    return mapped


def _write_one_file(engine: Engine, expr: ir.Table, path: Path) -> Path:
    """Write ``expr`` to ``path`` as one Parquet file, as results are kept.

    DuckDB writes one file; Spark a directory of parts, which is streamed into one.
    """
    written = engine.write_parquet(expr, path.with_name(f".{path.name}.parts"))
    if written.is_file():
        return written.replace(path)
    schema = expr.schema().to_pyarrow()
    staging = path.with_name(f".{path.name}.writing")
    with pq.ParquetWriter(staging, schema) as out:
        for batch in ds.dataset(written, format="parquet").to_batches():
            out.write_table(pa.Table.from_batches([batch]).cast(schema))
    shutil.rmtree(written)
    return staging.replace(path)


def _write_records(engine: Engine, records: ir.Table, keyed: pa.Table) -> None:
    """Every record with its features and person key, and the ``person_keys`` result.

    The keyed evidence goes to the engine through a scratch file, so that no copy
    stays in the engine's session for the detectors that run next.
    """
    workspace = engine.workspace
    scratch = workspace.root / "tmp" / "resolve" / f"{KEYED_EVIDENCE}.parquet"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(keyed.select(list(KEYED_COLUMNS)), scratch)
    evidence = engine.read_parquet(scratch, KEYED_EVIDENCE)
    path = engine.write_parquet(
        keyed_records(records, evidence), workspace.derived_path(PERSON_RECORDS)
    )
    resolved = engine.read_parquet(path, PERSON_RECORDS)
    result = resolved.select("source", "record_id", "person_key").distinct()
    _write_one_file(engine, result, workspace.result_path("person_keys"))
    scratch.unlink()


def resolve(engine: Engine, settings: ResolveSettings | None = None) -> ResolveReport:
    """Resolve every person-naming record of the lake to a person key; write the outputs."""
    settings = settings or ResolveSettings()
    started = time.perf_counter()
    workspace = engine.workspace
    report = ResolveReport()
    records = all_records(engine)
    featured = with_features(gather_evidence(engine, records))
    nodes = build_nodes(featured)
    report.records = int(pc.sum(featured.column("records")).as_py() or 0)
    report.evidence, report.nodes = featured.num_rows, nodes.num_rows
    edges = score_nodes(engine, nodes, settings, model_path(workspace))
    report.pairs_scored = edges.num_rows
    joins, splits = _node_pairs(engine, records, report)
    clusters = _clusters(nodes, edges, joins, splits, settings)
    node_ids = pa.array(list(clusters), pa.string())
    cluster_ids = pa.array(list(clusters.values()), pa.string())
    featured = featured.append_column(
        "cluster", _mapped(featured.column("node_id"), node_ids, cluster_ids)
    )
    keys = person_keys(featured)
    featured = featured.append_column(
        "person_key",
        _mapped(featured.column("cluster"), keys.column("cluster"), keys.column("person_key")),
    )
    report.persons = pc.count_distinct(keys.column("person_key")).as_py()
    workspace.derived.mkdir(parents=True, exist_ok=True)
    pq.write_table(edges, workspace.derived_path(EDGES))
    _write_records(engine, records, featured)
    report.seconds = round(time.perf_counter() - started, 2)
    return report

"""The Splink model: settings, blocking, training and scored pairs of nodes.

Blocking (which pairs are scored at all): the same mobile; the same ``id17`` with
one window of digits left out (``features.WINDOW_KEYS``: catches one wrong digit or
a swap); the same name sound. In every rule at least one side has no usable identity
number: two valid numbers are two people, so pairs of them are never worth scoring.
Training, on enough nodes: u by random sampling, then m by expectation
maximisation in two sessions (blocked on name sound and birth date, then on birth
date and region), each estimating the comparisons its blocking does not fix. Too few
nodes to learn from (a test, a tiny feed): the priors of ``comparisons`` are used.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import And, CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.database_api import DatabaseAPISubClass

from tianluo.engine import Engine
from tianluo.resolve.comparisons import comparisons
from tianluo.resolve.nodes import BLOCKING_KEYS
from tianluo.resolve.settings import ResolveSettings

EDGE_SCHEMA = pa.schema(
    [
        ("unique_id_l", pa.string()),
        ("unique_id_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
    ]
)

NOT_TWO_NUMBERS = "NOT (l.id_valid AND r.id_valid)"
"""Two valid identity numbers are two people: such pairs are never scored for prediction."""


def _open_pairs(key: str) -> list[BlockingRuleCreator]:
    """Pairs agreeing on ``key`` where the left, or the right, node has no valid number."""
    return [CustomRule(f"l.{key}_open = r.{key}"), CustomRule(f"l.{key} = r.{key}_open")]


def blocking_rules() -> list[BlockingRuleCreator]:
    """The rules that choose which pairs of nodes are scored (see the module's docstring)."""
    by_phone: BlockingRuleCreator = And(block_on("phones"), CustomRule(NOT_TWO_NUMBERS))
    by_phone._arrays_to_explode = ["phones"]  # what block_on(..., arrays_to_explode=) sets
    return [by_phone, *(rule for key in BLOCKING_KEYS for rule in _open_pairs(key))]


def prior_match_probability(nodes: pa.Table) -> float:
    """λ, the chance that two random nodes are one person.

    Nodes with a usable number are distinct people; about one node without one in
    ten is a person seen nowhere else, the rest belong to someone.
    """
    total = nodes.num_rows
    if total < 2:
        return 0.5
    without_number = total - sum(bool(v) for v in nodes.column("id_valid").to_pylist())
    expected_matches = max(0.9 * without_number, 1.0)
    return float(min(expected_matches / (total * (total - 1) / 2), 0.5))


def settings_for(nodes: pa.Table) -> SettingsCreator:
    """The Splink settings for a table of nodes (``nodes.NODE_COLUMNS``)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior_match_probability(nodes),
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons()),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            blocking_rules()
        ),
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def database_api(engine: Engine, settings: ResolveSettings) -> DatabaseAPISubClass:
    """Splink's backend on the engine of the run: DuckDB in memory, or the Spark session."""
    if engine.kind == "spark":
        from splink.backends.spark import SparkAPI  # noqa: PLC0415 - Spark runs only

        from tianluo.engine.spark_engine import SparkEngine  # noqa: PLC0415

        if not isinstance(engine, SparkEngine):
            raise TypeError("a Spark engine was expected")
        api: DatabaseAPISubClass = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=engine.session, break_lineage_method="persist"
        )
        return api
    from splink.backends.duckdb import DuckDBAPI  # noqa: PLC0415

    scratch = engine.workspace.root / "tmp" / "splink"
    scratch.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{scratch}'")
    con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
    con.execute("SET preserve_insertion_order = false")  # lets big tables spill to disk
    return DuckDBAPI(connection=con)


def train(linker: Linker, nodes: pa.Table, settings: ResolveSettings) -> bool:
    """Refine the priors on the data when there is enough of it; whether training ran."""
    if nodes.num_rows < settings.min_nodes_to_train:
        return False
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.u_sample_pairs,
        seed=settings.seed,
        num_chunks=1,  # one pass: probing in chunks for rare levels costs 20x more time
        min_count_per_level=None,
    )
    # selective blocks, so that training stays small at any size: the first estimates
    # the number, phone and address; the second (birth date and region) the name
    for rule in (block_on("name_pinyin", "birth"), block_on("birth", "substr(id17, 1, 6)")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    return True


def _predict(
    api: DatabaseAPISubClass, nodes: pa.Table, model: dict[str, Any], settings: ResolveSettings
) -> pa.Table:
    """The pairs the trained ``model`` scores at or above the edge threshold.

    Splink joins every pair to its two nodes by id: numbered in the order of the node
    ids (so each pair keeps its sides), nodes store and join in a fraction of the
    memory and time, and the node ids are put back on the scored pairs.
    """
    nodes = nodes.sort_by("unique_id")
    node_ids = nodes.column("unique_id")
    numbered = nodes.set_column(
        nodes.schema.get_field_index("unique_id"),
        "unique_id",
        pa.array(range(nodes.num_rows), pa.int64()),
    )
    scoring = model | {"retain_matching_columns": False}  # only the weights are kept
    linker = Linker(api.register(numbered), scoring, log_level=logging.WARNING)
    scored = linker.inference.predict(threshold_match_probability=settings.edge_threshold)
    frame = scored.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    table = pa.Table.from_pandas(frame[[field.name for field in EDGE_SCHEMA]], preserve_index=False)
    for side in ("unique_id_l", "unique_id_r"):
        index = table.schema.get_field_index(side)
        table = table.set_column(index, side, node_ids.take(table.column(side)))
    return table.cast(EDGE_SCHEMA)


def score_nodes(
    engine: Engine, nodes: pa.Table, settings: ResolveSettings, model_path: Path | None = None
) -> pa.Table:
    """Scored pairs of nodes at or above ``settings.edge_threshold`` (``EDGE_SCHEMA``).

    The trained model is saved to ``model_path`` for explanations and screening.
    Training sees the node ids themselves: its random sample of pairs is drawn by
    hashing them.
    """
    if nodes.num_rows < 2:  # nobody to compare
        return EDGE_SCHEMA.empty_table()
    api = database_api(engine, settings)
    linker = Linker(api.register(nodes), settings_for(nodes), log_level=logging.WARNING)
    train(linker, nodes, settings)
    model = linker.misc.save_model_to_json()
    if model_path is not None:
        model_path.parent.mkdir(parents=True, exist_ok=True)
        model_path.write_text(json.dumps(model, indent=4), encoding="utf-8")
    return _predict(api, nodes, model, settings)

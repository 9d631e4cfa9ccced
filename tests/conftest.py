"""Shared fixtures: a fresh workspace, a tiny lake writer, and one engine per backend.

A test that takes ``engine`` runs twice: on DuckDB and, marked ``spark``, on Spark
(``pytest -m "not spark"`` skips the slow half). One Spark session serves the run.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianluo.engine import Engine, EngineKind, open_engine
from tianluo.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LakeWriter = Callable[..., Path]


def write_lake(
    workspace: Workspace, source: str, table: pa.Table, *, load_id: str = "L0001", part: int = 0
) -> Path:
    """Write rows as ingest would: ``lake/<source>/load=<id>/part-<n>.parquet`` with provenance."""
    n = table.num_rows
    loaded_at = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    provenance = {
        "_load_id": pa.array([load_id] * n, pa.string()),
        "_feed": pa.array(["test-feed"] * n, pa.string()),
        "_file": pa.array([f"{source}.csv"] * n, pa.string()),
        "_line": pa.array(range(2, n + 2), pa.int64()),
        "_loaded_at": pa.array([loaded_at] * n, pa.timestamp("us", tz="UTC")),
        "_row_hash": pa.array(
            [int.from_bytes(hashlib.sha1(f"{load_id}{i}".encode()).digest()[:7]) for i in range(n)],
            pa.int64(),
        ),
    }
    for name, column in provenance.items():
        table = table.append_column(name, column)
    path = workspace.lake_dir(source) / f"load={load_id}" / f"part-{part}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.at(tmp_path / "w")


@pytest.fixture
def lake(workspace: Workspace) -> LakeWriter:
    """``lake(source, arrow_table, load_id=...)`` writes one lake file into the workspace."""

    def write(source: str, table: pa.Table, *, load_id: str = "L0001", part: int = 0) -> Path:
        return write_lake(workspace, source, table, load_id=load_id, part=part)

    return write


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """The run's one local Spark session (local[2], 2 shuffle partitions, UI off)."""
    from tianluo.engine.spark_engine import spark_session  # noqa: PLC0415 (only Spark runs)

    session = spark_session(scratch_dir=tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine_kind(request: pytest.FixtureRequest) -> EngineKind:
    kind: EngineKind = request.param
    return kind


@pytest.fixture
def engine(
    request: pytest.FixtureRequest, engine_kind: EngineKind, workspace: Workspace
) -> Iterator[Engine]:
    """The workspace on DuckDB, then on Spark: one test body, both engines."""
    session = request.getfixturevalue("spark") if engine_kind == "spark" else None
    with open_engine(workspace, engine_kind, spark=session) as opened:
        yield opened


AnalysedCity = Callable[[int, int], tuple[Path, Workspace]]


@pytest.fixture(scope="session")
def analysed_city(tmp_path_factory: pytest.TempPathFactory) -> AnalysedCity:
    """Build a simulated city (persons, seed), load it and run every detector on DuckDB (once)."""
    from tianluo.detectors.runner import run_detectors  # noqa: PLC0415 (heavy, few tests)
    from tianluo.ingest import load_feed  # noqa: PLC0415
    from tianluo.rules import load_rules  # noqa: PLC0415
    from tianluo.simulate import simulate_city  # noqa: PLC0415

    @functools.cache  # one build per (persons, seed) for the whole run
    def build(persons: int, seed: int) -> tuple[Path, Workspace]:
        base = tmp_path_factory.mktemp(f"city-{persons}-{seed}")
        feed = base / "feed"
        simulate_city(feed, persons, seed=seed)
        workspace = Workspace.at(base / "ws")
        load_feed(feed, workspace)
        with open_engine(workspace, "duckdb") as engine:
            run_detectors(engine, load_rules())
        return feed, workspace

    return build

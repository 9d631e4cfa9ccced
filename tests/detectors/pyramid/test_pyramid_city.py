"""The pyramid detectors on a small simulated city, on DuckDB and on Spark.

The city is small (2,000 people, at least 120 participants), so the figures are
lower than on the 20,000-person cities of the benchmarks; the tests check that
each result has its contract shape, that the scores carry their evidence, and
that the profile beats the bare residency rule.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tianluo.detectors.runner import run_detectors
from tianluo.engine import open_engine
from tianluo.evaluate import evaluate
from tianluo.ingest import load_feed
from tianluo.rules import load_rules
from tianluo.simulate import simulate_city
from tianluo.workspace import Workspace


@pytest.fixture(scope="module")
def pyramid_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace]:
    base = tmp_path_factory.mktemp("pyramid-city")
    feed = base / "feed"
    simulate_city(feed, 2_000, seed=5)
    workspace = Workspace.at(base / "ws")
    load_feed(feed, workspace)
    with open_engine(workspace, "duckdb") as engine:
        run_detectors(engine, load_rules())
    return feed, workspace


def test_suspects_beat_the_bare_rule_and_cite_their_evidence(
    pyramid_city: tuple[Path, Workspace],
) -> None:
    feed, workspace = pyramid_city
    report = evaluate(feed, workspace)
    scores, baseline = report.suspects.scores, report.suspects.baseline.scores
    assert scores is not None and baseline is not None
    assert scores.roc_auc is not None and baseline.roc_auc is not None
    assert scores.roc_auc >= 0.95
    assert scores.f1_at_true_count is not None and baseline.f1_at_true_count is not None
    assert scores.f1_at_true_count >= baseline.f1_at_true_count + 0.2
    suspects = pq.read_table(workspace.result_path("suspects")).to_pylist()
    top = suspects[0]
    assert 0 <= top["score"] <= 1
    assert "learnt from" in top["reasons"]
    assert all(s["score"] >= load_rules().suspects.list_min_score for s in suspects)


def test_dens_are_mostly_real_and_placed_near_the_flat(
    pyramid_city: tuple[Path, Workspace],
) -> None:
    feed, workspace = pyramid_city
    report = evaluate(feed, workspace)
    assert report.dens.predicted_dens and report.dens.predicted_dens > 0
    assert report.dens.precision is not None and report.dens.precision >= 0.8
    dens = pq.read_table(workspace.result_path("dens")).to_pylist()
    assert all(len(d["members"]) >= load_rules().dens.min_members for d in dens)
    assert all("suspects from other provinces sleep here" in d["reasons"] for d in dens)


def test_organisations_form_trees_with_one_organiser_each(
    pyramid_city: tuple[Path, Workspace],
) -> None:
    _, workspace = pyramid_city
    members = pq.read_table(workspace.result_path("organizations")).to_pandas()
    summary = pq.read_table(workspace.result_path("org_summary")).to_pandas()
    assert len(summary) > 0
    for org_id, group in members.groupby("org_id"):
        tops = group[group["level"] == 1]
        assert len(tops) == 1 and tops["role"].iloc[0] == "organizer"
        assert tops["upline_id_number"].isna().all()
        keys = set(group["id_number"])
        assert set(group["upline_id_number"].dropna()) <= keys  # uplines are members
        row = summary[summary["org_id"] == org_id].iloc[0]
        assert row["members"] == len(group) and row["levels"] == group["level"].max()
        assert row["meets_criminal_threshold"] == (row["members"] >= 30 and row["levels"] >= 3)


@pytest.mark.spark
def test_spark_gives_the_same_suspect_scores(
    pyramid_city: tuple[Path, Workspace], tmp_path: Path
) -> None:
    feed, workspace = pyramid_city
    other = Workspace.at(tmp_path / "spark-ws")
    load_feed(feed, other)
    with open_engine(other, "spark") as engine:
        run_detectors(engine, load_rules())
    duck = pq.read_table(workspace.result_path("suspects")).to_pandas().set_index("id_number")
    spark = pq.read_table(other.result_path("suspects")).to_pandas().set_index("id_number")
    assert set(duck.index) == set(spark.index)
    assert (duck["score"] - spark.loc[duck.index, "score"]).abs().max() < 1e-6

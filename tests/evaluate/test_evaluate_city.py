"""`evaluate` on a real simulated city: truth scored against itself is perfect, and the
baseline rule computed from the ingested feed is scored beside it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from tianluo.contract.results import RESULTS
from tianluo.evaluate import Status, evaluate
from tianluo.results import write_result
from tianluo.workspace import Workspace


@pytest.fixture(scope="module")
def city(analysed_city: Callable[[int, int], tuple[Path, Workspace]]) -> tuple[Path, Workspace]:
    return analysed_city(2_000, 11)


def test_detector_results_are_scored_beside_the_baseline(
    city: tuple[Path, Workspace],
) -> None:
    feed, workspace = city
    report = evaluate(feed, workspace)
    assert report.suspects.status == Status.SCORED
    assert report.dens.status == Status.SCORED
    assert report.suspects.baseline.status == Status.SCORED
    baseline = report.suspects.baseline.scores
    assert baseline is not None and baseline.roc_auc is not None
    assert 0.5 < baseline.roc_auc < 1.0  # the bare rule helps, and it is not perfect
    scores = report.suspects.scores
    assert scores is not None and scores.roc_auc is not None
    assert scores.roc_auc > baseline.roc_auc


def test_truth_of_a_simulated_city_scored_against_itself_is_perfect(
    city: tuple[Path, Workspace],
) -> None:
    feed, workspace = city
    for name in RESULTS:
        path = feed / "truth" / f"{name}.csv"
        if path.exists():
            write_result(workspace, name, pacsv.read_csv(path))
    report = evaluate(feed, workspace)
    suspects = report.suspects.scores
    assert suspects is not None
    assert (suspects.roc_auc, suspects.average_precision, suspects.f1_at_true_count) == (1, 1, 1)
    assert (report.dens.recall, report.dens.precision) == (1.0, 1.0)
    orgs = report.organizations
    assert (orgs.mean_jaccard, orgs.organiser_found) == (1.0, 1.0)
    assert (orgs.upline_accuracy, orgs.level_accuracy, orgs.threshold_accuracy) == (1, 1, 1)
    for ranking in (report.fraud_numbers, report.mule_accounts):
        assert ranking.scores is not None and ranking.scores.roc_auc == 1.0
    assert report.traces.status == Status.SCORED
    assert (report.traces.recall, report.traces.amount_error) == (1.0, 0.0)

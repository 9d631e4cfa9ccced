"""``evaluate``: truth against itself is perfect, gaps are "missing", errors give known scores."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from tiny_feed import M1, P1, P2, P3, S1, copy_truth_to_results, write_parquet

from tianluo.evaluate import (
    REPORT_FILE,
    EvaluationReport,
    NoTruthError,
    Status,
    evaluate,
    print_report,
)
from tianluo.workspace import Workspace

KINDS = ("compound", "venue", "den", "other")


def test_truth_against_itself_is_perfect(feed: Path, workspace: Workspace) -> None:
    copy_truth_to_results(feed, workspace)
    report = evaluate(feed, workspace)

    suspects = report.suspects
    assert suspects.status == Status.SCORED
    assert suspects.scores is not None
    assert suspects.scores.universe == 10 and suspects.scores.positives == 3
    assert (suspects.scores.roc_auc, suspects.scores.average_precision) == (1.0, 1.0)
    assert suspects.scores.f1_at_true_count == 1.0
    assert {g.group: g.false_positive_rate for g in suspects.hard_negatives} == {
        "migrant_worker": 0.0,
        "student": 0.0,
        "tourist": 0.0,
        "venue_neighbour": 0.0,
    }
    assert suspects.baseline.status == Status.MISSING
    assert "presence" in suspects.baseline.note

    assert (report.dens.recall, report.dens.precision) == (1.0, 1.0)
    orgs = report.organizations
    assert (orgs.mean_jaccard, orgs.organiser_found, orgs.upline_accuracy) == (1.0, 1.0, 1.0)
    assert (orgs.level_accuracy, orgs.threshold_accuracy) == (1.0, 1.0)
    for ranking in (report.fraud_numbers, report.mule_accounts):
        assert ranking.scores is not None
        assert ranking.scores.roc_auc == 1.0
        assert ranking.scores.average_precision == 1.0
        assert ranking.scores.f1_at_true_count == 1.0
    assert report.fraud_numbers.scores is not None
    assert report.fraud_numbers.scores.universe == 6  # "+86 138-0000-0006" normalised
    assert "feed" in report.fraud_numbers.universe_source
    assert report.mule_accounts.scores is not None
    assert report.mule_accounts.scores.universe == 5  # two Parquet partitions
    traces = report.traces
    assert (traces.recall, traces.precision, traces.amount_error) == (1.0, 1.0, 0.0)
    assert traces.median_trace_amount_error == 0.0
    keys = report.person_keys
    assert (keys.records, keys.pairwise_precision, keys.pairwise_recall) == (5, 1.0, 1.0)


def test_missing_results_are_missing_not_zero(feed: Path, workspace: Workspace) -> None:
    report = evaluate(feed, workspace)
    for name, section in report.sections().items():
        assert section.status == Status.MISSING, name
        assert f"results/{name}.parquet" in section.note
    assert report.suspects.scores is None
    assert report.dens.recall is None
    saved = json.loads((workspace.root / REPORT_FILE).read_text())
    assert saved["dens"]["status"] == "missing"
    assert saved["dens"]["recall"] is None


def test_results_without_truth_say_so(feed: Path, workspace: Workspace) -> None:
    copy_truth_to_results(feed, workspace)
    for name in ("dens", "traces", "person_keys"):
        (feed / "truth" / f"{name}.csv").unlink()
    report = evaluate(feed, workspace)
    assert report.dens.status == Status.NO_TRUTH
    assert report.traces.status == Status.NO_TRUTH
    assert report.person_keys.status == Status.NO_TRUTH
    assert report.suspects.status == Status.SCORED


def test_a_feed_without_truth_is_refused(feed: Path, workspace: Workspace) -> None:
    shutil.rmtree(feed / "truth")
    with pytest.raises(NoTruthError, match="truth"):
        evaluate(feed, workspace)


def test_known_errors_give_hand_computed_scores(feed: Path, workspace: Workspace) -> None:
    results = workspace.results
    metre = 1 / 111_195
    write_parquet(
        results / "suspects.parquet",
        {
            "id_number": [P1, M1, P2, S1, "13800000000"],
            "score": [0.9, 0.8, 0.7, 0.1, 0.95],
            "reasons": ["r"] * 5,
        },
    )
    write_parquet(
        results / "dens.parquet",
        {
            "den_id": ["x", "y", "z"],
            "lat": [22.80 + 50 * metre, 22.81 + 120 * metre, 22.90],
            "lon": [108.30, 108.32, 108.40],
            "members": [3, 3, 3],
            "score": [1.0, 1.0, 1.0],
            "reasons": ["r"] * 3,
        },
    )
    write_parquet(
        results / "organizations.parquet",
        {
            "org_id": ["X", "X", "X", "X", "X", "Y"],
            "id_number": ["A1", "A2", "A3", "A4", "B2", "B1"],
            "upline_id_number": [None, "A1", "A2", "A2", "A1", None],
            "level": [1, 2, 3, 3, 2, 1],
            "role": ["organizer", "leader", "member", "member", "member", "organizer"],
        },
    )
    write_parquet(
        results / "org_summary.parquet",
        {
            "org_id": ["X", "Y"],
            "members": [5, 1],
            "levels": [3, 1],
            "top_id_number": ["A1", "B1"],
            "meets_criminal_threshold": [True, True],
            "funds_collected": [0.0, 0.0],
        },
    )
    write_parquet(
        results / "traces.parquet",
        {
            "txn_id": ["TX1", "TX1", "TX2", "TX7"],
            "account_id": ["AC1", "AC9", "AC3", "AC5"],
            "amount": [500.0, 100.0, 1000.0, 50.0],
            "hops": [2, 2, 1, 1],
        },
    )
    report = evaluate(feed, workspace)

    scores = report.suspects.scores
    assert scores is not None
    assert scores.outside_universe == 1  # the phone key is not a person of the city
    assert scores.roc_auc == pytest.approx(15.5 / 21)
    assert scores.average_precision == pytest.approx(1 / 3 + 2 / 9 + 0.1)
    assert scores.f1_at_true_count == pytest.approx(2 / 3)
    fpr = {g.group: g.false_positive_rate for g in report.suspects.hard_negatives}
    assert fpr == {"migrant_worker": 0.5, "student": 0.0, "tourist": 0.0, "venue_neighbour": 0.0}

    dens = report.dens
    assert (dens.true_dens, dens.predicted_dens, dens.matched) == (3, 3, 2)
    assert dens.recall == pytest.approx(2 / 3) and dens.precision == pytest.approx(2 / 3)

    orgs = report.organizations
    assert orgs.matched_orgs == 2
    assert orgs.mean_jaccard == pytest.approx((4 / 5 + 1 / 2) / 2)
    assert orgs.organiser_found == 1.0
    assert orgs.upline_accuracy == 0.5  # A3 and B2 hang under the wrong person
    assert orgs.level_accuracy == pytest.approx(5 / 6)  # A3 put a level too low
    assert orgs.threshold_accuracy == 0.5  # ORG2 does not meet the threshold

    traces = report.traces
    assert (traces.traces, traces.true_holdings, traces.found) == (2, 3, 2)
    assert traces.recall == pytest.approx(2 / 3)
    assert traces.precision == pytest.approx(2 / 3)  # TX7 was not reported: not counted
    assert traces.amount_error == pytest.approx(100 / 1600)
    assert traces.median_trace_amount_error == pytest.approx((100 / 600 + 0) / 2)

    assert report.fraud_numbers.status == Status.MISSING


def test_unmatched_org_counts_wrong_for_the_threshold(feed: Path, workspace: Workspace) -> None:
    write_parquet(
        workspace.results / "organizations.parquet",
        {
            "org_id": ["X", "X"],
            "id_number": ["A1", "A2"],
            "upline_id_number": [None, "A1"],
            "level": [1, 2],
            "role": ["organizer", "member"],
        },
    )
    report = evaluate(feed, workspace)
    orgs = report.organizations
    assert orgs.matched_orgs == 1
    assert orgs.threshold_accuracy is None
    assert "org_summary" in orgs.threshold_note
    write_parquet(
        workspace.results / "org_summary.parquet",
        {"org_id": ["X"], "meets_criminal_threshold": ["true"]},
    )
    orgs = evaluate(feed, workspace).organizations
    assert orgs.threshold_accuracy == 0.5  # ORG1 right, ORG2 unmatched
    assert orgs.mean_jaccard == pytest.approx((2 / 4 + 0) / 2)
    assert orgs.organiser_found == 0.5


def _presence_rows(key: str, days: int, near: int) -> list[dict[str, object]]:
    rows = []
    for i in range(days):
        row: dict[str, object] = {
            "person_key": key,
            "day": dt.date(2024, 3, 1) + dt.timedelta(days=i),
            "pings": 10,
            "in_city": True,
        }
        for kind in KINDS:
            row[f"min_dist_{kind}_m"] = 300.0 if kind == "venue" and i < near else None
            row[f"nearest_{kind}"] = "V1" if kind == "venue" and i < near else None
        rows.append(row)
    return rows


def test_baseline_is_the_residency_rule_on_the_presence_table(
    feed: Path, workspace: Workspace
) -> None:
    rows = _presence_rows(P1, 31, 20) + _presence_rows(P2, 29, 29) + _presence_rows(M1, 31, 0)
    rows += _presence_rows(P3, 40, 40)[:0]  # P3 never seen: scores 0
    fields: list[tuple[str, pa.DataType]] = [
        ("person_key", pa.string()),
        ("day", pa.date32()),
        ("pings", pa.int64()),
        ("in_city", pa.bool_()),
    ]
    for kind in KINDS:
        fields += [(f"min_dist_{kind}_m", pa.float64()), (f"nearest_{kind}", pa.string())]
    path = workspace.derived_path("presence_daily")
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema(fields)), path)

    report = evaluate(feed, workspace)
    baseline = report.suspects.baseline
    assert baseline.status == Status.SCORED
    assert baseline.scores is not None
    # P1 fires (1.0), P2 scores 29/31, P3 and all seven innocents score 0
    assert baseline.scores.roc_auc == pytest.approx(17.5 / 21)
    assert baseline.scores.average_precision == pytest.approx(1 / 3 + 1 / 3 + 0.1)
    assert baseline.scores.f1_at_true_count == pytest.approx((2 + 1 / 8) / 3)
    hard = {g.group: g for g in report.suspects.baseline_hard_negatives}
    assert hard["migrant_worker"].flagged == pytest.approx(2 / 8)
    assert report.suspects.status == Status.MISSING  # the detector did not run


def test_universe_is_read_from_the_lake_when_ingested(feed: Path, workspace: Workspace) -> None:
    copy_truth_to_results(feed, workspace)
    lake_file = workspace.lake_dir("phones") / "load=L1" / "part-0.parquet"
    write_parquet(lake_file, {"phone": ["13800000001", "13800000006", "13900000000"]})
    ranking = evaluate(feed, workspace).fraud_numbers
    assert "lake" in ranking.universe_source
    assert ranking.scores is not None
    assert ranking.scores.universe == 3


def test_report_prints_and_round_trips(feed: Path, workspace: Workspace) -> None:
    copy_truth_to_results(feed, workspace)
    (workspace.results / "dens.parquet").unlink()
    report = evaluate(feed, workspace)
    console = Console(record=True, width=160)
    print_report(report, console)
    text = console.export_text()
    assert "ROC AUC" in text and "missing" in text and "1.000" in text
    assert "FP rate, migrant_worker" in text
    assert "universe = 10 persons of truth/persons.csv" in text
    assert "no presence table" in text
    saved = (workspace.root / REPORT_FILE).read_text(encoding="utf-8")
    assert EvaluationReport.model_validate_json(saved) == report


def test_a_result_lacking_a_column_is_invalid_not_a_crash(feed: Path, workspace: Workspace) -> None:
    copy_truth_to_results(feed, workspace)
    write_parquet(workspace.results / "dens.parquet", {"den_id": ["x"], "latitude": [22.8]})
    report = evaluate(feed, workspace)
    assert report.dens.status == Status.INVALID
    assert "'lat'" in report.dens.note
    assert report.traces.status == Status.SCORED

"""Suspects: how well the profile ranks the true participants among everyone in the city.

The universe is every person of ``truth/persons.csv`` (everyone the simulated
city holds); a person the result does not list scores 0. The same metrics are
given for the bare 云觅 residency rule, the baseline, and for both the share
of innocent look-alikes (migrant workers, students, tourists, neighbours of
venues) that would be put on the top-k list.
"""

from __future__ import annotations

from pathlib import Path

from tianluo.engine import Engine
from tianluo.evaluate.baseline import PRESENCE_TABLE, residency_baseline
from tianluo.evaluate.models import GroupFalsePositives, Ranking, Status, SuspectsSection
from tianluo.evaluate.ranking import (
    group_false_positives,
    rank_universe,
    ranking_scores,
    scores_by_key,
    true_keys,
)
from tianluo.evaluate.tables import read_result, read_truth
from tianluo.rules.models import ResidencyRule
from tianluo.workspace import Workspace

HARD_NEGATIVE_GROUPS = ("migrant_worker", "student", "tourist", "venue_neighbour")


def evaluate_suspects(
    feed_dir: Path, workspace: Workspace, rule: ResidencyRule, engine: Engine | None = None
) -> SuspectsSection:
    """Score ``results/suspects`` and the residency-rule baseline against ``truth/suspects``."""
    truth = read_truth(feed_dir, "suspects")
    if truth is None:
        no_truth = Ranking(status=Status.NO_TRUTH, note="the feed has no truth/suspects.csv")
        return SuspectsSection(status=Status.NO_TRUTH, note=no_truth.note, baseline=no_truth)
    positives = true_keys(truth, "id_number")
    persons = read_truth(feed_dir, "persons")
    if persons is not None:
        ids = persons.text("id_number")
        universe = {p for p in ids if p is not None}
        groups = persons.text("group") if persons.has("group") else [None] * len(ids)
        group_of = {p: g for p, g in zip(ids, groups, strict=True) if p is not None and g}
        source = f"{len(universe)} persons of truth/persons.csv"
    else:
        universe, group_of = set(), {}
        source = "no truth/persons.csv: the true suspects only (AUC undefined)"

    def score(predicted: dict[str, float]) -> tuple[Ranking, list[GroupFalsePositives]]:
        ranked = rank_universe(universe, positives, predicted)
        hard = group_false_positives(ranked, group_of, HARD_NEGATIVE_GROUPS) if group_of else []
        return Ranking(
            status=Status.SCORED, universe_source=source, scores=ranking_scores(ranked)
        ), hard

    baseline_scores = residency_baseline(workspace, rule, engine)
    if baseline_scores is None:
        note = f"no presence table (derived/{PRESENCE_TABLE}.parquet) in the workspace"
        baseline = Ranking(status=Status.MISSING, note=note)
        baseline_hard: list[GroupFalsePositives] = []
    else:
        baseline, baseline_hard = score(baseline_scores)

    result = read_result(workspace, "suspects")
    if result is None:
        return SuspectsSection(
            status=Status.MISSING,
            note="the workspace has no results/suspects.parquet",
            universe_source=source,
            baseline=baseline,
            baseline_hard_negatives=baseline_hard,
        )
    detector, hard = score(scores_by_key(result, "id_number"))
    return SuspectsSection(
        status=Status.SCORED,
        universe_source=source,
        scores=detector.scores,
        hard_negatives=hard,
        baseline=baseline,
        baseline_hard_negatives=baseline_hard,
    )

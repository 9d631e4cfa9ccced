"""Organisations: reconstructed pyramids matched to the true ones by their members.

Each true organisation is paired with at most one predicted organisation so
that the total member overlap (Jaccard) is largest (Hungarian assignment);
pairs sharing nobody are not matched. Then, over the true organisations:
mean overlap, whether the organiser was found at the top, and whether the
criminal-threshold verdict (30+ members, 3+ levels) is right; over the true
members: the right upline, the right level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from tianluo.evaluate.metrics import jaccard, safe_ratio
from tianluo.evaluate.models import OrganizationsSection, Status
from tianluo.evaluate.tables import Columns, read_result, read_truth
from tianluo.workspace import Workspace


@dataclass(slots=True)
class Orgs:
    """An ``organizations`` table regrouped.

    Members and tops (level 1) per org; upline and level per person.
    """

    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tops: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    upline: dict[str, str | None] = field(default_factory=dict)
    level: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: Columns) -> Orgs:
        orgs = cls()
        levels = table.number("level")
        rows = zip(
            table.text("org_id"),
            table.text("id_number"),
            table.text("upline_id_number"),
            levels,
            strict=True,
        )
        for org, person, upline, level in rows:
            if org is None or person is None:
                continue
            orgs.members[org].add(person)
            if level == 1 or (np.isnan(level) and upline is None):
                orgs.tops[org].add(person)
            orgs.upline.setdefault(person, upline)
            if not np.isnan(level):
                orgs.level.setdefault(person, int(level))
        return orgs


def evaluate_organizations(feed_dir: Path, workspace: Workspace) -> OrganizationsSection:
    """Score ``results/organizations`` and ``results/org_summary`` against the truth."""
    truth = read_truth(feed_dir, "organizations")
    if truth is None:
        return OrganizationsSection(
            status=Status.NO_TRUTH, note="the feed has no truth/organizations.csv"
        )
    result = read_result(workspace, "organizations")
    if result is None:
        return OrganizationsSection(
            status=Status.MISSING, note="the workspace has no results/organizations.parquet"
        )
    true_summary = read_truth(feed_dir, "org_summary")
    pred_summary = read_result(workspace, "org_summary")
    note = ""
    if true_summary is None:
        note = "no truth/org_summary.csv: threshold verdicts not scored"
    elif pred_summary is None:
        note = "results/org_summary.parquet is missing: threshold verdicts not scored"
    return score_organizations(
        Orgs.from_table(result),
        Orgs.from_table(truth),
        _verdicts(pred_summary) if pred_summary is not None else None,
        _verdicts(true_summary) if true_summary is not None and pred_summary is not None else None,
        threshold_note=note,
    )


def score_organizations(
    predicted: Orgs,
    true: Orgs,
    predicted_verdicts: Mapping[str, bool] | None = None,
    true_verdicts: Mapping[str, bool] | None = None,
    *,
    threshold_note: str = "",
) -> OrganizationsSection:
    """Compare predicted organisations with true ones (see the module docstring)."""
    matches = match_orgs(predicted.members, true.members)
    true_ids = list(true.members)
    overlaps = [matches[t][1] if t in matches else 0.0 for t in true_ids]
    organiser = [
        t in matches
        and bool(true.tops.get(t))
        and predicted.tops.get(matches[t][0]) == true.tops.get(t)
        for t in true_ids
    ]
    below_top = [p for p, level in true.level.items() if level > 1]
    upline_right = sum(
        1 for p in below_top if p in predicted.upline and predicted.upline[p] == true.upline[p]
    )
    level_right = sum(1 for p, level in true.level.items() if predicted.level.get(p) == level)
    threshold = None
    if predicted_verdicts is not None and true_verdicts is not None:
        right = sum(
            1
            for t in true_ids
            if t in matches
            and t in true_verdicts
            and predicted_verdicts.get(matches[t][0]) == true_verdicts[t]
        )
        threshold = safe_ratio(right, len(true_ids))
    return OrganizationsSection(
        status=Status.SCORED,
        true_orgs=len(true_ids),
        predicted_orgs=len(predicted.members),
        matched_orgs=len(matches),
        mean_jaccard=float(np.mean(overlaps)) if overlaps else None,
        organiser_found=safe_ratio(sum(organiser), len(true_ids)),
        upline_accuracy=safe_ratio(upline_right, len(below_top)),
        level_accuracy=safe_ratio(level_right, len(true.level)),
        threshold_accuracy=threshold,
        threshold_note=threshold_note,
    )


def match_orgs(
    predicted: Mapping[str, set[str]], true: Mapping[str, set[str]]
) -> dict[str, tuple[str, float]]:
    """Pair true and predicted orgs so that the total Jaccard is largest.

    Returns, per matched true org, the predicted org and their Jaccard.
    """
    true_ids, pred_ids = list(true), list(predicted)
    if not true_ids or not pred_ids:
        return {}
    orgs_of: dict[str, list[int]] = defaultdict(list)
    for j, pred in enumerate(pred_ids):
        for person in predicted[pred]:
            orgs_of[person].append(j)
    overlap = np.zeros((len(true_ids), len(pred_ids)))
    for i, t in enumerate(true_ids):
        for j in {j for person in true[t] for j in orgs_of.get(person, [])}:
            overlap[i, j] = jaccard(true[t], predicted[pred_ids[j]])
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    return {
        true_ids[i]: (pred_ids[j], float(overlap[i, j]))
        for i, j in zip(rows, cols, strict=True)
        if overlap[i, j] > 0
    }


def _verdicts(summary: Columns) -> dict[str, bool]:
    orgs = summary.text("org_id")
    verdicts = summary.flag("meets_criminal_threshold")
    return {org: verdict for org, verdict in zip(orgs, verdicts, strict=True) if org is not None}

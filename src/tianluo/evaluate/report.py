"""Showing the evaluation: a Rich table for the terminal, a JSON file for machines."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from tianluo.evaluate.models import (
    DensSection,
    EvaluationReport,
    GroupFalsePositives,
    OrganizationsSection,
    PersonKeysSection,
    Ranking,
    RankingScores,
    Section,
    Status,
    SuspectsSection,
    TracesSection,
)

Row = tuple[str, str, str]  # metric, value, baseline
_STATUS_STYLE = {
    Status.SCORED: "green",
    Status.MISSING: "red",
    Status.NO_TRUTH: "yellow",
    Status.INVALID: "red",
}


def fmt(value: float | int | None, digits: int = 3) -> str:
    """A metric as shown: ``n/a`` when undefined."""
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def render_report(report: EvaluationReport) -> Table:
    """The report as one table: result, status, metric, value, and the baseline if any."""
    table = Table(title=f"Tianluo evaluation of {report.workspace} against {report.feed_dir}")
    for column in ("result", "status", "metric", "value", "baseline"):
        table.add_column(column, justify="right" if column in ("value", "baseline") else "left")
    for name, section in report.sections().items():
        rows = section_rows(section)
        status = f"[{_STATUS_STYLE[section.status]}]{section.status.value}[/]"
        if not rows:
            table.add_row(name, status, section.note, "", "", end_section=True)
            continue
        for i, (metric, value, baseline) in enumerate(rows):
            table.add_row(
                name if i == 0 else "",
                status if i == 0 else "",
                metric,
                value,
                baseline,
                end_section=i == len(rows) - 1,
            )
    return table


def print_report(report: EvaluationReport, console: Console | None = None) -> None:
    """Print the report table, then the notes saying what each universe was and why gaps are."""
    console = console or Console()
    console.print(render_report(report))
    for line in report_notes(report):
        console.print(f"[dim]{line}[/]", highlight=False)


def report_notes(report: EvaluationReport) -> list[str]:
    """One line per thing an analyst should know to read the numbers."""
    notes = []
    for name, section in report.sections().items():
        if section.note and section.status == Status.SCORED:
            notes.append(f"{name}: {section.note}")
        if isinstance(section, Ranking) and section.universe_source:
            notes.append(f"{name}: universe = {section.universe_source}")
    suspects = report.suspects
    if suspects.status != Status.NO_TRUTH and suspects.baseline.status != Status.SCORED:
        notes.append(f"suspects baseline (云觅 rule): {suspects.baseline.note}")
    if report.organizations.threshold_note:
        notes.append(f"organizations: {report.organizations.threshold_note}")
    return notes


def write_report_json(report: EvaluationReport, path: Path) -> Path:
    """Write the report as indented JSON (undefined metrics are null)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def section_rows(section: Section) -> list[Row]:
    """The metric rows of one section; none when it was not scored."""
    if isinstance(section, SuspectsSection):
        return _suspects_rows(section)
    if section.status != Status.SCORED:
        return []
    rows: list[tuple[str, str]] = []
    if isinstance(section, Ranking) and section.scores is not None:
        rows = _ranking_rows(section.scores)
    elif isinstance(section, DensSection):
        rows = _dens_rows(section)
    elif isinstance(section, OrganizationsSection):
        rows = _org_rows(section)
    elif isinstance(section, TracesSection):
        rows = _trace_rows(section)
    elif isinstance(section, PersonKeysSection):
        rows = [
            ("records compared", str(section.records)),
            ("pairwise precision", fmt(section.pairwise_precision)),
            ("pairwise recall", fmt(section.pairwise_recall)),
        ]
    return [(metric, value, "") for metric, value in rows]


def _dens_rows(section: DensSection) -> list[tuple[str, str]]:
    counts = f"{section.true_dens} / {section.predicted_dens} / {section.matched}"
    return [
        (f"recall within {section.radius_m:g} m", fmt(section.recall)),
        (f"precision within {section.radius_m:g} m", fmt(section.precision)),
        ("true / predicted / matched", counts),
        ("mean distance of matches (m)", fmt(section.mean_match_distance_m, 1)),
    ]


def _org_rows(section: OrganizationsSection) -> list[tuple[str, str]]:
    counts = f"{section.true_orgs} / {section.predicted_orgs} / {section.matched_orgs}"
    threshold = fmt(section.threshold_accuracy)
    return [
        ("true / predicted / matched orgs", counts),
        ("mean Jaccard over true orgs", fmt(section.mean_jaccard)),
        ("organiser found", fmt(section.organiser_found)),
        ("upline accuracy", fmt(section.upline_accuracy)),
        ("exact level accuracy", fmt(section.level_accuracy)),
        ("criminal-threshold accuracy", threshold),
    ]


def _trace_rows(section: TracesSection) -> list[tuple[str, str]]:
    counts = f"{section.traces} / {section.true_holdings} / {section.found}"
    return [
        ("traces / true holdings / found", counts),
        ("holding-account recall", fmt(section.recall)),
        ("holding-account precision", fmt(section.precision)),
        ("amount error (sum)", fmt(section.amount_error)),
        ("amount error (median trace)", fmt(section.median_trace_amount_error)),
    ]


def _ranking_rows(scores: RankingScores) -> list[tuple[str, str]]:
    return [
        ("ROC AUC", fmt(scores.roc_auc)),
        ("average precision", fmt(scores.average_precision)),
        ("F1 at true count", fmt(scores.f1_at_true_count)),
        (
            "universe / true / listed",
            f"{scores.universe} / {scores.positives} / {scores.predicted}",
        ),
    ]


def _suspects_rows(section: SuspectsSection) -> list[Row]:
    if section.status in (Status.NO_TRUTH, Status.INVALID):
        return []
    detector = _ranking_rows(section.scores) if section.scores else []
    baseline = _ranking_rows(section.baseline.scores) if section.baseline.scores else []
    names = [m for m, _ in (detector or baseline)]
    missing_detector = section.status.value
    missing_baseline = section.baseline.status.value
    rows: list[Row] = [
        (
            metric,
            detector[i][1] if detector else missing_detector,
            baseline[i][1] if baseline else missing_baseline,
        )
        for i, metric in enumerate(names)
    ]
    rows += _hard_negative_rows(section.hard_negatives, section.baseline_hard_negatives)
    return rows


def _hard_negative_rows(
    detector: list[GroupFalsePositives], baseline: list[GroupFalsePositives]
) -> list[Row]:
    by_group = {g.group: g for g in baseline}
    groups = [g.group for g in detector] or [g.group for g in baseline]
    mine = {g.group: g for g in detector}
    rows = []
    for group in groups:
        ours, base = mine.get(group), by_group.get(group)
        rows.append(
            (
                f"FP rate, {group}",
                fmt(ours.false_positive_rate) if ours else "",
                fmt(base.false_positive_rate) if base else "",
            )
        )
    return rows

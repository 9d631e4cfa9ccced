"""``tianluo evaluate``: score every result of a workspace against the planted truth of a feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tianluo.engine import Engine
from tianluo.evaluate.dens import evaluate_dens
from tianluo.evaluate.fraud import evaluate_fraud_numbers, evaluate_mule_accounts
from tianluo.evaluate.models import (
    DensSection,
    EvaluationReport,
    OrganizationsSection,
    PersonKeysSection,
    Ranking,
    Section,
    Status,
    SuspectsSection,
    TracesSection,
)
from tianluo.evaluate.orgs import evaluate_organizations
from tianluo.evaluate.person_keys import evaluate_person_keys
from tianluo.evaluate.report import write_report_json
from tianluo.evaluate.suspects import evaluate_suspects
from tianluo.evaluate.tables import ColumnMissingError
from tianluo.evaluate.traces import evaluate_traces
from tianluo.rules import Rules, load_rules
from tianluo.workspace import Workspace

REPORT_FILE = "evaluation.json"
S = TypeVar("S", bound=Section)


class NoTruthError(FileNotFoundError):
    """The feed directory has no ``truth/`` folder: there is nothing to score against."""


def evaluate(
    feed_dir: Path | str,
    workspace: Workspace | Path | str,
    *,
    rules: Rules | None = None,
    engine: Engine | None = None,
    write_json: bool = True,
) -> EvaluationReport:
    """Score every result in ``W/results`` against ``FEED_DIR/truth``; write ``W/evaluation.json``.

    ``rules`` sets the thresholds of the residency-rule baseline (default: the
    shipped rules file); ``engine`` computes it (default: the workspace's DuckDB).
    A result the workspace lacks is reported as missing, one the feed has no
    truth for as "no truth"; neither is scored as zero.
    """
    feed = Path(feed_dir)
    if not (feed / "truth").is_dir():
        raise NoTruthError(f"{feed} has no truth/ directory: only generated feeds can be evaluated")
    ws = workspace if isinstance(workspace, Workspace) else Workspace.at(workspace, create=False)
    rules = rules or load_rules()
    residency = rules.residency
    report = EvaluationReport(
        feed_dir=str(feed.resolve()),
        workspace=str(ws.root),
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        suspects=_guarded(SuspectsSection, lambda: evaluate_suspects(feed, ws, residency, engine)),
        dens=_guarded(DensSection, lambda: evaluate_dens(feed, ws)),
        organizations=_guarded(OrganizationsSection, lambda: evaluate_organizations(feed, ws)),
        fraud_numbers=_guarded(Ranking, lambda: evaluate_fraud_numbers(feed, ws)),
        mule_accounts=_guarded(Ranking, lambda: evaluate_mule_accounts(feed, ws)),
        traces=_guarded(TracesSection, lambda: evaluate_traces(feed, ws)),
        person_keys=_guarded(PersonKeysSection, lambda: evaluate_person_keys(feed, ws)),
    )
    if write_json:
        write_report_json(report, ws.root / REPORT_FILE)
    return report


def _guarded(kind: type[S], score: Callable[[], S]) -> S:
    """One section's scores; a file lacking a needed column makes it "invalid", not a crash."""
    try:
        return score()
    except ColumnMissingError as exc:
        return kind(status=Status.INVALID, note=str(exc))

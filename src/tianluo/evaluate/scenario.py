"""One scenario: a simulated city with some knobs turned, loaded, analysed and scored.

How the pyramid scores move when the simulator's parameters move (den sizes,
tree shapes, the share of fees paid in cash, the share of recruits never
phoned) shows whether they hold because the method is right rather than
because it fits one city. Tests and ``benchmarks/pyramid_variation.py`` run the
same scenarios at two sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tianluo.detectors.pyramid import PYRAMID_DETECTORS
from tianluo.detectors.runner import RESOLVE, SHARED_DETECTORS, run_detectors
from tianluo.engine import open_engine
from tianluo.evaluate.runner import evaluate
from tianluo.ingest import load_feed
from tianluo.rules import load_rules
from tianluo.simulate import simulate_city
from tianluo.simulate.config import PyramidConfig
from tianluo.workspace import Workspace

PYRAMID_FAMILY = tuple(d.name for d in (RESOLVE, *SHARED_DETECTORS, *PYRAMID_DETECTORS))


@dataclass(frozen=True)
class Scenario:
    """A name and the ``PyramidConfig`` fields it changes from the defaults."""

    name: str
    pyramid: dict[str, Any] = field(default_factory=dict)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("defaults"),
    Scenario("small dens (2-4 sleepers)", {"den_min": 2, "den_max": 4}),
    Scenario("big dens (12-20 sleepers)", {"den_min": 12, "den_max": 20}),
    Scenario("wide trees only (2 levels)", {"tree_shapes": ("wide",)}),
    Scenario("deep chains and medium trees", {"tree_shapes": ("deep", "medium")}),
    Scenario("half the fees in cash", {"cash_fee_share": 0.5}),
    Scenario("half the recruits never phoned", {"never_called_share": 0.5}),
)


def pyramid_scores(
    work: Path, scenario: Scenario, persons: int, seed: int
) -> dict[str, float | int | None]:
    """Simulate, load, run the pyramid detectors and score them; the figures, flat."""
    feed, workspace = work / "feed", Workspace.at(work / "ws")
    simulate_city(
        feed, persons, seed, pyramid=replace(PyramidConfig(), **scenario.pyramid), finance=False
    )
    load_feed(feed, workspace)
    rules = load_rules()
    with open_engine(workspace, "duckdb") as engine:
        run_detectors(engine, rules, only=PYRAMID_FAMILY)
    report = evaluate(feed, workspace, rules=rules, write_json=False)
    suspects, rule = report.suspects.scores, report.suspects.baseline.scores
    dens, orgs = report.dens, report.organizations
    return {
        "suspects_roc_auc": suspects.roc_auc if suspects else None,
        "suspects_f1": suspects.f1_at_true_count if suspects else None,
        "rule_f1": rule.f1_at_true_count if rule else None,
        "true_dens": dens.true_dens,
        "dens_recall": dens.recall,
        "dens_precision": dens.precision,
        "true_orgs": orgs.true_orgs,
        "orgs_jaccard": orgs.mean_jaccard,
        "organiser_found": orgs.organiser_found,
        "upline_accuracy": orgs.upline_accuracy,
        "level_accuracy": orgs.level_accuracy,
        "threshold_accuracy": orgs.threshold_accuracy,
    }

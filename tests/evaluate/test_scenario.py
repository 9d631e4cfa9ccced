"""The pyramid scores hold when the simulator's knobs move (small cities, one seed).

Each scenario changes one thing a real city could differ in: how many sleep in
a den, the shape of the trees, how many fees are paid in cash, how many recruits
were invited face to face. The floors are below what the method reaches on
these 2,000-person cities (figures of the 20,000-person ones are in
``benchmarks/results.json``, step ``pyramid_variation``); a fall under them means
the method leans on something the scenario took away.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tianluo.evaluate.scenario import SCENARIOS, Scenario, pyramid_scores

FLOORS = {
    "suspects_roc_auc": 0.95,
    "orgs_jaccard": 0.85,
    "organiser_found": 0.75,
    "upline_accuracy": 0.85,
    "level_accuracy": 0.8,
    "threshold_accuracy": 0.9,
    "dens_precision": 0.8,
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_pyramid_scores_hold_in_every_scenario(scenario: Scenario, tmp_path: Path) -> None:
    scores = pyramid_scores(tmp_path, scenario, persons=2_000, seed=5)
    low = {
        name: scores[name]
        for name, floor in FLOORS.items()
        if scores[name] is None or float(scores[name] or 0.0) < floor
    }
    assert not low, f"{scenario.name}: {low} (all: {scores})"
    suspects_f1, rule_f1 = scores["suspects_f1"], scores["rule_f1"]
    assert suspects_f1 is not None and rule_f1 is not None
    assert float(suspects_f1) >= float(rule_f1) + 0.2

"""Fraud numbers and mule accounts: ranking quality over every phone or account of the feed.

The universe is every phone of the ``phones`` source (every account of
``accounts``), read from the workspace lake, or from the feed when the source
was not ingested; true cases missing from it are added to it.
"""

from __future__ import annotations

from pathlib import Path

from tianluo.evaluate.models import Ranking, Status
from tianluo.evaluate.ranking import rank_universe, ranking_scores, scores_by_key, true_keys
from tianluo.evaluate.tables import read_result, read_truth, source_keys
from tianluo.workspace import Workspace


def evaluate_fraud_numbers(feed_dir: Path, workspace: Workspace) -> Ranking:
    """Score ``results/fraud_numbers`` against ``truth/fraud_numbers`` over all phones."""
    return evaluate_ranked(feed_dir, workspace, "fraud_numbers", "phone", "phones")


def evaluate_mule_accounts(feed_dir: Path, workspace: Workspace) -> Ranking:
    """Score ``results/mule_accounts`` against ``truth/mule_accounts`` over all accounts."""
    return evaluate_ranked(feed_dir, workspace, "mule_accounts", "account_id", "accounts")


def evaluate_ranked(
    feed_dir: Path, workspace: Workspace, name: str, key: str, source: str
) -> Ranking:
    """Score a ranked result whose universe is every ``key`` of a feed source."""
    truth = read_truth(feed_dir, name)
    if truth is None:
        return Ranking(status=Status.NO_TRUTH, note=f"the feed has no truth/{name}.csv")
    result = read_result(workspace, name)
    if result is None:
        return Ranking(status=Status.MISSING, note=f"the workspace has no results/{name}.parquet")
    found = source_keys(feed_dir, workspace, source, key)
    if found is None:
        universe: set[str] = set()
        where = f"no {source} source in the lake or the feed: the true cases only"
    else:
        universe, origin = found
        where = f"{len(universe)} {source} of the {origin}"
    ranked = rank_universe(universe, true_keys(truth, key), scores_by_key(result, key))
    return Ranking(status=Status.SCORED, universe_source=where, scores=ranking_scores(ranked))

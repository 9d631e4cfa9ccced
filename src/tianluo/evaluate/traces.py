"""Traces: for each reported transfer, were the accounts now holding its money found, and how much?

A holding is one (reported transfer, account) pair with the amount of that
transfer still sitting in the account. Recall: true holdings found in the
result. Amount error over the holdings found: the sum of |predicted - true|
over the sum of true amounts, overall and as the median over transfers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from tianluo.evaluate.metrics import safe_ratio
from tianluo.evaluate.models import Status, TracesSection
from tianluo.evaluate.tables import Columns, read_result, read_truth
from tianluo.workspace import Workspace

Holdings = dict[tuple[str, str], float]


def evaluate_traces(feed_dir: Path, workspace: Workspace) -> TracesSection:
    """Score ``results/traces`` against ``truth/traces``."""
    truth = read_truth(feed_dir, "traces")
    if truth is None:
        return TracesSection(status=Status.NO_TRUTH, note="the feed has no truth/traces.csv")
    result = read_result(workspace, "traces")
    if result is None:
        return TracesSection(
            status=Status.MISSING, note="the workspace has no results/traces.parquet"
        )
    return score_traces(holdings(result), holdings(truth))


def holdings(table: Columns) -> Holdings:
    """Amount per (transfer, account), summing repeated rows."""
    amounts: Holdings = defaultdict(float)
    rows = zip(table.text("txn_id"), table.text("account_id"), table.number("amount"), strict=True)
    for txn, account, amount in rows:
        if txn is not None and account is not None:
            amounts[(txn, account)] += 0.0 if np.isnan(amount) else float(amount)
    return dict(amounts)


def score_traces(
    predicted: Mapping[tuple[str, str], float], true: Mapping[tuple[str, str], float]
) -> TracesSection:
    """Compare predicted holdings with true ones (see the module docstring)."""
    traced = {txn for txn, _ in true}
    found = [pair for pair in true if pair in predicted]
    considered = [pair for pair in predicted if pair[0] in traced]
    error_by_txn: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pair in found:
        error = error_by_txn[pair[0]]
        error[0] += abs(predicted[pair] - true[pair])
        error[1] += true[pair]
    total_error = sum(e for e, _ in error_by_txn.values())
    total_true = sum(t for _, t in error_by_txn.values())
    per_txn = [e / t for e, t in error_by_txn.values() if t > 0]
    return TracesSection(
        status=Status.SCORED,
        traces=len(traced),
        true_holdings=len(true),
        found=len(found),
        recall=safe_ratio(len(found), len(true)),
        precision=safe_ratio(len(found), len(considered)),
        amount_error=safe_ratio(total_error, total_true),
        median_trace_amount_error=float(np.median(per_txn)) if per_txn else None,
    )

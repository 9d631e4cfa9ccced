"""Person keys: were records of the same person resolved to one key, and only those?

Scored pair by pair over the records that both the result and
``truth/person_keys.csv`` name (by source and record id): precision is the
share of record pairs given the same key that truly are one person; recall is
the share of true same-person pairs that were given the same key.
"""

from __future__ import annotations

from pathlib import Path

from tianluo.evaluate.metrics import pairwise_precision_recall
from tianluo.evaluate.models import PersonKeysSection, Status
from tianluo.evaluate.tables import Columns, read_result, read_truth
from tianluo.workspace import Workspace


def evaluate_person_keys(feed_dir: Path, workspace: Workspace) -> PersonKeysSection:
    """Score ``results/person_keys`` against ``truth/person_keys`` when the feed has one."""
    result = read_result(workspace, "person_keys")
    if result is None:
        return PersonKeysSection(
            status=Status.MISSING, note="the workspace has no results/person_keys.parquet"
        )
    truth = read_truth(feed_dir, "person_keys")
    if truth is None:
        return PersonKeysSection(
            status=Status.NO_TRUTH, note="the feed has no truth/person_keys.csv"
        )
    predicted, true = keys_by_record(result), keys_by_record(truth)
    precision, recall = pairwise_precision_recall(predicted, true)
    return PersonKeysSection(
        status=Status.SCORED,
        records=len(predicted.keys() & true.keys()),
        pairwise_precision=precision,
        pairwise_recall=recall,
    )


def keys_by_record(table: Columns) -> dict[tuple[str, str], str]:
    """The person key of each (source, record id)."""
    rows = zip(table.text("source"), table.text("record_id"), table.text("person_key"), strict=True)
    return {
        (source, record): key
        for source, record, key in rows
        if source is not None and record is not None and key is not None
    }

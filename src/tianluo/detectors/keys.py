"""Person keys: who carries a phone, and who each person-naming record is about.

When the resolve stage has run (``tianluo.resolve``: the first step of every run),
keys are read from its ``derived/person_records`` table, so every detector uses the
resolved persons: records with mistyped or missing numbers are joined to their
person. Before that (a detector run on its own), the simple rule applies: a phone
belongs to the identity number of its latest real-name subscription when that number
is valid (or a legacy 15-digit one); otherwise, and for phones with no subscription
on file, the phone number itself names the person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ibis
import ibis.expr.types as ir

from tianluo.engine import Engine
from tianluo.resolve.pipeline import PERSON_RECORDS as RESOLVED_RECORDS
from tianluo.resolve.records import PERSON_SOURCES

KNOWN_STATUSES = ("valid", "legacy")


def resolved_records(engine: Engine) -> ir.Table | None:
    """The resolve stage's records and their person keys, if it has run in this workspace."""
    path = engine.workspace.derived_path(RESOLVED_RECORDS)
    if not path.exists():
        return None
    return engine.read_parquet(path, RESOLVED_RECORDS)


def phone_owners(engine: Engine) -> ir.Table:
    """One row per subscribed phone: ``phone`` and its owner's ``person_key``.

    A phone re-issued to a new subscriber belongs to the latest activation (ties
    broken by the larger key, so every engine chooses the same owner).
    """
    if not engine.has_source("phones"):
        return ibis.memtable(
            {"phone": [], "person_key": []}, schema={"phone": "string", "person_key": "string"}
        )
    resolved = resolved_records(engine)
    if resolved is not None:
        subscriptions = resolved.filter(resolved.source == "phones")
        keyed = subscriptions.select(
            phone=subscriptions.record_id,
            activated_at=subscriptions.seen_at,
            person_key=subscriptions.person_key,
        )
    else:
        phones = engine.source("phones")
        known = phones.id_number_status.isin(KNOWN_STATUSES) & phones.id_number.notnull()
        keyed = phones.select(
            "phone",
            "activated_at",
            person_key=ibis.ifelse(known, phones.id_number, phones.phone),
        )
    latest = ibis.window(
        group_by="phone", order_by=[ibis.desc("activated_at"), ibis.desc("person_key")]
    )
    ranked = keyed.mutate(rank=ibis.row_number().over(latest))
    return ranked.filter(ranked.rank == 0).select("phone", "person_key")


def record_keys(engine: Engine, source: str) -> ir.Table:
    """The person key of each person-naming record of ``source``: ``record_id``, ``person_key``.

    After resolution, every record of the source has its resolved key. Without it, a
    record's key is its identity number when that number is valid (or a legacy one,
    already widened to 18 characters); records without a usable number are left out.
    """
    resolved = resolved_records(engine)
    if resolved is not None:
        mine = resolved.filter(resolved.source == source)
        return mine.select(record_id=mine.record_id, person_key=mine.person_key).distinct()
    spec = PERSON_SOURCES[source]
    table = engine.source(source)
    status = table[f"{spec.id_number}_status"]
    known = status.isin(KNOWN_STATUSES) & table[spec.id_number].notnull()
    keyed = table.filter(known).select(
        record_id=table[spec.record_id].cast("string"), person_key=table[spec.id_number]
    )
    return keyed.distinct()


Combine = Callable[[ir.Column], ir.Value]
"""How one column of two phone-days of one person becomes one value (sum, any, min)."""


def person_days(
    engine: Engine, rows: ir.Table, *, day: str, merge: Mapping[str, Combine]
) -> ir.Table:
    """Rows per phone and day become rows per person and day.

    ``rows`` holds ``phone_number`` (the mobile as an integer), the ``day`` column and
    the columns named in ``merge``. A phone with no known owner names its own person.
    The join is per (phone, day) rather than per ping, and only the few people with
    several phones need a second aggregation (``merge`` says how each column combines).
    Columns of the result: ``person_key``, ``day``, then those of ``merge``.
    """
    owners = phone_owners(engine)
    owners = owners.select(
        phone_number=owners.phone.cast("int64"),
        person_key=owners.person_key,
        shared=owners.count().over(group_by=owners.person_key) > 1,
    )
    owned = rows.left_join(owners, rows.phone_number == owners.phone_number).select(
        person_key=ibis.coalesce(owners.person_key, rows.phone_number.cast("string")),
        **{day: rows[day]},
        **{name: rows[name] for name in merge},
        shared=owners.shared.fill_null(False),
    )
    alone = owned.filter(~owned.shared).drop("shared")
    shared = owned.filter(owned.shared)
    merged = shared.group_by(["person_key", day]).aggregate(
        **{name: combine(shared[name]) for name, combine in merge.items()}
    )
    return alone.union(merged.select(*alone.columns))

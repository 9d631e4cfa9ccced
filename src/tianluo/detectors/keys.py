"""Person keys: who carries a phone, and who each person-naming record is about.

This is the first, simple resolution until the resolve stage links records
through names and birth dates: a phone belongs to the identity number of its
latest real-name subscription when that number is valid (or a legacy 15-digit
one); otherwise, and for phones with no subscription on file, the phone number
itself names the person.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tianluo.engine import Engine

KNOWN_STATUSES = ("valid", "legacy")


def phone_owners(engine: Engine) -> ir.Table:
    """One row per subscribed phone: ``phone`` and its owner's ``person_key``.

    A phone re-issued to a new subscriber belongs to the latest activation (ties
    broken by the larger key, so every engine chooses the same owner).
    """
    if not engine.has_source("phones"):
        return ibis.memtable(
            {"phone": [], "person_key": []}, schema={"phone": "string", "person_key": "string"}
        )
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


# Person-naming records of each source: (source, its record id column, its identity column).
PERSON_RECORDS: dict[str, tuple[str, str]] = {
    "seizures": ("record_id", "id_number"),
    "phones": ("phone", "id_number"),
    "rentals": ("record_id", "tenant_id_number"),
    "access_events": ("event_id", "id_number"),
    "accounts": ("account_id", "holder_id_number"),
    "defaulters": ("case_no", "id_number"),
    "bookings": ("booking_id", "id_number"),
    "assets": ("asset_id", "owner_id_number"),
}


def record_keys(engine: Engine, source: str) -> ir.Table:
    """The person key of each person-naming record of ``source``: ``record_id``, ``person_key``.

    Until entity resolution lands, a record's key is its identity number when that
    number is valid (or a legacy one, already widened to 18 characters); records
    without a usable number get no key and are left out.
    """
    record_column, id_column = PERSON_RECORDS[source]
    table = engine.source(source)
    status = table[f"{id_column}_status"]
    known = status.isin(KNOWN_STATUSES) & table[id_column].notnull()
    keyed = table.filter(known).select(
        record_id=table[record_column].cast("string"), person_key=table[id_column]
    )
    return keyed.distinct()

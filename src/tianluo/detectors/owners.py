"""Who carries a phone: the person key that daily activity is counted under.

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

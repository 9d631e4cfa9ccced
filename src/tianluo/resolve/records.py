"""Person-naming records: every record of every source that names a person, in one shape.

One row per record with the evidence the matcher compares: the source and the
source's own record id, the name as written, the identity number as the lake holds
it (valid and legacy numbers already in their 18-character form) with its status,
the phone and the address. ``seen_at`` is when the record was made where the source
says so (a phone's activation): a re-issued phone belongs to its latest subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tianluo.engine import Engine

RECORD_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_id", pa.string()),
        ("name", pa.string()),
        ("id_number", pa.string()),
        ("id_status", pa.string()),
        ("phone", pa.string()),
        ("address", pa.string()),
        ("seen_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True, slots=True)
class PersonSource:
    """Where a source keeps the evidence about the person a record names."""

    record_id: str
    id_number: str
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    seen_at: str | None = None


PERSON_SOURCES: dict[str, PersonSource] = {
    "seizures": PersonSource("record_id", "id_number", "name", "phone", "address"),
    "phones": PersonSource("phone", "id_number", "name", "phone", seen_at="activated_at"),
    "rentals": PersonSource(
        "record_id", "tenant_id_number", "tenant_name", "tenant_phone", "address"
    ),
    "access_events": PersonSource("event_id", "id_number", "name", "phone"),
    "accounts": PersonSource("account_id", "holder_id_number", "holder_name"),
    "defaulters": PersonSource("case_no", "id_number", "name"),
    "bookings": PersonSource("booking_id", "id_number"),
    "assets": PersonSource("asset_id", "owner_id_number"),
}
"""The contract's person-naming sources and their columns (contract.md, ``person_keys``)."""


def _text(table: ir.Table, column: str | None) -> ir.StringValue:
    if column is None or column not in table.columns:
        return ibis.null("string")
    value: ir.StringValue = table[column].cast("string")
    return value


def source_records(engine: Engine, source: str) -> ir.Table:
    """The person-naming records of one source, in the shape of ``RECORD_SCHEMA``.

    A gate pass that carries no number, no name and no phone names nobody and is left out.
    """
    spec = PERSON_SOURCES[source]
    table = engine.source(source)
    status_column = f"{spec.id_number}_status"
    seen_at = (
        table[spec.seen_at].cast("timestamp('UTC', 6)")
        if spec.seen_at is not None and spec.seen_at in table.columns
        else ibis.null("timestamp('UTC', 6)")
    )
    records = table.select(
        source=ibis.literal(source, "string"),
        record_id=_text(table, spec.record_id),
        name=_text(table, spec.name),
        id_number=_text(table, spec.id_number),
        id_status=_text(table, status_column if status_column in table.columns else None),
        phone=_text(table, spec.phone),
        address=_text(table, spec.address),
        seen_at=seen_at,
    )
    named = records.id_number.notnull() | records.name.notnull() | records.phone.notnull()
    return records.filter(named & records.record_id.notnull()).distinct()


def all_records(engine: Engine) -> ir.Table:
    """Every person-naming record of the loaded sources, as one query the engine runs.

    Never brought into Python whole: a city of 1,000,000 people has tens of millions.
    """
    parts = [source_records(engine, s) for s in PERSON_SOURCES if engine.has_source(s)]
    if not parts:
        return ibis.memtable(RECORD_SCHEMA.empty_table())
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]

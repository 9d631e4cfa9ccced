"""Evidence: person-naming records grouped by what the matcher reads of them.

A person with 50 gate passes leaves 50 records but one or two pieces of evidence:
the same name, number and phone each time. The engine groups the records of each
source by the fields resolution reads (``EVIDENCE_KEYS``) before anything reaches
Python, so the matcher sees each piece of evidence once, with how many records it
stands for and the first of them (smallest record id): a city of 1,000,000 people
has some 29 million records and a tenth as many pieces of evidence. Once every
piece has its person, the engine joins each record back to its evidence
(``keyed_records``) and writes the records with their keys.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pyarrow as pa

from tianluo.engine import Engine

EVIDENCE_KEYS = ("source", "name", "id_number", "id_status", "phone", "address")
"""The fields a record is grouped by: everything resolution reads of it but its id and time."""

EVIDENCE_SCHEMA = pa.schema(
    [
        *((key, pa.string()) for key in EVIDENCE_KEYS),
        ("records", pa.int64()),
        ("first_record_id", pa.string()),
    ]
)


KEYED_COLUMNS = (
    *("source", "name_as_written", "id_number", "id_status", "phone", "address"),
    *("name", "name_pinyin", "id_valid", "id17", "birth", "node_id", "person_key"),
)
"""What ``keyed_records`` reads of the keyed evidence: its keys, features and person."""


def group_evidence(records: ir.Table) -> ir.Table:
    """One row per source and distinct evidence, with its ``records`` and ``first_record_id``."""
    grouped = records.group_by(list(EVIDENCE_KEYS)).aggregate(
        records=records.count(), first_record_id=records.record_id.min()
    )
    return grouped.select(*EVIDENCE_SCHEMA.names)


def gather_evidence(engine: Engine, records: ir.Table) -> pa.Table:
    """The evidence of ``records`` (``records.all_records``), grouped by the engine."""
    return engine.to_arrow(group_evidence(records)).cast(EVIDENCE_SCHEMA)


def keyed_records(records: ir.Table, keyed: ir.Table) -> ir.Table:
    """Every record with its evidence's features and person key (``W/derived/person_records``).

    ``keyed`` is the evidence with the features of ``features.with_features`` (the
    name as written in ``name_as_written``), ``node_id`` and ``person_key``. A missing
    value matches a missing one: a record without a phone is evidence without one.
    """
    on = [records.source == keyed.source] + [
        records[key].identical_to(keyed[column])
        for key, column in (
            ("name", "name_as_written"),
            ("id_number", "id_number"),
            ("id_status", "id_status"),
            ("phone", "phone"),
            ("address", "address"),
        )
    ]
    joined = records.join(keyed, on)
    return joined.select(
        source=records.source,
        record_id=records.record_id,
        person_key=keyed.person_key,
        node_id=keyed.node_id,
        seen_at=records.seen_at,
        name=keyed.name,
        name_pinyin=keyed.name_pinyin,
        id_number=records.id_number,
        id_status=records.id_status,
        id_valid=keyed.id_valid,
        id17=keyed.id17,
        birth=keyed.birth,
        phone=records.phone,
        address=records.address,
    )

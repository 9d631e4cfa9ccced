"""Person keys: the name a resolved person goes by, stable while the evidence is.

A person with a valid identity number is keyed by it, as every detector has always
keyed people (an analyst's join of two numbers keeps the one on more records).
A person without one is keyed by their phone, as the contract asks, when no other
person claims that phone; otherwise by ``P`` and 15 hex digits of a hash of the
person's first record (smallest source and record id). Either way the same records
give the same key on every run and every engine; a new record changes a key only
when it brings the person's first valid number, phone or first record.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc


def _best_by_cluster(table: pa.Table, value: str) -> dict[str, tuple[str, int]]:
    """Per cluster: its most frequent ``value`` and how many records carry it (ties: smallest)."""
    present = table.filter(pc.is_valid(table.column(value)))
    if present.num_rows == 0:
        return {}
    counts = present.group_by(["cluster", value]).aggregate([([], "count_all")])
    ordered = counts.sort_by(
        [("cluster", "ascending"), ("count_all", "descending"), (value, "ascending")]
    )
    best: dict[str, tuple[str, int]] = {}
    for cluster, text, count in zip(
        ordered.column("cluster").to_pylist(),
        ordered.column(value).to_pylist(),
        ordered.column("count_all").to_pylist(),
        strict=True,
    ):
        best.setdefault(cluster, (text, count))
    return best


def record_hash_key(source: str, record_id: str) -> str:
    """``P`` and 15 hex digits naming a person by one of their records."""
    return "P" + hashlib.sha1(f"{source}:{record_id}".encode()).hexdigest()[:15]


def person_keys(records: pa.Table) -> dict[str, str]:
    """Each cluster's person key; ``records`` has ``cluster``, ``source``, ``record_id``,
    ``id_number``, ``id_valid`` and ``phone`` columns."""
    valid = records.filter(records.column("id_valid"))
    numbers = _best_by_cluster(valid.select(["cluster", "id_number"]), "id_number")
    phones = _best_by_cluster(records.select(["cluster", "phone"]), "phone")
    claims: dict[str, tuple[int, str]] = {}  # phone -> (records, cluster) of its strongest claim
    for cluster, (phone, count) in phones.items():
        if cluster in numbers:
            continue
        claim = (-count, cluster)
        if phone not in claims or claim < claims[phone]:
            claims[phone] = claim
    keys: dict[str, str] = {}
    ordered = records.select(["cluster", "source", "record_id"]).sort_by(
        [("cluster", "ascending"), ("source", "ascending"), ("record_id", "ascending")]
    )
    firsts: dict[str, tuple[str, str]] = {}
    for cluster, source, record_id in zip(
        ordered.column("cluster").to_pylist(),
        ordered.column("source").to_pylist(),
        ordered.column("record_id").to_pylist(),
        strict=True,
    ):
        firsts.setdefault(cluster, (source, record_id))
    for cluster, (source, record_id) in firsts.items():
        if cluster in numbers:
            keys[cluster] = numbers[cluster][0]
        elif cluster in phones and claims[phones[cluster][0]][1] == cluster:
            keys[cluster] = phones[cluster][0]
        else:
            keys[cluster] = record_hash_key(source, record_id)
    return keys

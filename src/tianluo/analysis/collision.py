"""Collision (碰撞比对): the records of one source that hit another on a shared key.

The analyst's question is "which of these records are already known over there?":
gate visitors against people seized before, tenants against judgment defaulters,
callers against the phones of seized persons. Side A is the list being checked,
side B the list checked against; each hit of A carries how many B records share its
key and their ids, and the totals say how much of A was checked and how much hit.

Written once in Ibis, so it runs on DuckDB and on Spark alike; the ids of the B
records are sorted so that both engines print the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.analysis.sides import KEY, RECORD, CollisionError, KeyKind, Side, keyed_records
from tianluo.engine import Engine

__all__ = [
    "Collision",
    "CollisionError",
    "CollisionTotals",
    "KeyKind",
    "Side",
    "collide",
    "save_hits",
]

B_RECORDS = "b_records"
B_RECORD_IDS = "b_record_ids"
ID_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class CollisionTotals:
    """How much was compared and how much hit.

    ``a_records`` are A's records after its filters, ``a_keys`` the distinct keys
    among them (records without a key count as records, not as keys); ``hits`` are
    A's records whose key B holds too, ``keys_hit`` the distinct keys of those hits.
    """

    a_records: int
    a_keys: int
    b_records: int
    b_keys: int
    hits: int
    keys_hit: int


@dataclass(frozen=True, slots=True)
class Collision:
    """The hit records of A, and the totals of the comparison."""

    a: Side
    b: Side
    on: KeyKind
    hits: pa.Table
    totals: CollisionTotals


def hit_records(a: ir.Table, b: ir.Table) -> ir.Table:
    """A's keyed records that share their key with B, with B's record count and ids.

    Every column of A is kept, then ``match_key``, ``b_records`` (how many distinct
    B records hold the key) and ``b_record_ids`` (their ids, sorted, ``;``-separated).
    """
    known = b.filter(b[KEY].notnull())
    per_key = known.group_by(KEY).aggregate(
        **{
            B_RECORDS: known[RECORD].nunique(),
            B_RECORD_IDS: known[RECORD].collect(distinct=True).sort().join(ID_SEPARATOR),
        }
    )
    keyed = a.filter(a[KEY].notnull())
    joined = keyed.join(per_key, KEY)
    return joined.order_by([KEY, RECORD])


def collide(engine: Engine, a: Side, b: Side, on: KeyKind | str) -> Collision:
    """Compare side A with side B on a key; return A's hits and the totals.

    Raises ``CollisionError`` for an unknown source, a column a source lacks or a
    filter it cannot take, and ``SourceNotLoadedError`` for a source never loaded.
    """
    kind = _key_kind(on)
    a_records = keyed_records(engine, a, kind)
    b_records = keyed_records(engine, b, kind)
    hits = engine.to_arrow(hit_records(a_records, b_records))
    a_count, a_keys = _counts(engine, a_records)
    b_count, b_keys = _counts(engine, b_records)
    totals = CollisionTotals(
        a_records=a_count,
        a_keys=a_keys,
        b_records=b_count,
        b_keys=b_keys,
        hits=hits.num_rows,
        keys_hit=len(pc.unique(hits[KEY])) if hits.num_rows else 0,
    )
    return Collision(a=a, b=b, on=kind, hits=hits, totals=totals)


def _key_kind(on: KeyKind | str) -> KeyKind:
    try:
        return KeyKind(on)
    except ValueError:
        kinds = ", ".join(k.value for k in KeyKind)
        raise CollisionError(f"unknown key {on!r}: choose one of {kinds}") from None


def _counts(engine: Engine, records: ir.Table) -> tuple[int, int]:
    """Records and distinct non-empty keys of one side."""
    counted = records.aggregate(records_=records.count(), keys_=records[KEY].nunique())
    row = engine.to_arrow(counted).to_pylist()[0]
    return int(row["records_"] or 0), int(row["keys_"] or 0)


def save_hits(hits: pa.Table, path: Path) -> Path:
    """Write the hit records to ``path``: CSV (``.csv``) or Parquet (``.parquet``)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise CollisionError(f"cannot save to {path.name!r}: use a .csv or .parquet file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pacsv.write_csv(hits, path)
    else:
        pq.write_table(hits, path)
    return path

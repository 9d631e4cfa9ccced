"""What the matcher compares, derived from a person-naming record.

* ``name_pinyin``: the name read aloud, without tones (陈伟, 陳伟 and 陈玮 all read
  ``chenwei``), so a name typed by its sound or in a variant character still agrees.
* ``id17``: the first 17 digits of the identity number, the part that carries the
  person: a wrong check character leaves it unchanged, and a 15-digit number (legacy,
  even a mistyped one) is widened by inserting the century ``19``. A mistyped number
  keeps its ``id17``, to be compared by edit distance.
* ``birth``: the birth date the number implies (``YYYYMMDD``), kept even when the
  number is mistyped elsewhere.
* ``id_window_1`` .. ``id_window_4``: ``id17`` with one of four overlapping windows of
  5 digits left out (digits 1-5, 5-9, 9-13, 13-17). Any one wrong digit, or two
  adjacent digits swapped, falls inside some window, so a mistyped number still
  shares a window key with the true one: these are blocking keys, never evidence.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from pypinyin import lazy_pinyin

ID17_SQL = """
CASE
  WHEN regexp_full_match(id_number, '[0-9]{17}[0-9X]?') THEN substr(id_number, 1, 17)
  WHEN regexp_full_match(id_number, '[0-9]{15}')
    THEN substr(id_number, 1, 6) || '19' || substr(id_number, 7, 9)
END"""

WINDOW_KEYS = {
    "id_window_1": "substr(id17, 6, 12)",
    "id_window_2": "substr(id17, 1, 4) || substr(id17, 10, 8)",
    "id_window_3": "substr(id17, 1, 8) || substr(id17, 14, 4)",
    "id_window_4": "substr(id17, 1, 12)",
}
"""``id17`` without digits 1-5, 5-9, 9-13 and 13-17 (SQL on a column ``id17``)."""

KNOWN_STATUSES = ("valid", "legacy")
"""Statuses of a usable identity number (a legacy one is already widened to 18)."""


def name_pinyin(name: str) -> str:
    """The toneless pinyin of a name, syllables joined: 陳玮 -> ``chenwei``."""
    return "".join(lazy_pinyin(name)).lower()


def pinyin_table(names: pa.Array | pa.ChunkedArray) -> pa.Table:
    """``name`` -> ``name_pinyin`` for each distinct non-empty name."""
    distinct = pa.chunked_array([names]) if isinstance(names, pa.Array) else names
    values = [v for v in distinct.unique().to_pylist() if v]
    return pa.table(
        {"name": pa.array(values, pa.string()), "name_pinyin": [name_pinyin(v) for v in values]}
    )


def with_features(records: pa.Table) -> pa.Table:
    """The records (or evidence: any table with ``name``, ``id_number``, ``id_status``,
    ``phone`` and ``address``) with the features above and a ``node_id``.

    ``name`` is trimmed (empty is missing); ``name_as_written`` keeps it as it came.
    Records with a usable identity number share the node ``I<number>``; any other
    record is a node of its own evidence (same number text, name, phone and address
    share one node: nothing could tell them apart).
    """
    con = duckdb.connect()
    try:
        con.register("records", records)
        con.register("pinyin", pinyin_table(records.column("name")))
        windows = ", ".join(f"{sql} AS {name}" for name, sql in WINDOW_KEYS.items())
        known = ", ".join(f"'{s}'" for s in KNOWN_STATUSES)
        query = f"""
        WITH cleaned AS (
          SELECT r.* REPLACE (nullif(trim(r.name), '') AS name), r.name AS name_as_written,
                 coalesce(r.id_status IN ({known}), false) AS id_valid,
                 {ID17_SQL} AS id17
          FROM records r
        )
        SELECT c.*,
               p.name_pinyin,
               substr(c.id17, 7, 8) AS birth,
               {windows},
               CASE WHEN c.id_valid THEN 'I' || c.id_number
                    ELSE 'S' || substr(md5(concat_ws('|', coalesce(c.id_number, ''),
                         coalesce(c.name, ''), coalesce(c.phone, ''),
                         coalesce(c.address, ''))), 1, 16)
               END AS node_id
        FROM cleaned c LEFT JOIN pinyin p ON c.name = p.name
        """
        table: pa.Table = con.sql(query).to_arrow_table()
    finally:
        con.close()
    return table

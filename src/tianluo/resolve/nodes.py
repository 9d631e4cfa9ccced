"""Nodes: the units the matcher compares, one per identity number or distinct evidence.

Every record with a usable identity number is the same person as every other
record with that number: they form one node (no model needed, and a person with 50
gate passes costs one comparison, not 1,225). Records without one are nodes of
their own evidence. A node shows the matcher its most frequent name, all its
phones and its most frequent address, and how many records it stands for. Nodes
are built from evidence (``evidence``), each row counting for its ``records``.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from tianluo.resolve.features import WINDOW_KEYS

BLOCKING_KEYS = ("name_pinyin", *WINDOW_KEYS)
"""Keys pairs are blocked on; each has a twin ``<key>_open`` set only on nodes without a
valid number, so that blocking joins ``l.<key>_open = r.<key>``: pairs of two valid
numbers (two people by rule) are never formed, not even to be filtered out."""

NODE_COLUMNS = (
    "unique_id",
    "id_valid",
    "id17",
    "birth",
    "name",
    "name_pinyin",
    "phones",
    "address",
    *WINDOW_KEYS,
    *(f"{key}_open" for key in BLOCKING_KEYS),
    "records",
)


def _mode(column: str) -> str:
    """SQL: the value of ``column`` on most records per node, non-null (ties: the smallest)."""
    return f"""
    {column}_mode AS (
      SELECT node_id, {column} FROM (
        SELECT node_id, {column}, row_number() OVER (
          PARTITION BY node_id ORDER BY sum(records) DESC, {column}) AS rank
        FROM featured WHERE {column} IS NOT NULL GROUP BY node_id, {column})
      WHERE rank = 1)"""


def build_nodes(featured: pa.Table) -> pa.Table:
    """One row per node of the featured evidence (``features.with_features``).

    ``featured`` has a ``records`` column: how many records each row stands for.
    """
    con = duckdb.connect()
    try:
        con.register("featured", featured)
        windows = ", ".join(f"any_value({name}) AS {name}" for name in WINDOW_KEYS)
        open_keys = ", ".join(
            f"CASE WHEN NOT b.id_valid THEN {'p2.' if key == 'name_pinyin' else 'b.'}{key} END"
            f" AS {key}_open"
            for key in BLOCKING_KEYS
        )
        query = f"""
        WITH {_mode("name")}, {_mode("address")},
        phones AS (
          SELECT node_id, list_sort(list(DISTINCT phone)) AS phones
          FROM featured WHERE phone IS NOT NULL GROUP BY node_id),
        base AS (
          SELECT node_id, bool_or(id_valid) AS id_valid, any_value(id17) AS id17,
                 any_value(birth) AS birth, {windows},
                 CAST(sum(records) AS BIGINT) AS records
          FROM featured GROUP BY node_id)
        SELECT b.node_id AS unique_id, b.id_valid, b.id17, b.birth,
               n.name, p2.name_pinyin, p.phones, a.address,
               {", ".join(f"b.{name}" for name in WINDOW_KEYS)},
               {open_keys}, b.records
        FROM base b
        LEFT JOIN name_mode n USING (node_id)
        LEFT JOIN (SELECT DISTINCT name, name_pinyin FROM featured) p2 ON n.name = p2.name
        LEFT JOIN phones p USING (node_id)
        LEFT JOIN address_mode a USING (node_id)
        ORDER BY unique_id
        """
        table: pa.Table = con.sql(query).to_arrow_table()
    finally:
        con.close()
    return table.select(list(NODE_COLUMNS))

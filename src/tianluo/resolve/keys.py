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

import duckdb
import pyarrow as pa

KEYS_SCHEMA = pa.schema([("cluster", pa.string()), ("person_key", pa.string())])


def record_hash_key(source: str, record_id: str) -> str:
    """``P`` and 15 hex digits naming a person by one of their records."""
    return "P" + hashlib.sha1(f"{source}:{record_id}".encode()).hexdigest()[:15]


def _top(value: str, where: str) -> str:
    """SQL: per cluster, the ``value`` on most records (ties: the smallest), and their number."""
    return f"""
    SELECT cluster, {value}, records FROM (
      SELECT cluster, {value}, sum(records) AS records, row_number() OVER (
        PARTITION BY cluster ORDER BY sum(records) DESC, {value}) AS rank
      FROM evidence WHERE {where} GROUP BY cluster, {value})
    WHERE rank = 1"""


KEYS_SQL = f"""
WITH
number AS ({_top("id_number", "id_valid AND id_number IS NOT NULL")}),
phone AS ({_top("phone", "phone IS NOT NULL")}),
claimed AS (  -- each phone goes to the person without a number on most records with it
  SELECT cluster, phone FROM (
    SELECT p.cluster, p.phone, row_number() OVER (
      PARTITION BY p.phone ORDER BY p.records DESC, p.cluster) AS rank
    FROM phone p ANTI JOIN number n USING (cluster))
  WHERE rank = 1),
first AS (
  SELECT cluster, source, first_record_id FROM (
    SELECT cluster, source, first_record_id, row_number() OVER (
      PARTITION BY cluster ORDER BY source, first_record_id) AS rank
    FROM evidence)
  WHERE rank = 1)
SELECT f.cluster,
       coalesce(n.id_number, c.phone,
                'P' || substr(sha1(f.source || ':' || f.first_record_id), 1, 15)) AS person_key
FROM first f LEFT JOIN number n USING (cluster) LEFT JOIN claimed c USING (cluster)
"""
"""The keys in SQL; the hash is ``record_hash_key``'s (DuckDB's sha1 is the same SHA-1)."""


def person_keys(evidence: pa.Table) -> pa.Table:
    """Each cluster's person key (``KEYS_SCHEMA``).

    ``evidence`` (``evidence.EVIDENCE_SCHEMA``) has ``cluster``, ``source``,
    ``first_record_id``, ``records`` (how many records each row stands for),
    ``id_number``, ``id_valid`` and ``phone`` columns.
    """
    con = duckdb.connect()
    try:
        con.register("evidence", evidence)
        keys: pa.Table = con.sql(KEYS_SQL).to_arrow_table()
    finally:
        con.close()
    return keys.cast(KEYS_SCHEMA)

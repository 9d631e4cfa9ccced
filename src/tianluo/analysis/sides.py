"""One side of a collision: a source, the column that carries the key, and the analyst's filters.

The key kinds an analyst means, and where each lives by default:

- ``id_number``: the source's (first) identity-number column (``seizures.id_number``,
  ``rentals.tenant_id_number``, ``accounts.holder_id_number`` ...), as normalised on
  ingest (upper case, 15-digit numbers widened to 18); mistyped numbers match only
  the same mistyped text;
- ``phone``: the source's (first) telephone column (``phones.phone``, ``seizures.phone``,
  ``rentals.tenant_phone``, ``calls.caller`` ...), normalised on ingest;
- ``person``: the person key each record was resolved to
  (``tianluo.detectors.keys.record_keys``), so a record without a usable number can
  still hit once entity resolution links it;
- ``name``: the person's name as written (a weak key: common names collide).

An explicit column (``Side.column``) overrides the default for ``id_number``, ``phone``
and ``name``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import ibis
import ibis.expr.types as ir

from tianluo.contract.sources import SOURCES, Kind, SourceSpec
from tianluo.detectors.keys import record_keys
from tianluo.engine import Engine
from tianluo.resolve.records import PERSON_SOURCES

KEY = "match_key"
"""The column holding the compared key on both sides."""

RECORD = "record"
"""The column holding a record's id (its source's record id, else its lake row hash)."""

ROW_HASH = "_row_hash"


class KeyKind(StrEnum):
    """What two records must share to collide."""

    ID_NUMBER = "id_number"
    PHONE = "phone"
    PERSON = "person"
    NAME = "name"


NAME_COLUMNS: dict[str, str] = {
    "seizures": "name",
    "phones": "name",
    "access_events": "name",
    "rentals": "tenant_name",
    "accounts": "holder_name",
    "defaulters": "name",
    "reports": "subject_name",
}
"""Columns that hold a person's name (``sites.name`` and ``companies.name`` do not)."""

_KEY_COLUMN_KINDS: dict[KeyKind, tuple[Kind, ...]] = {
    KeyKind.ID_NUMBER: (Kind.ID_NUMBER,),
    KeyKind.PHONE: (Kind.MOBILE, Kind.PHONE),
}


class CollisionError(ValueError):
    """A collision asked of a source, column or filter that cannot serve it."""


@dataclass(frozen=True, slots=True)
class Side:
    """A source to compare, with an optional explicit key column and filters.

    ``since`` and ``until`` are local (Beijing) days, both included, applied to the
    source's time column (``seized_at``, ``ts``, ``start_date`` ...); ``site`` keeps
    only the records of one watched site (sources with a ``site_id``: access_events).
    """

    source: str
    column: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    site: str | None = None


def spec_of(source: str) -> SourceSpec:
    """The contract's description of a source, or an error listing the known ones."""
    spec = SOURCES.get(source)
    if spec is None:
        known = ", ".join(SOURCES)
        raise CollisionError(f"unknown source {source!r}: choose one of {known}")
    return spec


def default_key_column(spec: SourceSpec, kind: KeyKind) -> str:
    """The column of ``spec`` that carries a key of ``kind`` unless the analyst names one."""
    if kind is KeyKind.NAME:
        column = NAME_COLUMNS.get(spec.name)
    else:
        kinds = _KEY_COLUMN_KINDS[kind]
        column = next((c.name for c in spec.columns if c.kind in kinds), None)
    if column is None:
        raise CollisionError(
            f"source {spec.name!r} has no {kind.value} column: name one explicitly"
        )
    return column


def time_column(spec: SourceSpec) -> str | None:
    """The source's time column: its first timestamp or date column (None for sites, assets)."""
    return next((c.name for c in spec.columns if c.kind in (Kind.TIMESTAMP, Kind.DATE)), None)


def keyed_records(engine: Engine, side: Side, kind: KeyKind) -> ir.Table:
    """The side's filtered records with their key (``match_key``) and id (``record``).

    Every column of the source is kept except lake provenance (``_load_id`` ...);
    records without a key are kept too (with an empty key), so that they count
    among the records compared. Raises ``SourceNotLoadedError`` for a source that
    was never loaded and ``CollisionError`` for a column the source lacks.
    """
    spec = spec_of(side.source)
    column = _key_column(spec, side, kind)  # usage errors first, before any data is read
    table = _filtered(engine, spec, side)
    record = table[spec.record_id or ROW_HASH].cast("string")
    visible = [c for c in table.columns if not c.startswith("_")]
    if column is None:
        keys = record_keys(engine, side.source)
        with_id = table.mutate(**{RECORD: record})
        joined = with_id.left_join(keys, with_id[RECORD] == keys.record_id)
        return joined.select(*visible, **{RECORD: joined[RECORD], KEY: joined.person_key})
    _require_column(table, side.source, column)
    return table.select(*visible, **{RECORD: record, KEY: table[column].cast("string")})


def _key_column(spec: SourceSpec, side: Side, kind: KeyKind) -> str | None:
    """The column holding the side's key; None for the person key (it comes from resolution)."""
    if kind is not KeyKind.PERSON:
        return side.column or default_key_column(spec, kind)
    if side.column is not None:
        raise CollisionError("the person key comes from entity resolution: name no column")
    if spec.name not in PERSON_SOURCES:
        persons = ", ".join(PERSON_SOURCES)
        raise CollisionError(
            f"source {spec.name!r} names no person: the person key exists for {persons}"
        )
    return None


def _require_column(table: ir.Table, source: str, column: str) -> None:
    if column not in table.columns:
        present = ", ".join(c for c in table.columns if not c.startswith("_"))
        raise CollisionError(f"source {source!r} has no column {column!r} (it has: {present})")


def _filtered(engine: Engine, spec: SourceSpec, side: Side) -> ir.Table:
    """The records of the side's time window and site."""
    windowed = side.since is not None or side.until is not None
    column = time_column(spec)
    if windowed and column is None:
        raise CollisionError(f"source {spec.name!r} has no time column: drop --since/--until")
    table = engine.source(spec.name)
    if windowed and column is not None:
        moment = table[column]
        day = moment if spec.column(column).kind is Kind.DATE else engine.local_day(moment)
        if side.since is not None:
            table = table.filter(day >= ibis.literal(side.since))
        if side.until is not None:
            table = table.filter(day <= ibis.literal(side.until))
    if side.site is not None:
        _require_column(table, spec.name, "site_id")
        table = table.filter(table.site_id == side.site)
    return table

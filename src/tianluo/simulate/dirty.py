"""Damage a clean table the way real agency extracts are damaged, and count every change.

The kinds of damage and their default rates are in ``config.DirtyRates``:

* identity numbers mistyped (one digit changed, or two adjacent digits swapped:
  the MOD 11-2 check always catches both), written in the 15-digit legacy form,
  or left blank where the column allows it;
* mobiles written with ``+86``, spaces or dashes;
* person names (``NAME_COLUMNS``) written with a same-sounding or traditional
  character (``names.written_variant``);
* unparseable rows: a bad timestamp or date, a latitude of 200, negative money,
  an empty key;
* exact duplicate rows.

Every function returns the damaged table and a count per kind of damage, which the
writer adds up into ``truth/dirty.json``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tianluo.contract.sources import Kind, SourceSpec
from tianluo.model.idnumber import to_legacy
from tianluo.simulate.config import DirtyRates
from tianluo.simulate.names import written_variant

BAD_TIMESTAMPS = ("2026-02-30T10:00:00+08:00", "2026-03-15T25:61:00", "昨天下午", "N/A", "")
BAD_DATES = ("2026-13-45", "2026/02/30", "未知")
NAME_COLUMNS = {  # the person-name column of each person-naming source
    "seizures": "name",
    "phones": "name",
    "access_events": "name",
    "rentals": "tenant_name",
    "accounts": "holder_name",
    "defaulters": "name",
}
_BREAKABLE = (Kind.TIMESTAMP, Kind.DATE, Kind.LAT, Kind.LON, Kind.MONEY, Kind.COUNT, Kind.KEY)


def mistype(number: str, rng: np.random.Generator) -> str:
    """One digit changed, or two adjacent different digits swapped (never still valid)."""
    digits = list(number)
    if rng.random() < 0.5:
        pairs = [i for i in range(16) if digits[i] != digits[i + 1]]
        if pairs:
            i = pairs[int(rng.integers(len(pairs)))]
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return "".join(digits)
    i = int(rng.integers(17))
    digits[i] = str((int(digits[i]) + int(rng.integers(1, 10))) % 10)
    return "".join(digits)


def _id_column(
    col: pa.ChunkedArray | pa.Array, nullable: bool, rates: DirtyRates, rng: np.random.Generator
) -> tuple[pa.Array, Counter[str]]:
    counts: Counter[str] = Counter()
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    valid = np.asarray(pc.fill_null(pc.equal(pc.utf8_length(arr), 18), False))
    counts["id_values"] = int(valid.sum())
    p_missing = rates.id_missing if nullable else 0.0
    draw = rng.random(len(arr))
    cut1, cut2 = rates.id_mistyped, rates.id_mistyped + rates.id_legacy
    hit = valid & (draw < cut2 + p_missing)
    if not hit.any():
        return arr, counts
    idx = np.flatnonzero(hit)
    values = arr.take(pa.array(idx)).to_pylist()
    out: list[str | None] = []
    for value, d in zip(values, draw[idx].tolist(), strict=True):
        if d < cut1:
            out.append(mistype(value, rng))
            counts["id_mistyped"] += 1
        elif d < cut2:
            if value[6:8] == "19":
                out.append(to_legacy(value))
                counts["id_legacy"] += 1
            else:
                out.append(value)  # born 2000 or later: no legacy form exists
        else:
            out.append(None)
            counts["id_missing"] += 1
    return _scatter(arr, idx, pa.array(out, pa.string())), counts


def _phone_column(
    col: pa.ChunkedArray | pa.Array, rates: DirtyRates, rng: np.random.Generator
) -> tuple[pa.Array, Counter[str]]:
    counts: Counter[str] = Counter()
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    mobile = np.asarray(pc.fill_null(pc.match_substring_regex(arr, r"^1[3-9]\d{9}$"), False))
    counts["phone_values"] = int(mobile.sum())
    idx = np.flatnonzero(mobile & (rng.random(len(arr)) < rates.phone_format))
    if len(idx) == 0:
        return arr, counts
    sub = arr.take(pa.array(idx))
    a = pc.utf8_slice_codeunits(sub, 0, 3)
    b = pc.utf8_slice_codeunits(sub, 3, 7)
    c = pc.utf8_slice_codeunits(sub, 7, 11)
    variants = [
        pc.binary_join_element_wise("+86", sub, ""),
        pc.binary_join_element_wise("+86 ", sub, ""),
        pc.binary_join_element_wise(a, b, c, " "),
        pc.binary_join_element_wise(a, b, c, "-"),
    ]
    which = pa.array(rng.integers(0, len(variants), len(idx)).astype(np.int8))
    counts["phone_format"] = len(idx)
    return _scatter(arr, idx, pc.choose(which, *variants)), counts


def _name_column(
    col: pa.ChunkedArray | pa.Array, rate: float, rng: np.random.Generator
) -> tuple[pa.Array, Counter[str]]:
    """Personal names (2-4 characters; company names are longer) changed at ``rate``."""
    counts: Counter[str] = Counter()
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    length = pc.utf8_length(arr)
    person = np.asarray(
        pc.fill_null(pc.and_(pc.greater_equal(length, 2), pc.less_equal(length, 4)), False)
    )
    counts["name_values"] = int(person.sum())
    idx = np.flatnonzero(person & (rng.random(len(arr)) < rate))
    if len(idx) == 0:
        return arr, counts
    old = arr.take(pa.array(idx)).to_pylist()
    new = [written_variant(name, rng) for name in old]
    changed = np.array([a != b for a, b in zip(old, new, strict=True)], dtype=bool)
    counts["name_variant"] = int(changed.sum())
    return _scatter(arr, idx[changed], pa.array(new, pa.string()).filter(changed)), counts


def _scatter(arr: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    mask = np.zeros(len(arr), dtype=bool)
    mask[idx] = True
    return pc.replace_with_mask(arr, pa.array(mask), values.cast(arr.type))


def _break_rows(
    table: pa.Table, spec: SourceSpec, rate: float, rng: np.random.Generator
) -> tuple[pa.Table, int]:
    cols = [c for c in spec.columns if c.required and c.kind in _BREAKABLE]
    idx = np.flatnonzero(rng.random(table.num_rows) < rate)
    if not cols or len(idx) == 0:
        return table, 0
    choice = rng.integers(0, len(cols), len(idx))
    for k, column in enumerate(cols):
        rows = idx[choice == k]
        if len(rows) == 0:
            continue
        arr = table.column(column.name).combine_chunks()
        bad: pa.Array
        if column.kind is Kind.TIMESTAMP:
            bad = pa.array([BAD_TIMESTAMPS[i] for i in rng.integers(0, 5, len(rows)).tolist()])
        elif column.kind is Kind.DATE:
            bad = pa.array([BAD_DATES[i] for i in rng.integers(0, 3, len(rows)).tolist()])
        elif column.kind is Kind.LAT:
            bad = pa.array(rng.choice([200.0, -95.5, 91.0], len(rows)))
        elif column.kind is Kind.LON:
            bad = pa.array(rng.choice([361.0, -200.0], len(rows)))
        elif column.kind in (Kind.MONEY, Kind.COUNT):
            bad = pa.array(np.full(len(rows), -1))
        else:
            bad = pa.array([""] * len(rows))
        new = _scatter(arr, rows, bad)
        table = table.set_column(table.schema.get_field_index(column.name), column.name, new)
    return table, len(idx)


def damage(
    table: pa.Table, spec: SourceSpec, rates: DirtyRates, rng: np.random.Generator
) -> tuple[pa.Table, Counter[str]]:
    """The table with every kind of damage applied at ``rates``, and the counts made."""
    counts: Counter[str] = Counter()
    if spec.name in rates.exempt_sources or table.num_rows == 0:
        counts["rows"] = table.num_rows
        return table, counts
    for column in spec.columns:
        if column.name not in table.column_names:
            continue
        pos = table.schema.get_field_index(column.name)
        if column.kind is Kind.ID_NUMBER:
            arr, c = _id_column(table.column(pos), column.nullable, rates, rng)
        elif column.kind in (Kind.MOBILE, Kind.PHONE):
            arr, c = _phone_column(table.column(pos), rates, rng)
        elif NAME_COLUMNS.get(spec.name) == column.name and rates.name_variant > 0:
            arr, c = _name_column(table.column(pos), rates.name_variant, rng)
        else:
            continue
        counts.update(c)
        table = table.set_column(pos, column.name, arr)
    table, broken = _break_rows(table, spec, rates.unparseable, rng)
    counts["unparseable"] += broken
    dup = np.flatnonzero(rng.random(table.num_rows) < rates.duplicate)
    counts["duplicate"] += len(dup)
    if len(dup):
        table = pa.concat_tables([table, table.take(pa.array(dup))])
    counts["rows"] = table.num_rows
    return table, counts

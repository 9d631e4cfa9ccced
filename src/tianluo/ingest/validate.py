"""Build the SQL that validates one file of a source, and the region lookup it joins.

A file's rows come in (a Parquet scan, or Arrow batches of CSV) with their
provenance (``_file``, ``_line``). The query normalises every contract column
by its rule, derives origin, birth date and sex from identity numbers, hashes
the raw row (the identity used to skip duplicates), and lists the reasons a
row cannot be used. Good and bad rows part ways when written (``staging``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from tianluo.contract.sources import Kind, SourceSpec
from tianluo.ingest.rules import (
    ColumnRule,
    id_digits_column,
    install_functions,
    literal,
    quote,
    rule_for,
    sql_type,
)
from tianluo.model.regions import region_table

REGION_TABLE = "_regions_by_prefix"


def install_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Create the GB/T 2260 lookup (4-digit prefix -> province and city, 2-digit -> province)
    and register the functions the rules use."""
    install_functions(con)
    rows: dict[str, tuple[str, str | None]] = {}
    for region in region_table().values():
        if region.level == "province":
            rows.setdefault(region.code[:2], (region.province, None))
        elif region.level == "city" or (region.level == "county" and region.city):
            rows.setdefault(region.code[:4], (region.province, region.city))
    # plain SQL values: registering a Python object would have DuckDB import pandas
    values = ", ".join(
        f"({literal(prefix)}, {int(prefix)}, {len(prefix)}, {literal(province)}, "
        f"{literal(city) if city else 'NULL'})"
        for prefix, (province, city) in rows.items()
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REGION_TABLE} AS SELECT * FROM (VALUES {values}) "
        "AS r(prefix, code, digits, province, city)"
    )


def _id_derivations(name: str, alias: str) -> tuple[list[str], list[str]]:
    """Select items and joins deriving province, city, birth date and sex from an id column.

    Arithmetic on the number's first 17 digits (NULL unless it is valid) is cheaper
    than cutting and parsing its text: digits 1-2 are the province, 1-4 the city,
    7-14 the birth date, and the 17th is odd for men.
    """
    n, d = f"v.{quote(name)}", f"v.{quote(id_digits_column(name))}"
    p2, p4 = f"{alias}_p", f"{alias}_c"
    # pure equality joins (a hash join); the number of digits only filters the lookup
    joins = [
        f"LEFT JOIN (SELECT * FROM {REGION_TABLE} WHERE digits = 2) {p2} "
        f"ON {p2}.code = {d} // 1000000000000000",
        f"LEFT JOIN (SELECT * FROM {REGION_TABLE} WHERE digits = 4) {p4} "
        f"ON {p4}.code = {d} // 10000000000000",
    ]
    born = f"(({d} // 1000) % 100000000)"
    items = [
        f"CASE WHEN {d} IS NOT NULL THEN substr({n}, 1, 2) END AS {quote(name + '_province_code')}",
        f"coalesce({p4}.province, {p2}.province) AS {quote(name + '_province')}",
        f"{p4}.city AS {quote(name + '_city')}",
        f"make_date(CAST({born} // 10000 AS INTEGER), CAST({born} // 100 % 100 AS INTEGER), "
        f"CAST({born} % 100 AS INTEGER)) AS {quote(name + '_birth_date')}",
        f"CASE WHEN {d} % 2 = 1 THEN 'M' WHEN {d} IS NOT NULL THEN 'F' END "
        f"AS {quote(name + '_sex')}",
    ]
    return items, joins


def row_hash_sql(raw_columns: list[str]) -> str:
    """SQL for a row's identity: a 63-bit hash of its raw values, as they came.

    Reloading a feed finds the same hashes and adds nothing; two rows that
    differ only in formatting are different records. Collisions are possible
    but rare (about 1 in 3,700 for a pair of 100-million-row loads).
    """
    columns = ", ".join(quote(c) for c in raw_columns) or "NULL"
    return f"CAST(hash({columns}) & 9223372036854775807 AS BIGINT)"


def _reasons(names: list[str]) -> str:
    """SQL for the non-NULL reasons among columns ``names`` joined by '; ', else NULL.

    Most rows have none, and testing for that is cheaper than joining nothing.
    """
    if not names:
        return "CAST(NULL AS VARCHAR)"
    none = " AND ".join(f"{n} IS NULL" for n in names)
    return f"CASE WHEN NOT ({none}) THEN concat_ws('; ', {', '.join(names)}) END"


@dataclass
class _Levels:
    """The select items of each level of the validation query, gathered column by column."""

    texts: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # reason columns that refuse the row
    cleared: list[str] = field(default_factory=list)  # reason columns that clear a field
    row_columns: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # values the derivations use, not kept

    def absent(self, name: str, kind: Kind) -> None:
        """A contract column the file lacks: NULL of its type."""
        self.values.append(f"CAST(NULL AS {sql_type(kind)}) AS {quote(name)}")
        self.row_columns.append(name)
        if kind is Kind.ID_NUMBER:
            self.values.append(f"'missing' AS {quote(name + '_status')}")
            self.row_columns.append(name + "_status")

    def add(self, name: str, rule: ColumnRule) -> None:
        """A present column: its text, helpers, parsed value, reason and outputs."""
        i = len(self.texts)
        t, v, e = f"_t{i}", f"_v{i}", f"_e{i}"
        self.texts.append(f"{rule.text} AS {t}")
        helpers = {f"{{h{k}}}": f"_h{i}_{k}" for k in range(len(rule.helpers))}

        def fill(expr: str) -> str:
            for placeholder, column in (*helpers.items(), ("{t}", t), ("{v}", v)):
                expr = expr.replace(placeholder, column)
            return expr

        self.helpers.extend(
            f"{fill(h)} AS {c}" for h, c in zip(rule.helpers, helpers.values(), strict=True)
        )
        self.parsed.append(f"{fill(rule.parsed)} AS {v}")
        reasons = []
        if not rule.nullable:
            reasons.append(f"WHEN {t} IS NULL THEN {literal(name + ': empty')}")
        if rule.reason:
            bad = rule.bad.replace("{t}", t).replace("{v}", v)
            reasons.append(f"WHEN {t} IS NOT NULL AND ({bad}) THEN {literal(rule.reason)}")
        # every parse gives NULL for an empty value, and a row with a bad value is refused
        # whole: in a kept row the value is good unless a bad optional one is to be cleared
        ok = "TRUE"
        if reasons:
            self.checks.append(f"CASE {' '.join(reasons)} END AS {e}")
            (self.cleared if rule.clears else self.errors).append(e)
            if rule.clears:
                ok = f"({e} IS NULL)"
        for out, template in rule.outputs.items():
            value = template.replace("{t}", t).replace("{v}", v).replace("{ok}", ok)
            if rule.clears and reasons and "{ok}" not in template:
                value = f"CASE WHEN {e} IS NULL THEN {value} END"
            self.values.append(f"{value} AS {quote(out)}")
            self.row_columns.append(out)
        for out, expr in rule.hidden.items():
            self.values.append(f"{fill(expr)} AS {quote(out)}")
            self.hidden.append(out)


def validation_sql(
    spec: SourceSpec, schema: pa.Schema, relation: str, extras: list[str]
) -> tuple[str, list[str]]:
    """SQL selecting validated rows of ``relation`` (one file) with reasons and row hash.

    ``relation`` has the file's columns and ``_file``, ``_line``. Levels, so
    that each step runs once per row: read each column as text (and compute a
    rule's helpers), parse it, check it (its reason, NULL when good), keep the
    good values; then gather the reasons and, only for rows that have one, the
    raw values as JSON, and derive origin, birth date and sex from identity
    numbers. Returns the query and the output columns that make up a lake row,
    in order.
    """
    present = set(schema.names)
    levels = _Levels()
    for column in spec.columns:
        if column.name not in present:
            levels.absent(column.name, column.kind)
            continue
        levels.add(column.name, rule_for(column, schema.field(column.name).type))
        if column.kind is Kind.ID_NUMBER:
            items, id_joins = _id_derivations(column.name, f"r{len(levels.joins)}")
            levels.derived.extend(items)
            levels.joins.extend(id_joins)
    for extra in extras:
        levels.values.append(f"CAST({quote('_r_' + extra)} AS VARCHAR) AS {quote(extra)}")
        levels.row_columns.append(extra)
    raw_columns = [c for c in schema.names if not c.startswith("_")]
    raw_pairs = ", ".join(f"{quote(c)}: CAST(v.{quote('_r_' + c)} AS VARCHAR)" for c in raw_columns)
    raw_names = ", ".join(
        [quote("_r_" + c) for c in raw_columns] + [quote(h) for h in levels.hidden]
    )
    raw_names = raw_names or "_file"
    raw_pass = ", ".join(f"{quote(c)} AS {quote('_r_' + c)}" for c in raw_columns)
    level = f"""
                    SELECT {", ".join(levels.texts) or "NULL AS _t"}, {raw_pass}, _file, _line,
                           {row_hash_sql(raw_columns)} AS _row_hash
                    FROM {relation}"""
    for items in (levels.helpers, levels.parsed, levels.checks):
        if items:
            level = f"SELECT *, {', '.join(items)} FROM ({level})"
    query = f"""
        SELECT v.* EXCLUDE ({raw_names}), {"".join(d + ", " for d in levels.derived)}
               CASE WHEN v._errors IS NOT NULL OR v._cleared IS NOT NULL
                    THEN to_json({{{raw_pairs}}}) END AS _raw,
               CASE WHEN contains(v._errors, ':') THEN split_part(v._errors, ':', 1) END
                   AS _field,
               split_part(v._errors, '; ', 1) AS _reason,
               v._errors IS NOT NULL AS _bad
        FROM (
            SELECT {", ".join(levels.values)}, _file, _line, _row_hash,
                   {_reasons(levels.errors)} AS _errors, {_reasons(levels.cleared)} AS _cleared,
                   {", ".join(quote("_r_" + c) for c in raw_columns) or "_file"}
            FROM ({level})
        ) v
        {" ".join(levels.joins)}
    """
    derived_names = [item.rsplit(" AS ", 1)[1].strip('"') for item in levels.derived]
    return query, levels.row_columns + derived_names

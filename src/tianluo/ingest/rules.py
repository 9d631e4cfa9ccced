"""Validation and normalisation rules, one per column kind, as DuckDB SQL.

Each rule turns the raw value of a column into its normalised value and, when
the value cannot be used, a short reason. Reasons are categorical ("lat: out of
range -90..90") so that the load report can count them; the raw text is kept
beside them in quarantine. ``tianluo.model`` holds the same rules in Python and
the tests hold both to the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from tianluo.contract.sources import Column, Kind
from tianluo.model.idnumber import CHECK_CHARS, WEIGHTS

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
EARLIEST = "1900-01-01"
LATEST = "2100-01-01"


@dataclass(frozen=True, slots=True)
class ColumnRule:
    """SQL for one column, evaluated in steps so that each parse runs once per row.

    ``text`` reads the raw value as trimmed text (NULL when empty). ``parsed``
    computes the candidate value from ``{t}`` (the text). ``bad`` is a condition
    on ``{t}`` and ``{v}`` (the parsed value) that makes a present value
    unusable, with ``reason`` as its explanation. ``outputs`` maps output
    columns to expressions of ``{t}``, ``{v}`` and ``{ok}`` (the value is kept:
    a condition where a bad value is cleared; otherwise true, since a bad value
    refuses its row and an empty one parses to NULL). ``clears`` marks optional
    columns whose bad value is cleared (the row is kept) instead of refusing
    the row; ``nullable`` says whether an empty value is acceptable.
    ``helpers`` are expressions of ``{t}`` computed once before ``parsed``,
    which refers to them as ``{h0}``, ``{h1}``, ... ``hidden`` are outputs
    (of the same placeholders) that later steps of the query use but the lake
    does not keep.
    """

    text: str
    parsed: str
    bad: str
    reason: str
    outputs: dict[str, str]
    clears: bool
    nullable: bool
    helpers: tuple[str, ...] = ()
    hidden: dict[str, str] = field(default_factory=dict)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def constant(text: str) -> str:
    """SQL for a text that is the same on every row (the load, the file), as cheap to write.

    As a one-value ENUM, DuckDB writes it to Parquet as a dictionary-encoded
    string without hashing every row: a tenth of the cost of a VARCHAR, and
    the same column for every reader.
    """
    return f"CAST({literal(text)} AS ENUM({literal(text)}))"


_NUMERIC = (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal)
_TEMPORAL = (pa.types.is_timestamp, pa.types.is_date)


def is_typed(kind: Kind, arrow_type: pa.DataType) -> bool:
    """Whether a typed (Parquet) column already holds the kind's values, needing no parsing."""
    if kind in (Kind.LAT, Kind.LON, Kind.NUMBER, Kind.COUNT, Kind.MONEY):
        return any(check(arrow_type) for check in _NUMERIC)
    if kind in (Kind.TIMESTAMP, Kind.DATE):
        return any(check(arrow_type) for check in _TEMPORAL)
    return False


def _as_text(col: str, arrow_type: pa.DataType) -> str:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return col
    return f"CAST({col} AS VARCHAR)"


def _text(col: str, kind: Kind, arrow_type: pa.DataType) -> str:
    """The column as trimmed text (NULL when empty), or as it is when already typed."""
    if is_typed(kind, arrow_type):
        return col
    text = _as_text(col, arrow_type)
    # TRIM costs more than the test for a space at either end: trim only those values
    return (
        f"CASE WHEN starts_with({text}, ' ') OR ends_with({text}, ' ') "
        f"THEN NULLIF(TRIM({text}), '') ELSE NULLIF({text}, '') END"
    )


# Fixed shapes are tested with GLOB, a plain character loop: RE2's full match costs twice as
# much, and these tests run on every row of the biggest sources.
MOBILE_GLOB = "'1[3-9]" + "[0-9]" * 9 + "'"
ID18_GLOB = "'" + "[0-9]" * 17 + "[0-9X]'"
ID15_GLOB = "'" + "[0-9]" * 15 + "'"

CHECK_CHAR_MACRO = "tianluo_check_char"
REAL_DATE_MACRO = "tianluo_real_date"


def _check_char_body(n: str) -> str:
    """SQL for the ISO 7064 MOD 11-2 check character of ``n``, the first 17 digits as a number.

    Integer arithmetic on one number costs a fraction of 17 substrings.
    """
    terms = " + ".join(f"(({n} // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr({literal(CHECK_CHARS)}, CAST(({terms}) % 11 AS INTEGER) + 1, 1)"


def _real_date_body(v: str, today: dt.date) -> str:
    """SQL: whether the number ``v`` (YYYYMMDD) is a real date from 1900-01-01 to ``today``."""
    y, m, d = f"({v} // 10000)", f"(({v} // 100) % 100)", f"({v} % 100)"
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
    month_days = (
        f"CASE WHEN {m} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    return (
        f"({v} BETWEEN 19000101 AND {today:%Y%m%d} AND {m} BETWEEN 1 AND 12 "
        f"AND {d} BETWEEN 1 AND {month_days})"
    )


def id_number_sql(
    x: str, first17: str | None = None, digits15: str | None = None
) -> dict[str, str]:
    """SQL for an identity number given its cleaned text ``x``: status, then the number.

    Valid 18-character numbers are kept; valid 15-digit legacy numbers are
    converted to 18; anything else is kept as cleaned text with status
    ``invalid`` (mistyped numbers are data, not errors); empty is ``missing``.
    ``first17`` and ``digits15`` name the text's first 17 characters and the
    whole text as BIGINT when a query has computed them once (the rule does);
    by default they are computed inline. The ``number`` expression refers to
    the status as ``{v}``. The macros come from ``install_functions``.
    """
    n = first17 or f"TRY_CAST(substr({x}, 1, 17) AS BIGINT)"
    legacy = digits15 or f"TRY_CAST({x} AS BIGINT)"
    status = (
        f"CASE WHEN {x} IS NULL THEN 'missing' "
        f"WHEN length({x}) = 18 AND {x} GLOB {ID18_GLOB} THEN "
        f"(CASE WHEN {REAL_DATE_MACRO}(({n} // 1000) % 100000000) "
        f"AND {CHECK_CHAR_MACRO}({n}) = substr({x}, 18, 1) THEN 'valid' ELSE 'invalid' END) "
        f"WHEN length({x}) = 15 AND {x} GLOB {ID15_GLOB} THEN "
        f"(CASE WHEN {REAL_DATE_MACRO}(19000000 + ({legacy} // 1000) % 1000000) "
        "THEN 'legacy' ELSE 'invalid' END) "
        "ELSE 'invalid' END"
    )
    legacy_body = f"(substr({x}, 1, 6) || '19' || substr({x}, 7, 9))"
    number = (
        f"CASE WHEN {{v}} = 'legacy' THEN {legacy_body} || "
        f"{CHECK_CHAR_MACRO}(CAST({legacy_body} AS BIGINT)) ELSE {x} END"
    )
    # the first 17 digits of the 18-character number, as a number, for valid numbers only
    digits = (
        f"CASE WHEN {{v}} = 'valid' THEN {n} WHEN {{v}} = 'legacy' THEN "
        f"({legacy} // 1000000000) * 100000000000 + 19000000000 + {legacy} % 1000000000 END"
    )
    return {"number": number, "status": status, "digits": digits}


def id_digits_column(name: str) -> str:
    """The hidden column holding the first 17 digits of a valid identity number (BIGINT)."""
    return f"_digits_{name}"


def install_functions(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> None:
    """Register the SQL macros the identity-number rule uses (check character, real date).

    Plain SQL, so that DuckDB runs them on every core; ``today`` bounds birth
    dates as ``tianluo.model.idnumber`` does.
    """
    today = today or dt.date.today()
    con.execute(f"CREATE OR REPLACE TEMP MACRO {CHECK_CHAR_MACRO}(n) AS {_check_char_body('n')}")
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO {REAL_DATE_MACRO}(v) AS {_real_date_body('v', today)}"
    )


def mobile_sql(text: str) -> str:
    """SQL for an 11-digit mainland mobile, NULL when the text is not one."""
    clean = f"{text} GLOB {MOBILE_GLOB}"
    return f"CASE WHEN {clean} THEN {text} ELSE {_mobile_slow(text)} END"


def _mobile_slow(text: str) -> str:
    """Strip separators and country prefixes; the rare path for formatted numbers."""
    digits = f"regexp_replace({text}, '[\\s\\-().]', '', 'g')"
    stripped = (
        f"CASE WHEN starts_with({digits}, '+86') THEN substr({digits}, 4) "
        f"WHEN starts_with({digits}, '0086') THEN substr({digits}, 5) "
        f"WHEN length({digits}) = 13 AND starts_with({digits}, '86') THEN substr({digits}, 3) "
        f"ELSE {digits} END"
    )
    return f"CASE WHEN {stripped} GLOB {MOBILE_GLOB} THEN {stripped} END"


def phone_sql(text: str) -> str:
    """SQL for any telephone number: a mobile when it is one, else digits with optional '+'."""
    digits = f"regexp_replace({text}, '[\\s\\-().]', '', 'g')"
    return (
        f"coalesce({mobile_sql(text)}, CASE WHEN regexp_full_match({digits}, '\\+?[0-9]{{3,20}}') "
        f"THEN {digits} END)"
    )


_Check = tuple[str, str, str]  # parsed value of {t}; bad condition on {t}, {v}; reason


def _enum(column: Column, _typed: bool) -> _Check:
    choices = ", ".join(literal(c) for c in column.choices)
    return "lower({t})", f"{{v}} NOT IN ({choices})", f"not one of {'|'.join(column.choices)}"


def _mobile(_column: Column, _typed: bool) -> _Check:
    return mobile_sql("{t}"), "{v} IS NULL", "not an 11-digit mainland mobile"


def _phone(_column: Column, _typed: bool) -> _Check:
    return phone_sql("{t}"), "{v} IS NULL", "not a telephone number"


# The contract reads a time without an offset as Asia/Shanghai, which has been UTC+8 without
# daylight saving since 1991: shifting by 8 hours is exact then and far cheaper than a
# time-zone conversion. Earlier times take the conversion (the session's zone is Shanghai).
NAIVE_TO_INSTANT = (
    "CASE WHEN CAST({t} AS TIMESTAMP) >= TIMESTAMP '1992-01-01' "
    "THEN make_timestamptz(epoch_us(CAST({t} AS TIMESTAMP)) - 28800000000) "
    "ELSE timezone('Asia/Shanghai', CAST({t} AS TIMESTAMP)) END"
)


# Text timestamps: the shape is checked by position (LIKE, the cheapest test); DuckDB's
# parser then accepts only real dates and times. A value with an offset (Z, +08:00,
# +0800, +08) is an instant; a value without one is Shanghai local time, parsed once
# (the shift above would parse it three times, which costs more than the zone lookup).
_ISO_SHAPE = "({t} LIKE '____-__-__%')"
_HAS_OFFSET = (
    "(length({t}) > 10 AND (ends_with({t}, 'Z') "
    "OR regexp_matches({t}, '(?s)[+-](.....|....|..)$')))"  # a sign 6, 5 or 3 from the end
)
TEXT_TO_INSTANT = (
    f"CASE WHEN NOT {_ISO_SHAPE} THEN NULL "
    f"WHEN {_HAS_OFFSET} THEN TRY_CAST({{t}} AS TIMESTAMPTZ) "
    "ELSE timezone('Asia/Shanghai', TRY_CAST({t} AS TIMESTAMP)) END"
)


def _timestamp(_column: Column, typed: bool) -> _Check:
    parsed = NAIVE_TO_INSTANT if typed else TEXT_TO_INSTANT
    bad = f"{{v}} IS NULL OR {{v}} < TIMESTAMPTZ '{EARLIEST}' OR {{v}} >= TIMESTAMPTZ '{LATEST}'"
    return parsed, bad, "not an ISO 8601 timestamp in 1900-2099"


def _date(_column: Column, typed: bool) -> _Check:
    if typed:
        parsed, syntax = "CAST({t} AS DATE)", "TRUE"
    else:
        parsed = "TRY_CAST({t} AS DATE)"
        syntax = "regexp_matches({t}, " + literal(ISO_DATE) + ")"
    bad = f"NOT ({syntax}) OR {{v}} IS NULL OR {{v}} < DATE '{EARLIEST}'"
    return parsed, bad, "not a YYYY-MM-DD date"


def _coordinate(column: Column, _typed: bool) -> _Check:
    limit = 90 if column.kind is Kind.LAT else 180
    bad = f"{{v}} IS NULL OR isnan({{v}}) OR abs({{v}}) > {limit}"
    return "TRY_CAST({t} AS DOUBLE)", bad, f"not a number in -{limit}..{limit}"


def _money(_column: Column, typed: bool) -> _Check:
    cleaned = "{t}" if typed else "regexp_replace({t}, '^[¥￥]|,', '', 'g')"
    parsed = f"TRY_CAST({cleaned} AS DECIMAL(18, 2))"
    return parsed, "{v} IS NULL OR {v} < 0", "not an amount of yuan >= 0"


def _number(column: Column, _typed: bool) -> _Check:
    if column.kind is Kind.COUNT:
        bad = "{v} IS NULL OR isnan({v}) OR {v} < 0 OR {v} <> floor({v})"
        return "TRY_CAST({t} AS DOUBLE)", bad, "not a whole number >= 0"
    return "TRY_CAST({t} AS DOUBLE)", "{v} IS NULL OR isnan({v}) OR {v} < 0", "not a number >= 0"


_CHECKS = {
    Kind.ENUM: _enum,
    Kind.MOBILE: _mobile,
    Kind.PHONE: _phone,
    Kind.TIMESTAMP: _timestamp,
    Kind.DATE: _date,
    Kind.LAT: _coordinate,
    Kind.LON: _coordinate,
    Kind.MONEY: _money,
    Kind.COUNT: _number,
    Kind.NUMBER: _number,
}
SQL_TYPES = {
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.DATE: "DATE",
    Kind.LAT: "DOUBLE",
    Kind.LON: "DOUBLE",
    Kind.NUMBER: "DOUBLE",
    Kind.MONEY: "DECIMAL(18, 2)",
    Kind.COUNT: "BIGINT",
}  # every other kind is text


def sql_type(kind: Kind) -> str:
    """The lake's SQL type for a column kind (an absent column is NULL of this type)."""
    return SQL_TYPES.get(kind, "VARCHAR")


_KEEP_IF_GOOD = "CASE WHEN {ok} THEN {value} END"


def rule_for(column: Column, arrow_type: pa.DataType) -> ColumnRule:
    """The SQL rule for one contract column as it appears in a file."""
    name = column.name
    text = _text(quote(name), column.kind, arrow_type)
    optional = not column.required
    if column.kind is Kind.ID_NUMBER:
        raw = _as_text(quote(name), arrow_type)
        parts = id_number_sql("{t}", "{h0}", "{h1}")
        return ColumnRule(
            # every space goes; most numbers come clean, and a test is cheaper than a rewrite
            text=f"CASE WHEN {raw} GLOB {ID18_GLOB} THEN {raw} "
            f"ELSE NULLIF(upper(regexp_replace({raw}, '\\s', '', 'g')), '') END",
            parsed=parts["status"],
            bad="FALSE",
            reason="",
            outputs={name: parts["number"], f"{name}_status": "{v}"},
            clears=optional,
            nullable=True,
            hidden={id_digits_column(name): parts["digits"]},
            helpers=(
                "CASE WHEN length({t}) = 18 THEN TRY_CAST(substr({t}, 1, 17) AS BIGINT) END",
                "CASE WHEN length({t}) = 15 THEN TRY_CAST({t} AS BIGINT) END",
            ),
        )
    check = _CHECKS.get(column.kind)
    if check is None:  # TEXT and KEY: kept as given, trimmed
        return ColumnRule(text, "{t}", "FALSE", "", {name: "{t}"}, optional, column.nullable)
    parsed, bad, reason = check(column, is_typed(column.kind, arrow_type))
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz and column.kind is Kind.TIMESTAMP:
        parsed = "CAST({t} AS TIMESTAMPTZ)"  # a zoned Parquet timestamp is an instant already
    value = "CAST({v} AS BIGINT)" if column.kind is Kind.COUNT else "{v}"
    output = _KEEP_IF_GOOD.replace("{value}", value)
    return ColumnRule(
        text, parsed, bad, f"{name}: {reason}", {name: output}, optional, column.nullable
    )

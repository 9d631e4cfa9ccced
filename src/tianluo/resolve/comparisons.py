"""How two nodes are compared: Splink comparisons fitted to Chinese identity data.

Each level has a prior m (how often true matches fall in it) and u (how often two
different people do) that training refines; the labels are what an analyst reads
in an explanation. Levels run from the strongest agreement down.

Edit distances are costly (DuckDB's Damerau-Levenshtein takes some 5 µs a pair, and
a city of 1,000,000 people has tens of millions of pairs), so each is computed only
where a cheap test holds that every pair within the distance passes (``Guarded``):
each pair reaches the same level as without the test, only sooner.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

from tianluo.resolve.features import WINDOW_KEYS


class Guarded(ComparisonLevelCreator):
    """A level whose test runs only where ``guard``, a condition every pair in it meets, holds."""

    def __init__(self, guard: str, level: ComparisonLevelCreator) -> None:
        self.guard = guard
        self.level = level

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        # CASE, not AND: DuckDB evaluates both sides of an AND in a projection
        return f"CASE WHEN {self.guard} THEN {self.level.create_sql(sql_dialect)} ELSE FALSE END"

    def create_label_for_charts(self) -> str:
        return self.level.create_label_for_charts()


def _any_equal(pairs: list[tuple[str, str]]) -> str:
    """SQL: some pair of ``(left expression, right expression)`` is equal."""
    return "(" + " OR ".join(f"{left} = {right}" for left, right in pairs) + ")"


def one_edit_guard() -> str:
    """SQL: two ``id17`` share a window key, as any two one wrong digit or one swap apart do."""
    return _any_equal([(f"{key}_l", f"{key}_r") for key in WINDOW_KEYS])


def two_edits_guard(column: str = "id17", length: int = 17) -> str:
    """SQL: a third of the left ``column`` is in the right one, in place or one off.

    Two strings of ``length`` characters (every ``id17`` has 17) within two edits are
    two substitutions, or a deletion and an insertion, apart: at least one of three
    parts of the left is untouched and is found in the right at most one position away.
    """
    third = length // 3
    parts = [(1, third), (1 + third, third), (1 + 2 * third, length - 2 * third)]
    pairs = [
        (f"substr({column}_l, {start}, {size})", f"substr({column}_r, {start + shift}, {size})")
        for start, size in parts
        for shift in (-1, 0, 1)
        if start + shift >= 1 and start + shift + size - 1 <= length
    ]
    return _any_equal(pairs)


def birth_one_edit_guard() -> str:
    """SQL: two ``birth`` dates (``YYYYMMDD``) one digit or one swap apart agree on
    their first four digits, their last four, or all but the middle two."""
    halves = _any_equal(
        [
            ("substr(birth_l, 1, 4)", "substr(birth_r, 1, 4)"),
            ("substr(birth_l, 5, 4)", "substr(birth_r, 5, 4)"),
        ]
    )
    ends = (
        "(substr(birth_l, 1, 3) = substr(birth_r, 1, 3)"
        " AND substr(birth_l, 6, 3) = substr(birth_r, 6, 3))"
    )
    return f"({halves} OR {ends})"


def identity_number() -> ComparisonCreator:
    """Identity numbers: the same 17 digits, one digit off or two swapped, two digits off."""
    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_description="identity number (first 17 digits; check character ignored)",
        comparison_levels=[
            cll.NullLevel("id17"),
            cll.ExactMatchLevel("id17").configure(
                m_probability=0.30,
                u_probability=1e-7,
                label_for_charts="same number (a wrong check character or the legacy form)",
            ),
            Guarded(one_edit_guard(), cll.DamerauLevenshteinLevel("id17", 1)).configure(
                m_probability=0.55,
                u_probability=1e-6,
                label_for_charts="one digit wrong or two adjacent digits swapped",
            ),
            Guarded(two_edits_guard(), cll.LevenshteinLevel("id17", 2)).configure(
                m_probability=0.10,
                u_probability=2e-5,
                label_for_charts="two digits wrong",
            ),
            cll.ElseLevel().configure(
                m_probability=0.05, u_probability=0.99997, label_for_charts="different numbers"
            ),
        ],
    )


def name() -> ComparisonCreator:
    """Names: the same characters, the same sound (a homophone or variant), a near sound."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="name (characters, then pinyin)",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True).configure(
                m_probability=0.90, u_probability=1e-3, label_for_charts="same characters"
            ),
            cll.ExactMatchLevel("name_pinyin").configure(
                m_probability=0.06,
                u_probability=3e-4,
                label_for_charts="same sound (homophone or variant character)",
            ),
            cll.JaroWinklerLevel("name_pinyin", 0.9).configure(
                m_probability=0.02, u_probability=3e-3, label_for_charts="similar sound"
            ),
            cll.ElseLevel().configure(
                m_probability=0.02, u_probability=0.996, label_for_charts="different names"
            ),
        ],
    )


def birth_date() -> ComparisonCreator:
    """Birth dates as the identity numbers give them."""
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="birth date implied by the identity number",
        comparison_levels=[
            cll.NullLevel("birth"),
            cll.ExactMatchLevel("birth").configure(
                m_probability=0.90, u_probability=1e-4, label_for_charts="same birth date"
            ),
            Guarded(birth_one_edit_guard(), cll.DamerauLevenshteinLevel("birth", 1)).configure(
                m_probability=0.07, u_probability=3e-3, label_for_charts="one digit apart"
            ),
            cll.ElseLevel().configure(
                m_probability=0.03, u_probability=0.997, label_for_charts="different dates"
            ),
        ],
    )


def phones() -> ComparisonCreator:
    """Phones: at least one mobile in common."""
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="mobile numbers",
        comparison_levels=[
            cll.NullLevel("phones"),
            cll.ArrayIntersectLevel("phones", 1).configure(
                m_probability=0.80, u_probability=1e-5, label_for_charts="a phone in common"
            ),
            cll.ElseLevel().configure(
                m_probability=0.20, u_probability=0.99999, label_for_charts="no phone in common"
            ),
        ],
    )


def address() -> ComparisonCreator:
    """Addresses: the same text, or nearly."""
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(
                m_probability=0.50, u_probability=1e-4, label_for_charts="same address"
            ),
            cll.JaroWinklerLevel("address", 0.92).configure(
                m_probability=0.20, u_probability=2e-3, label_for_charts="similar address"
            ),
            cll.ElseLevel().configure(
                m_probability=0.30, u_probability=0.998, label_for_charts="different addresses"
            ),
        ],
    )


def comparisons() -> list[ComparisonCreator]:
    """Every comparison of the model, in the order explanations list them."""
    return [identity_number(), name(), birth_date(), phones(), address()]

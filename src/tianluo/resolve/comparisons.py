"""How two nodes are compared: Splink comparisons fitted to Chinese identity data.

Each level has a prior m (how often true matches fall in it) and u (how often two
different people do) that training refines; the labels are what an analyst reads
in an explanation. Levels run from the strongest agreement down.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator


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
            cll.DamerauLevenshteinLevel("id17", 1).configure(
                m_probability=0.55,
                u_probability=1e-6,
                label_for_charts="one digit wrong or two adjacent digits swapped",
            ),
            cll.LevenshteinLevel("id17", 2).configure(
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
            cll.DamerauLevenshteinLevel("birth", 1).configure(
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

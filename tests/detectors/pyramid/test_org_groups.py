"""Grouping members into organisations: money binds, calls alone only attach."""

from __future__ import annotations

import pandas as pd

from tianluo.detectors.pyramid.org_groups import organisation_groups


def _calls(pairs: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["a", "b", "calls"])


def _transfers(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["payer", "payee"])


def _groups(people: list[str], calls: pd.DataFrame, transfers: pd.DataFrame) -> list[set[str]]:
    numbers = organisation_groups(pd.Series(people), calls, transfers, min_members=3)
    found = numbers[numbers >= 0]
    return [set(found.index[found == k]) for k in sorted(set(found))]


def test_a_friend_who_phones_two_organisations_does_not_merge_them() -> None:
    people = ["A1", "A2", "A3", "B1", "B2", "B3", "F"]
    inside = [("A1", "A2", 9), ("A2", "A3", 9), ("B1", "B2", 9), ("B2", "B3", 9)]
    calls = _calls([*inside, ("A3", "F", 8), ("B3", "F", 6)])
    transfers = _transfers([("A2", "A1"), ("A3", "A2"), ("B2", "B1"), ("B3", "B2")])
    groups = _groups(people, calls, transfers)
    assert groups == [{"A1", "A2", "A3", "F"}, {"B1", "B2", "B3"}]


def test_a_recruit_who_paid_cash_joins_the_branches_on_both_sides() -> None:
    # O and R1 exchanged money; R2 paid in cash; R3, R4 and R5 pay up to R2's branch
    people = ["O", "R1", "R2", "R3", "R4", "R5"]
    calls = _calls(
        [("O", "R1", 9), ("R1", "R2", 8), ("R2", "R3", 10), ("R3", "R4", 9), ("R3", "R5", 9)]
    )
    transfers = _transfers([("R1", "O"), ("R4", "R3"), ("R5", "R3")])
    assert _groups(people, calls, transfers) == [set(people)]


def test_people_linked_by_calls_alone_form_a_group_of_their_own() -> None:
    people = ["A1", "A2", "A3", "X1", "X2", "X3", "Y"]
    calls = _calls([("A1", "A2", 9), ("A2", "A3", 9), ("X1", "X2", 5), ("X2", "X3", 5)])
    transfers = _transfers([("A2", "A1"), ("A3", "A2")])
    groups = _groups(people, calls, transfers)
    assert groups == [{"A1", "A2", "A3"}, {"X1", "X2", "X3"}]  # Y, linked to none, is in none

"""The recruitment tree of one organisation, from hand-made links."""

from __future__ import annotations

import pandas as pd

from tianluo.detectors.pyramid.recruitment import recruitment_tree
from tianluo.rules import load_rules

RULES = load_rules().organizations
DAY = 86_400
START = 20_000  # the first day of the data (days since 1970)

# The true tree: A recruited B and C; B recruited D and E; D recruited F.
UPLINE = {"A": None, "B": "A", "C": "A", "D": "B", "E": "B", "F": "D"}


def _people(first_day: dict[str, int] | None = None) -> pd.DataFrame:
    days = first_day or {}
    return pd.DataFrame(
        {"person_key": list(UPLINE), "first_day": [days.get(k, START) for k in UPLINE]}
    )


def _calls(extra: list[tuple[str, str, int]] | None = None) -> pd.DataFrame:
    rows = [(up, down, 8, START * DAY + 3600) for down, up in UPLINE.items() if up]
    rows += [(a, b, n, START * DAY + 3600) for a, b, n in extra or []]
    return pd.DataFrame(rows, columns=["a", "b", "calls", "first_at"])


def _transfers(rows: list[tuple[str, str, int, int, float, float]]) -> pd.DataFrame:
    """payer, payee, transfers, refunds, yuan, refund_yuan (one transfer a row).

    A transfer of whole 3,800-yuan shares that is not a refund is a fee (as
    ``links.is_fee`` would say); a share passed up the line is not.
    """
    frame = pd.DataFrame(
        rows, columns=["payer", "payee", "transfers", "refunds", "yuan", "refund_yuan"]
    )
    fee = (frame["yuan"] % 3800 == 0) & (frame["refunds"] == 0)
    frame["fees"] = fee.astype(int)
    frame["fee_yuan"] = frame["yuan"].where(fee, 0.0)
    return frame


def _uplines(tree_members: pd.DataFrame) -> dict[str, str | None]:
    return {
        k: (u if isinstance(u, str) else None)
        for k, u in zip(tree_members["person_key"], tree_members["upline"], strict=True)
    }


def test_money_flowing_up_the_line_finds_the_organiser_and_every_upline() -> None:
    # F paid D, who passed a share to B, who passed a share to A; C paid A
    transfers = _transfers(
        [
            ("F", "D", 1, 0, 3800.0, 0.0),
            ("D", "B", 1, 0, 3230.0, 0.0),
            ("B", "A", 1, 0, 2850.0, 0.0),
            ("C", "A", 1, 0, 11400.0, 0.0),
        ]
    )
    tree = recruitment_tree(_people(), _calls(), transfers, RULES)
    assert _uplines(tree.members) == UPLINE
    levels = dict(zip(tree.members["person_key"], tree.members["level"], strict=True))
    assert levels == {"A": 1, "B": 2, "C": 2, "D": 3, "E": 3, "F": 4}
    downline = dict(zip(tree.members["person_key"], tree.members["downline"], strict=True))
    assert downline == {"A": 5, "B": 3, "C": 0, "D": 1, "E": 0, "F": 0}
    roles = dict(zip(tree.members["person_key"], tree.members["role"], strict=True))
    assert roles["A"] == "organizer" and roles["B"] == "core" and roles["F"] == "member"
    # funds: entry fees paid to one's own upline, not the shares passed up
    assert tree.funds_collected == 3800 + 11400
    evidence = dict(zip(tree.members["person_key"], tree.members["evidence"], strict=True))
    assert "paid upline 1 time (3,800 yuan)" in evidence["F"]
    assert "8 calls with upline" in evidence["E"]


def test_without_money_the_invitation_calls_and_arrival_order_orient_the_links() -> None:
    # everyone but A came during the data: each first called by the recruiter the
    # day before they were first seen in the city
    arrival = {"A": START, "B": START + 5, "C": START + 9, "D": START + 14, "E": START + 20}
    arrival["F"] = START + 30
    calls = pd.DataFrame(
        [(up, down, 8, (arrival[down] - 1) * DAY) for down, up in UPLINE.items() if up],
        columns=["a", "b", "calls", "first_at"],
    )
    tree = recruitment_tree(_people(arrival), calls, _transfers([]), RULES)
    assert _uplines(tree.members) == UPLINE
    evidence = dict(zip(tree.members["person_key"], tree.members["evidence"], strict=True))
    assert "invitation" in evidence["F"] and "16 days after upline" in evidence["F"]


def test_refunds_to_members_anywhere_mark_the_organiser() -> None:
    # nothing else tells which end is the top: A hands back refunds to D and F
    transfers = _transfers([("A", "D", 1, 1, 19000.0, 19000.0), ("A", "F", 1, 1, 19000.0, 19000.0)])
    tree = recruitment_tree(_people(), _calls(), transfers, RULES)
    assert _uplines(tree.members) == UPLINE
    assert "paid refunds to 2 members" in tree.top_evidence


def test_a_stray_call_between_members_does_not_change_the_tree() -> None:
    transfers = _transfers([("F", "D", 1, 0, 3800.0, 0.0), ("B", "A", 1, 0, 2850.0, 0.0)])
    tree = recruitment_tree(_people(), _calls([("C", "F", 1), ("E", "D", 2)]), transfers, RULES)
    assert _uplines(tree.members) == UPLINE


def test_a_member_with_no_link_hangs_from_the_organiser() -> None:
    people = pd.concat(
        [_people(), pd.DataFrame({"person_key": ["G"], "first_day": [START]})], ignore_index=True
    )
    transfers = _transfers([("B", "A", 1, 0, 2850.0, 0.0), ("C", "A", 1, 0, 3800.0, 0.0)])
    tree = recruitment_tree(people, _calls(), transfers, RULES)
    uplines = _uplines(tree.members)
    assert uplines["G"] == "A"
    assert {k: v for k, v in uplines.items() if k != "G"} == UPLINE

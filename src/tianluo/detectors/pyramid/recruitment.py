"""One organisation's recruitment tree: which links are "recruited by", and who is on top.

A pure function of one group's people and the links among them, so that groups
can be spread over workers.

1. **Structure.** The links among the members (calls either way, transfers) are
   weighted by how much they carry, and the maximum-weight spanning tree is kept:
   a recruiter stays in touch with each recruit (invitations, calls once they are
   in the city, the entry fee), while members who merely share a den or a lecture
   rarely phone or pay each other. Refund-sized transfers weigh little: they flow
   from the organiser to members anywhere in the tree.
2. **Direction.** Each kept link gets evidence of its direction, "u recruited v":
   the yuan v paid u other than refunds (a recruit pays the entry fee to the
   recruiter, who passes the rest up the line, so money flows up; a thousand
   yuan weighs about as much as an invitation, a small sum little), a call between
   them before v was first seen in the city (the invitation; only for someone first
   seen more than ``arrival_slack_days`` into the data, who really came during
   it), and v first seen in the city more than ``arrival_slack_days`` after u.
   A refund the scheme hands back (``refund_amounts_yuan``) paid to a member who
   is not one's own neighbour in the tree is evidence of being the organiser.
3. **Top.** Choosing the organiser orients every link away from them; the
   organiser is the member whose orientation agrees with the most evidence
   (computed for every member at once by re-rooting). Ties (a link with no
   evidence of its own leaves its two ends tied) go to whoever took in the most
   money net of what they paid, then to the member with most links in the tree,
   then to the earliest first seen.

Levels count from the organiser (1); roles follow downline sizes; each member's
``evidence`` says why their upline is their upline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import (  # type: ignore[import-untyped]
    breadth_first_order,
    connected_components,
    minimum_spanning_tree,
)

from tianluo.rules.models import OrganizationRules

SECONDS_PER_DAY = 86_400
# Weights of the kinds of evidence, in units of "one clear sign".
LINK_PAYMENT_WEIGHT = 2.0  # structure: a transfer other than a refund, beside calls
LINK_REFUND_WEIGHT = 0.1  # structure: a refund (the organiser pays people anywhere)
PAYMENT_WEIGHT = 1.0  # direction: money paid up the line, per log1p of thousands of yuan
PAYMENT_UNIT_YUAN = 1000.0
INVITATION_WEIGHT = 2.0  # direction: calls before the recruit was first in the city
ARRIVAL_WEIGHT = 1.0  # direction: the recruit was first seen later
REFUND_WEIGHT = 2.0  # top: per member outside one's neighbours paid a refund


@dataclass(frozen=True, slots=True)
class Tree:
    """One organisation's members, uplines, levels, roles, evidence and money."""

    members: pd.DataFrame  # person_key, upline, level, downline, role, evidence
    funds_collected: float
    top_evidence: str  # why the organiser is on top


@dataclass(frozen=True, slots=True)
class _Links:
    """Per unordered pair (i < j) of member numbers: calls, first call, money each way."""

    i: npt.NDArray[np.int64]
    j: npt.NDArray[np.int64]
    calls: npt.NDArray[np.float64]
    first_call_day: npt.NDArray[np.float64]  # nan without calls
    paid_ij: npt.NDArray[np.float64]  # transfers i paid j, refunds excepted
    paid_ji: npt.NDArray[np.float64]
    yuan_ij: npt.NDArray[np.float64]  # their yuan
    yuan_ji: npt.NDArray[np.float64]
    refunds_ij: npt.NDArray[np.float64]
    refunds_ji: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Direction:
    """Per link: evidence that i recruited j (``i_up``) and the reverse, and invitations."""

    i_up: npt.NDArray[np.float64]
    j_up: npt.NDArray[np.float64]
    invited_i: npt.NDArray[np.bool_]  # i first called before i came into the city
    invited_j: npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class _Evidence:
    """One group's links, the spanning ones, and the evidence of direction and top."""

    keys: list[str]
    links: _Links
    tree: npt.NDArray[np.bool_]  # per link: kept in the spanning tree
    direction: _Direction
    first_day: npt.NDArray[np.float64]  # per member
    refunds: npt.NDArray[np.float64]  # per member: refunds paid outside their neighbours


def _pair_links(keys: list[str], calls: pd.DataFrame, transfers: pd.DataFrame) -> _Links:
    index = pd.Index(keys)
    parts = []
    if len(calls):
        a = index.get_indexer(pd.Index(calls["a"]))
        b = index.get_indexer(pd.Index(calls["b"]))
        parts.append(
            pd.DataFrame(
                {
                    "i": np.minimum(a, b),
                    "j": np.maximum(a, b),
                    "calls": calls["calls"].to_numpy(np.float64),
                    "first_call_day": np.floor(
                        calls["first_at"].to_numpy(np.float64) / SECONDS_PER_DAY
                    ),
                }
            )[(a >= 0) & (b >= 0) & (a != b)]
        )
    if len(transfers):
        payer = index.get_indexer(pd.Index(transfers["payer"]))
        payee = index.get_indexer(pd.Index(transfers["payee"]))
        forward = payer < payee
        paid = (transfers["transfers"] - transfers["refunds"]).to_numpy(np.float64)
        yuan = (transfers["yuan"] - transfers["refund_yuan"]).to_numpy(np.float64)
        refunds = transfers["refunds"].to_numpy(np.float64)
        parts.append(
            pd.DataFrame(
                {
                    "i": np.minimum(payer, payee),
                    "j": np.maximum(payer, payee),
                    "paid_ij": np.where(forward, paid, 0.0),
                    "paid_ji": np.where(forward, 0.0, paid),
                    "yuan_ij": np.where(forward, yuan, 0.0),
                    "yuan_ji": np.where(forward, 0.0, yuan),
                    "refunds_ij": np.where(forward, refunds, 0.0),
                    "refunds_ji": np.where(forward, 0.0, refunds),
                }
            )[(payer >= 0) & (payee >= 0) & (payer != payee)]
        )
    columns = ["calls", "paid_ij", "paid_ji", "yuan_ij", "yuan_ji", "refunds_ij", "refunds_ji"]
    if not parts:
        empty = np.zeros(0)
        return _Links(np.zeros(0, np.int64), np.zeros(0, np.int64), *([empty] * 8))
    frame = pd.concat(parts, ignore_index=True)
    for column in [*columns, "first_call_day"]:
        if column not in frame:
            frame[column] = np.nan if column == "first_call_day" else 0.0
    sums = frame.groupby(["i", "j"])[columns].sum(min_count=1).fillna(0.0)
    first = frame.groupby(["i", "j"])["first_call_day"].min()
    sums = sums.join(first).reset_index()
    return _Links(
        sums["i"].to_numpy(np.int64),
        sums["j"].to_numpy(np.int64),
        sums["calls"].to_numpy(np.float64),
        sums["first_call_day"].to_numpy(np.float64),
        sums["paid_ij"].to_numpy(np.float64),
        sums["paid_ji"].to_numpy(np.float64),
        sums["yuan_ij"].to_numpy(np.float64),
        sums["yuan_ji"].to_numpy(np.float64),
        sums["refunds_ij"].to_numpy(np.float64),
        sums["refunds_ji"].to_numpy(np.float64),
    )


def _spanning_links(n: int, links: _Links) -> npt.NDArray[np.bool_]:
    """Which links the maximum-weight spanning forest keeps."""
    weight = (
        np.log1p(links.calls)
        + LINK_PAYMENT_WEIGHT * np.log1p(links.paid_ij + links.paid_ji)
        + LINK_REFUND_WEIGHT * (links.refunds_ij + links.refunds_ji)
    )
    keep = np.zeros(len(weight), dtype=bool)
    if not len(weight):
        return keep
    # any decreasing map of the weights gives the same tree; strictly positive costs
    # (a zero would read as "no edge"), ties broken by link order
    cost = 1.0 / (1.0 + weight) + np.arange(len(weight)) * 1e-12
    forest = minimum_spanning_tree(coo_matrix((cost, (links.i, links.j)), shape=(n, n))).tocoo()
    chosen = set(zip(forest.row.tolist(), forest.col.tolist(), strict=True))
    for k, (i, j) in enumerate(zip(links.i.tolist(), links.j.tolist(), strict=True)):
        keep[k] = (i, j) in chosen or (j, i) in chosen
    return keep


def _came_during_data(first_day: npt.NDArray[np.float64], slack_days: int) -> npt.NDArray[np.bool_]:
    """Per member: first seen more than ``slack_days`` after the group's first day seen.

    Someone seen from (about) the start of the data was already in the city; a first
    sighting a day later is a phone with no fix that day, not an arrival.
    """
    start = np.nanmin(first_day) if np.isfinite(first_day).any() else np.nan
    came: npt.NDArray[np.bool_] = first_day - start > slack_days  # nan compares false
    return came


def _direction(
    links: _Links, first_day: npt.NDArray[np.float64], rules: OrganizationRules
) -> _Direction:
    """Evidence that i recruited j, and that j recruited i, per link."""
    fi, fj = first_day[links.i], first_day[links.j]
    came = _came_during_data(first_day, rules.arrival_slack_days)
    invited_j = (links.first_call_day < fj) & (fi < fj) & came[links.j]  # nan compares false
    invited_i = (links.first_call_day < fi) & (fj < fi) & came[links.i]
    later_j = fj - fi > rules.arrival_slack_days
    later_i = fi - fj > rules.arrival_slack_days
    i_up = (
        PAYMENT_WEIGHT * np.log1p(links.yuan_ji / PAYMENT_UNIT_YUAN)
        + INVITATION_WEIGHT * invited_j
        + ARRIVAL_WEIGHT * later_j
    )
    j_up = (
        PAYMENT_WEIGHT * np.log1p(links.yuan_ij / PAYMENT_UNIT_YUAN)
        + INVITATION_WEIGHT * invited_i
        + ARRIVAL_WEIGHT * later_i
    )
    return _Direction(i_up, j_up, invited_i, invited_j)


def _refund_evidence(n: int, links: _Links, tree: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Per member: members outside their tree neighbours they paid a refund to."""
    outside = ~tree
    paid_by_i = outside & (links.refunds_ij > 0)
    paid_by_j = outside & (links.refunds_ji > 0)
    counts = np.bincount(links.i[paid_by_i], minlength=n) + np.bincount(
        links.j[paid_by_j], minlength=n
    )
    return np.asarray(counts, np.float64)


def _root_scores(
    n: int,
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    i_up: npt.NDArray[np.float64],
    j_up: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Evidence agreeing with each member on top (per component), and component labels."""
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)).tocsr()
    graph = graph + graph.T
    _, labels = connected_components(graph, directed=False)
    agree = {(a, b): w for a, b, w in zip(i.tolist(), j.tolist(), i_up.tolist(), strict=True)}
    agree |= {(b, a): w for a, b, w in zip(i.tolist(), j.tolist(), j_up.tolist(), strict=True)}
    score = np.zeros(n)
    done = np.zeros(n, dtype=bool)
    for start in range(n):
        if done[start]:
            continue
        order, parent = breadth_first_order(graph, start, directed=False)
        total = sum(agree[(int(parent[v]), int(v))] for v in order[1:])
        score[start] = total
        for v in order[1:]:  # moving the top across one link flips just that link
            p = int(parent[v])
            score[v] = score[p] - agree[(p, int(v))] + agree[(int(v), p)]
        done[order] = True
    return score, np.asarray(labels, np.int64)


def recruitment_tree(
    people: pd.DataFrame, calls: pd.DataFrame, transfers: pd.DataFrame, rules: OrganizationRules
) -> Tree:
    """The tree of one organisation (see the module docstring).

    ``people``: person_key, first_day. ``calls``: a, b, calls, first_at (local
    seconds of the first call either way). ``transfers``: payer, payee, transfers,
    fees, fee_yuan, refunds, yuan, refund_yuan.
    """
    keys = sorted(people["person_key"].astype(str))
    n = len(keys)
    first_day = (
        people.set_index("person_key")["first_day"]
        .reindex(keys)
        .to_numpy(np.float64, na_value=np.nan)
    )
    links = _pair_links(keys, calls, transfers)
    tree = _spanning_links(n, links)
    direction = _direction(links, first_day, rules)
    refunds = _refund_evidence(n, links, tree)
    score, component = _root_scores(
        n, links.i[tree], links.j[tree], direction.i_up[tree], direction.j_up[tree]
    )
    score = score + REFUND_WEIGHT * refunds
    net = (
        np.bincount(links.j, links.yuan_ij, minlength=n)
        + np.bincount(links.i, links.yuan_ji, minlength=n)
        - np.bincount(links.i, links.yuan_ij, minlength=n)
        - np.bincount(links.j, links.yuan_ji, minlength=n)
    )
    earliest = np.nan_to_num(first_day, nan=np.inf)
    degree = np.bincount(links.i[tree], minlength=n) + np.bincount(links.j[tree], minlength=n)
    # the organiser: best score; then most money taken in net (money flows up, and a
    # link with no evidence of its own leaves the two ends tied); then most links
    # in the tree; then first seen; then key
    order = np.lexsort((np.arange(n), earliest, -degree, -np.round(net, 2), -np.round(score, 9)))
    organiser = int(order[0])
    # each further component hangs from the organiser by its own best member
    tops = {int(component[organiser]): organiser}
    for member in order.tolist():
        tops.setdefault(int(component[member]), member)
    upline = _orient(n, links.i[tree], links.j[tree], list(tops.values()), organiser)
    evidence = _Evidence(keys, links, tree, direction, first_day, refunds)
    return _finish(evidence, upline, organiser, transfers, rules)


def _orient(
    n: int,
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    tops: list[int],
    organiser: int,
) -> npt.NDArray[np.int64]:
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)).tocsr()
    graph = graph + graph.T
    upline = np.full(n, -1, np.int64)
    for top in tops:
        order, parent = breadth_first_order(graph, top, directed=False)
        upline[order[1:]] = parent[order[1:]]
        if top != organiser:
            upline[top] = organiser
    return upline


def _levels(upline: npt.NDArray[np.int64], organiser: int) -> npt.NDArray[np.int64]:
    level = np.zeros(len(upline), np.int64)
    level[organiser] = 1
    for start in range(len(upline)):
        path = []
        member = start
        while level[member] == 0:
            path.append(member)
            member = int(upline[member])
        for step in reversed(path):
            level[step] = level[int(upline[step])] + 1
    return level


def _downlines(
    upline: npt.NDArray[np.int64], level: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    down = np.zeros(len(upline), np.int64)
    for member in np.argsort(-level, kind="stable").tolist():
        if upline[member] >= 0:
            down[upline[member]] += down[member] + 1
    return down


def _link_evidence(  # noqa: PLR0917 (one link's figures, read from its columns)
    links: _Links, k: int, up_is_i: bool, day_gap: float, invited: bool, slack: int
) -> str:
    calls = int(links.calls[k])
    paid = links.paid_ji[k] if up_is_i else links.paid_ij[k]
    yuan = links.yuan_ji[k] if up_is_i else links.yuan_ij[k]
    parts = [f"{calls} call{'s' if calls != 1 else ''} with upline"] if calls else []
    if paid:
        parts.append(f"paid upline {int(paid)} time{'s' if paid != 1 else ''} ({yuan:,.0f} yuan)")
    if invited:
        parts.append("first call before first seen in the city (invitation)")
    if day_gap > slack:
        parts.append(f"first seen {day_gap:.0f} days after upline")
    return "; ".join(parts) if parts else "linked to upline"


def _finish(
    group: _Evidence,
    upline: npt.NDArray[np.int64],
    organiser: int,
    transfers: pd.DataFrame,
    rules: OrganizationRules,
) -> Tree:
    keys, links, tree, first_day = group.keys, group.links, group.tree, group.first_day
    direction = group.direction
    level = _levels(upline, organiser)
    downline = _downlines(upline, level)
    pair = {
        (a, b): k for k, (a, b) in enumerate(zip(links.i.tolist(), links.j.tolist(), strict=True))
    }
    evidence = []
    for member, up in enumerate(upline.tolist()):
        k = pair.get((min(member, up), max(member, up))) if up >= 0 else None
        if up < 0:
            evidence.append("")
        elif k is None:
            evidence.append("no link inside the organisation: placed under the organiser")
        else:
            gap = float(first_day[member] - first_day[up])
            up_is_i = up < member
            invited = bool(direction.invited_j[k] if up_is_i else direction.invited_i[k])
            evidence.append(
                _link_evidence(links, k, up_is_i, gap, invited, rules.arrival_slack_days)
            )
    members = pd.DataFrame(
        {
            "person_key": keys,
            "upline": [keys[u] if u >= 0 else None for u in upline.tolist()],
            "level": level,
            "downline": downline,
            "role": [_role(m == organiser, int(d), rules) for m, d in enumerate(downline.tolist())],
            "evidence": evidence,
        }
    ).sort_values(["level", "person_key"], ignore_index=True)
    direct = transfers.merge(
        members[["person_key", "upline"]], left_on="payer", right_on="person_key"
    )
    first_payments = direct[(direct["payee"] == direct["upline"]) & (direct["fees"] > 0)]
    agreeing = float(
        np.sum(
            np.where(
                upline[links.i[tree]] == links.j[tree], direction.j_up[tree], direction.i_up[tree]
            )
        )
    )
    top = [f"links oriented away from this member agree with {agreeing:.1f} units of evidence"]
    if group.refunds[organiser]:
        top.append(f"paid refunds to {int(group.refunds[organiser])} members not recruited by them")
    return Tree(members, float(first_payments["fee_yuan"].sum()), "; ".join(top))


def _role(top: bool, downline: int, rules: OrganizationRules) -> str:
    if top:
        return "organizer"
    if downline >= rules.leader_min_downline:
        return "leader"
    if downline >= rules.core_min_downline:
        return "core"
    return "member"

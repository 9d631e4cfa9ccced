"""Organisations: suspects linked into groups, and each group's recruitment tree.

Links (between suspects scoring at least ``member_min_score``): repeated calls
either way and fee-schedule transfers. An organisation is a connected group of
``min_members`` or more. (Sharing a den is not a link: dens of several
organisations share compounds, and chaining through them merged organisations.)

Inside one organisation (``recruitment_tree``, a pure function of that group's
people and links, so that groups can be spread over workers), each link is
oriented into "recruited by":

* *seniority*: people are ordered by the day they were first seen in the city
  (recruits arrive after their recruiter; ``arrival_slack_days`` tolerates
  noise), then by the fee money they took in net of what they paid (fees flow
  up the line, so the organiser nets the most);
* each person's upline is the linked person senior to them with the strongest
  evidence: calls, fee-schedule transfers they paid that person (a recruit pays
  the recruiter, who passes the rest up), earlier arrival; refunds (which flow
  down from the organiser) are not used. The most senior person is the
  organiser; anyone with no senior link hangs from the organiser.

Levels count from the organiser (1); roles follow the downline sizes of the
rules file; the criminal-threshold test counts every member and every level.
``funds_collected`` is the fee-schedule money paid within the organisation by
its members to their uplines (first payments, not passed-up shares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from tianluo.detectors.outputs import read_derived
from tianluo.engine import Engine
from tianluo.rules.models import OrganizationRules

ARRIVAL_WEIGHT = 3.0
REPEATED_CALLS = 2
PAYMENT_WEIGHT = 4.0


@dataclass(frozen=True, slots=True)
class Tree:
    """One organisation's members, uplines, levels, roles and money."""

    members: pd.DataFrame  # person_key, upline, level, downline, role
    funds_collected: float


def organisation_groups(people: pd.Series, links: pd.DataFrame, min_members: int) -> pd.Series:
    """An organisation number per person (``-1`` outside any large-enough group).

    ``links`` has columns ``a`` and ``b`` (person keys); links to people outside
    ``people`` are ignored.
    """
    index = pd.Index(people)
    a = index.get_indexer(links["a"])
    b = index.get_indexer(links["b"])
    keep = (a >= 0) & (b >= 0)
    n = len(index)
    graph = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels) if n else np.zeros(0, np.int64)
    # number groups by size (largest first), then by their smallest key: stable across runs
    order: dict[int, int] = {}
    firsts = pd.Series(index).groupby(labels).min()
    ranked = sorted(
        (label for label in range(len(sizes)) if sizes[label] >= min_members),
        key=lambda label: (-sizes[label], firsts[label]),
    )
    for number, label in enumerate(ranked):
        order[label] = number
    return pd.Series([order.get(int(x), -1) for x in labels], index=index, dtype=np.int64)


def recruitment_tree(
    people: pd.DataFrame, calls: pd.DataFrame, transfers: pd.DataFrame, rules: OrganizationRules
) -> Tree:
    """The tree of one organisation.

    ``people``: person_key, first_day, fees_received_yuan, fees_paid_yuan.
    ``calls``: a, b, calls (either direction). ``transfers``: payer, payee, fees, fee_yuan.
    """
    people = people.assign(net=people["fees_received_yuan"] - people["fees_paid_yuan"]).sort_values(
        ["first_day", "net", "person_key"], ascending=[True, False, True]
    )
    keys = people["person_key"].tolist()
    rank = {k: i for i, k in enumerate(keys)}
    first = dict(zip(keys, people["first_day"].tolist(), strict=True))
    evidence: dict[tuple[str, str], float] = {}  # (upline, recruit) -> weight

    def add(upline: str, recruit: str, weight: float) -> None:
        if upline in rank and recruit in rank and rank[upline] < rank[recruit]:
            evidence[(upline, recruit)] = evidence.get((upline, recruit), 0.0) + weight

    for a, b, n in calls[["a", "b", "calls"]].itertuples(index=False):
        up, down = (a, b) if rank.get(a, 1 << 30) < rank.get(b, 1 << 30) else (b, a)
        add(up, down, float(np.log1p(n)))
    for payer, payee, fees in transfers[["payer", "payee", "fees"]].itertuples(index=False):
        if fees > 0:
            add(payee, payer, PAYMENT_WEIGHT)
    for (up, down), _ in list(evidence.items()):
        if first[down] - first[up] > rules.arrival_slack_days:
            evidence[(up, down)] += ARRIVAL_WEIGHT
    upline: dict[str, str | None] = {keys[0]: None}
    best: dict[str, tuple[float, int, str]] = {}
    for (up, down), weight in evidence.items():
        candidate = (weight, -rank[up], up)
        if down not in best or candidate > best[down]:
            best[down] = candidate
    for key in keys[1:]:
        upline[key] = best[key][2] if key in best else keys[0]
    level: dict[str, int] = {}
    for key in keys:  # seniors first, so an upline's level is known
        parent = upline[key]
        level[key] = 1 if parent is None else level[parent] + 1
    downline = dict.fromkeys(keys, 0)
    for key in reversed(keys):
        parent = upline[key]
        if parent is not None:
            downline[parent] += downline[key] + 1
    members = pd.DataFrame(
        {
            "person_key": keys,
            "upline": [upline[k] for k in keys],
            "level": [level[k] for k in keys],
            "downline": [downline[k] for k in keys],
        }
    )
    members["role"] = [_role(upline[k] is None, downline[k], rules) for k in keys]
    direct = transfers.merge(
        members[["person_key", "upline"]], left_on="payer", right_on="person_key"
    )
    first_payments = direct[(direct["payee"] == direct["upline"]) & (direct["fees"] > 0)]
    return Tree(members, float(first_payments["fee_yuan"].sum()))


def _role(top: bool, downline: int, rules: OrganizationRules) -> str:
    if top:
        return "organizer"
    if downline >= rules.leader_min_downline:
        return "leader"
    if downline >= rules.core_min_downline:
        return "core"
    return "member"


def org_tables(trees: list[Tree], rules: OrganizationRules) -> tuple[pa.Table, pa.Table]:
    """The contract's ``organizations`` and ``org_summary`` from the trees."""
    rows: list[dict[str, object]] = []
    summary: list[dict[str, object]] = []
    for number, tree in enumerate(trees):
        org_id = f"ORG-{number + 1:04d}"
        members = tree.members
        for record in members.to_dict("records"):
            upline = record["upline"]
            rows.append(
                {
                    "org_id": org_id,
                    "id_number": str(record["person_key"]),
                    "upline_id_number": upline if isinstance(upline, str) else None,
                    "level": int(record["level"]),
                    "role": str(record["role"]),
                    "downline": int(record["downline"]),
                }
            )
        levels = int(members["level"].max())
        size = len(members)
        summary.append(
            {
                "org_id": org_id,
                "members": size,
                "levels": levels,
                "top_id_number": members.loc[members["level"] == 1, "person_key"].iloc[0],
                "meets_criminal_threshold": size >= rules.threshold_members
                and levels >= rules.threshold_levels,
                "funds_collected": round(tree.funds_collected, 2),
            }
        )
    organizations = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("org_id", pa.string()),
                ("id_number", pa.string()),
                ("upline_id_number", pa.string()),
                ("level", pa.int64()),
                ("role", pa.string()),
                ("downline", pa.int64()),
            ]
        ),
    )
    summaries = pa.Table.from_pylist(
        summary,
        schema=pa.schema(
            [
                ("org_id", pa.string()),
                ("members", pa.int64()),
                ("levels", pa.int64()),
                ("top_id_number", pa.string()),
                ("meets_criminal_threshold", pa.bool_()),
                ("funds_collected", pa.float64()),
            ]
        ),
    )
    return organizations, summaries


def member_links(engine: Engine, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Calls (a, b, calls) and transfers (payer, payee, fees, fee_yuan) among ``keys``."""
    table = engine.register(
        "organization_members", pa.table({"person_key": pa.array(keys, pa.string())})
    )
    calls = pd.DataFrame({"a": [], "b": [], "calls": []})
    if engine.has_source("calls"):
        links = read_derived(engine, "call_links")
        among = links.semi_join(table.select(caller_key=table.person_key), "caller_key").semi_join(
            table.select(callee_key=table.person_key), "callee_key"
        )
        frame = engine.to_arrow(among.select("caller_key", "callee_key", "calls")).to_pandas()
        frame["a"] = frame[["caller_key", "callee_key"]].min(axis=1)
        frame["b"] = frame[["caller_key", "callee_key"]].max(axis=1)
        calls = frame.groupby(["a", "b"], as_index=False)["calls"].sum()
    transfers = pd.DataFrame({"payer": [], "payee": [], "fees": [], "fee_yuan": []})
    if engine.has_source("transactions") and engine.has_source("accounts"):
        links = read_derived(engine, "transfer_links")
        among = links.semi_join(table.select(payer_key=table.person_key), "payer_key").semi_join(
            table.select(payee_key=table.person_key), "payee_key"
        )
        frame = engine.to_arrow(
            among.select("payer_key", "payee_key", "transfers", "fees", "fee_yuan")
        ).to_pandas()
        transfers = frame.rename(columns={"payer_key": "payer", "payee_key": "payee"})
        transfers["fee_yuan"] = transfers["fee_yuan"].astype(float)
    return calls, transfers


def build_organizations(
    engine: Engine, profile: pd.DataFrame, rules: OrganizationRules
) -> list[Tree]:
    """Every organisation of suspects, largest first, with its recruitment tree."""
    members = profile[profile["score"] >= rules.member_min_score]
    keys = sorted(members["person_key"].astype(str))
    calls, transfers = member_links(engine, keys)
    # links that bind an organisation: repeated calls and fee payments. Sharing a den is
    # not used: dens of several organisations share compounds, and the chain merged them
    fee_links = transfers[transfers["fees"] > 0].rename(columns={"payer": "a", "payee": "b"})
    links = pd.concat(
        [
            calls.loc[calls["calls"] >= REPEATED_CALLS, ["a", "b"]],
            fee_links[["a", "b"]],
        ]
    )
    groups = organisation_groups(pd.Series(keys), links, rules.min_members)
    first_day = members.set_index("person_key")["first_day"]
    trees = []
    for number in range(int(groups.max()) + 1 if len(groups) else 0):
        people = groups.index[groups.to_numpy() == number].tolist()
        inside = set(people)
        their_calls = calls[calls["a"].isin(inside) & calls["b"].isin(inside)]
        their_transfers = transfers[
            transfers["payer"].isin(inside) & transfers["payee"].isin(inside)
        ]
        fees = their_transfers[their_transfers["fees"] > 0]
        received = fees.groupby("payee")["fee_yuan"].sum()
        paid = fees.groupby("payer")["fee_yuan"].sum()
        frame = pd.DataFrame(
            {
                "person_key": people,
                "first_day": first_day.reindex(people).to_numpy(),
                "fees_received_yuan": received.reindex(people).fillna(0.0).to_numpy(),
                "fees_paid_yuan": paid.reindex(people).fillna(0.0).to_numpy(),
            }
        )
        trees.append(recruitment_tree(frame, their_calls, their_transfers, rules))
    return trees

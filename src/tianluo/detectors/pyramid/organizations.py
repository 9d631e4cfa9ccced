"""Organisations: suspects linked into groups, and each group's recruitment tree.

Members are the suspects scoring at least ``member_min_score`` and the people
below the score who hold them together (``org_members``). They are grouped by
their calls and transfers (``org_groups``: money binds, calls alone only
attach). An organisation is a group of ``min_members`` or more whose members
paid each other at least ``min_fee_transfers`` fee-schedule transfers. (Sharing
a den is not a link: dens of several organisations share compounds, and
chaining through them merged organisations.)

Inside one organisation, ``recruitment.recruitment_tree`` (a pure function of
that group's people and links, so that groups can be spread over workers) keeps
the links that carry the recruitment and orients them into "recruited by".

The criminal-threshold test counts every member and every level (the organiser
and the organiser's level included). ``funds_collected`` is the fee-schedule
money paid within the organisation by its members to their uplines (first
payments, not passed-up shares).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.detectors.outputs import read_derived
from tianluo.detectors.pyramid.org_groups import organisation_groups
from tianluo.detectors.pyramid.org_members import attached_people
from tianluo.detectors.pyramid.recruitment import Tree, recruitment_tree
from tianluo.engine import Engine
from tianluo.rules.models import OrganizationRules


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
                    "evidence": str(record["evidence"]),
                }
            )
        levels = int(members["level"].max())
        size = len(members)
        meets = size >= rules.threshold_members and levels >= rules.threshold_levels
        reasons = [
            f"{size} members in {levels} levels: the criminal threshold "
            f"({rules.threshold_members} members, {rules.threshold_levels} levels) is "
            + ("met" if meets else "not met"),
            f"organiser: {tree.top_evidence}",
            f"{tree.funds_collected:,.0f} yuan of entry fees paid to uplines by transfer",
        ]
        summary.append(
            {
                "org_id": org_id,
                "members": size,
                "levels": levels,
                "top_id_number": members.loc[members["level"] == 1, "person_key"].iloc[0],
                "meets_criminal_threshold": meets,
                "funds_collected": round(tree.funds_collected, 2),
                "reasons": "; ".join(reasons),
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
                ("evidence", pa.string()),
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
                ("reasons", pa.string()),
            ]
        ),
    )
    return organizations, summaries


def member_links(engine: Engine, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Calls (a, b, calls) and transfers (payer, payee, fees, fee_yuan) among ``keys``."""
    table = engine.register(
        "organization_members", pa.table({"person_key": pa.array(keys, pa.string())})
    )
    calls = pd.DataFrame({"a": [], "b": [], "calls": [], "first_at": []})
    if engine.has_source("calls"):
        links = read_derived(engine, "call_links")
        among = links.semi_join(table.select(caller_key=table.person_key), "caller_key").semi_join(
            table.select(callee_key=table.person_key), "callee_key"
        )
        frame = engine.to_arrow(
            among.select("caller_key", "callee_key", "calls", "first_at")
        ).to_pandas()
        frame["a"] = frame[["caller_key", "callee_key"]].min(axis=1)
        frame["b"] = frame[["caller_key", "callee_key"]].max(axis=1)
        calls = frame.groupby(["a", "b"], as_index=False).agg(
            calls=("calls", "sum"), first_at=("first_at", "min")
        )
    columns = ["transfers", "yuan", "fees", "fee_yuan", "refunds", "refund_yuan"]
    transfers = pd.DataFrame({c: [] for c in ["payer", "payee", *columns]})
    if engine.has_source("transactions") and engine.has_source("accounts"):
        links = read_derived(engine, "transfer_links")
        among = links.semi_join(table.select(payer_key=table.person_key), "payer_key").semi_join(
            table.select(payee_key=table.person_key), "payee_key"
        )
        frame = engine.to_arrow(among.select("payer_key", "payee_key", *columns)).to_pandas()
        transfers = frame.rename(columns={"payer_key": "payer", "payee_key": "payee"})
        for column in ("yuan", "fee_yuan", "refund_yuan"):
            transfers[column] = transfers[column].astype(float)
    return calls, transfers


TREE_SCHEMA = pa.schema(
    [
        ("group", pa.int64()),
        ("person_key", pa.string()),
        ("upline", pa.string()),
        ("level", pa.int64()),
        ("downline", pa.int64()),
        ("role", pa.string()),
        ("evidence", pa.string()),
        ("funds_collected", pa.float64()),
        ("top_evidence", pa.string()),
    ]
)
CALL_COLUMNS = ["calls", "first_at"]
TRANSFER_COLUMNS = ["transfers", "fees", "fee_yuan", "refunds", "yuan", "refund_yuan"]


def build_organizations(
    engine: Engine, profile: pd.DataFrame, rules: OrganizationRules
) -> list[Tree]:
    """Every organisation of suspects, largest first, with its recruitment tree.

    The trees are built one group at a time by ``engine.map_groups``: in turn on
    DuckDB, spread over the workers on Spark.
    """
    suspects = sorted(profile.loc[profile["score"] >= rules.member_min_score, "person_key"])
    attached = attached_people(engine, profile, suspects, rules)
    keys = sorted({*suspects, *attached["person_key"]})
    members = profile[profile["person_key"].isin(keys)]
    calls, transfers = member_links(engine, keys)
    # sharing a den is not a link: dens of several organisations share compounds
    groups = organisation_groups(pd.Series(keys), calls, transfers, rules.min_members)
    inputs = group_inputs(groups, members.set_index("person_key")["first_day"], calls, transfers)
    fees = inputs[inputs["kind"] == "transfer"].groupby("group")["fees"].sum()
    # linked people who never paid each other an entry fee are not an organisation
    paying = fees.index[fees >= rules.min_fee_transfers]
    inputs = inputs[inputs["group"].isin(paying)]
    rows = engine.map_groups(inputs, "group", partial(tree_rows, rules=rules), TREE_SCHEMA)
    trees = []
    for _, tree in rows.groupby("group", sort=True):
        first = tree.iloc[0]
        members_of = tree.drop(columns=["group", "funds_collected", "top_evidence"])
        members_of = members_of.sort_values(["level", "person_key"], ignore_index=True)
        found = Tree(members_of, float(first["funds_collected"]), str(first["top_evidence"]))
        trees.append(_cite_attachment(found, attached))
    return trees


def group_inputs(
    groups: pd.Series, first_day: pd.Series, calls: pd.DataFrame, transfers: pd.DataFrame
) -> pd.DataFrame:
    """One long frame of every group's people, calls and transfers (``kind`` says which).

    Columns: group, kind, a, b (person keys; payer and payee for a transfer), then
    first_day (people), ``CALL_COLUMNS`` and ``TRANSFER_COLUMNS``.
    """
    grouped = groups[groups >= 0]
    people = pd.DataFrame(
        {
            "group": grouped.to_numpy(),
            "kind": "person",
            "a": grouped.index.astype(str),
            "b": "",
            "first_day": first_day.reindex(grouped.index).to_numpy(np.float64),
        }
    )
    ga, gb = calls["a"].map(grouped), calls["b"].map(grouped)
    inside = calls[ga.notna() & (ga == gb)]
    their_calls = inside.assign(group=ga[ga.notna() & (ga == gb)], kind="call")
    pa_, pb_ = transfers["payer"].map(grouped), transfers["payee"].map(grouped)
    paid = pa_.notna() & (pa_ == pb_)
    their_transfers = transfers[paid].rename(columns={"payer": "a", "payee": "b"})
    their_transfers = their_transfers.assign(group=pa_[paid], kind="transfer")
    frame = pd.concat([people, their_calls, their_transfers], ignore_index=True)
    numbers = ["first_day", *CALL_COLUMNS, *TRANSFER_COLUMNS]
    for column in numbers:
        frame[column] = frame[column].astype(np.float64) if column in frame else np.nan
    frame["group"] = frame["group"].astype(np.int64)
    return frame[["group", "kind", "a", "b", *numbers]]


def tree_rows(group: pd.DataFrame, rules: OrganizationRules) -> pd.DataFrame:
    """One group's tree as rows of ``TREE_SCHEMA`` (the function ``map_groups`` spreads)."""
    people = group[group["kind"] == "person"].rename(columns={"a": "person_key"})
    calls = group[group["kind"] == "call"][["a", "b", *CALL_COLUMNS]]
    transfers = group[group["kind"] == "transfer"].rename(columns={"a": "payer", "b": "payee"})
    tree = recruitment_tree(
        people[["person_key", "first_day"]],
        calls,
        transfers[["payer", "payee", *TRANSFER_COLUMNS]],
        rules,
    )
    return tree.members.assign(
        group=int(group["group"].iloc[0]),
        funds_collected=tree.funds_collected,
        top_evidence=tree.top_evidence,
    )


def _cite_attachment(tree: Tree, attached: pd.DataFrame) -> Tree:
    """Say, for the members added by their calls, why they are in."""
    called = dict(zip(attached["person_key"], attached["members_linked"], strict=True))
    members = tree.members.copy()
    evidence = []
    for key, why in zip(members["person_key"], members["evidence"], strict=True):
        parts = [why] if why else []
        if key in called:
            note = f"below the suspect score; linked by calls or money to {called[key]} members"
            parts.insert(0, note)
        evidence.append("; ".join(parts))
    members["evidence"] = evidence
    return replace(tree, members=members)

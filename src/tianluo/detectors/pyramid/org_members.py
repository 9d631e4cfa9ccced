"""Who belongs to the organisations: the suspects, and the people who hold them together.

Members are the suspects scoring at least ``member_min_score``. Some people at
the heart of an organisation score low on their own behaviour: an organiser
lives apart from the dens and no longer sits in the lectures, yet stays in
sustained phone contact with the people they recruited and takes in their
money. Such a person is added when they live in the city (at least
``attach_min_days_in_city`` days seen), come from another province, had at least
``attach_min_calls`` calls (either way) with a member, and are linked that way or
by transfers to ``attach_min_suspects`` or more members (one is enough if their
own score reaches ``attach_min_score``). Rounds repeat while they add someone, so
a person held in by someone added in the round before is found too.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from tianluo.detectors.outputs import read_derived
from tianluo.engine import Engine
from tianluo.rules.models import OrganizationRules

ATTACH_ROUNDS = 3


def _partners(
    engine: Engine, members: ir.Table, derived: str, ends: tuple[str, str], weight: str
) -> ir.Table:
    """Per (member, other person) pair of a derived link table, ``weight`` summed both ways."""
    one, other = ends
    links = read_derived(engine, derived)
    out = links.semi_join(members.select(**{one: members.person_key}), one).select(
        member=links[one], other=links[other], weight=links[weight]
    )
    into = links.semi_join(members.select(**{other: members.person_key}), other).select(
        member=links[other], other=links[one], weight=links[weight]
    )
    both = out.union(into)
    return both.group_by(["member", "other"]).aggregate(weight=both.weight.sum())


def member_partners(engine: Engine, members: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everyone the members phoned or exchanged money with.

    Two frames with columns ``member``, ``other``, ``weight``: calls either way,
    and transfers either way.
    """
    empty = pd.DataFrame({"member": [], "other": [], "weight": []})
    table = engine.register(
        "organization_candidates", pa.table({"person_key": pa.array(members, pa.string())})
    )
    calls = transfers = empty
    if engine.has_source("calls") and members:
        pairs = _partners(engine, table, "call_links", ("caller_key", "callee_key"), "calls")
        calls = engine.to_arrow(pairs).to_pandas()
    if engine.has_source("transactions") and engine.has_source("accounts") and members:
        pairs = _partners(engine, table, "transfer_links", ("payer_key", "payee_key"), "transfers")
        transfers = engine.to_arrow(pairs).to_pandas()
    return calls, transfers


def attached_people(
    engine: Engine, profile: pd.DataFrame, members: list[str], rules: OrganizationRules
) -> pd.DataFrame:
    """People to add to the members: ``person_key``, ``members_linked`` (see the module)."""
    people = profile.set_index("person_key")
    resident = (people["days_in_city"].fillna(0) >= rules.attach_min_days_in_city) & (
        people["out_of_province"].fillna(0) > 0
    )
    calls, transfers = member_partners(engine, members)
    inside = set(members)
    chosen: dict[str, int] = {}
    for _ in range(ATTACH_ROUNDS):
        strong = calls[(calls["weight"] >= rules.attach_min_calls) & ~calls["other"].isin(inside)]
        paid = transfers[transfers["other"].isin(set(strong["other"]))]
        linked = (
            pd.concat([strong[["member", "other"]], paid[["member", "other"]]])
            .drop_duplicates()
            .groupby("other")["member"]
            .nunique()
        )
        score = people["score"].reindex(linked.index).fillna(0.0)
        lives_here = resident.reindex(linked.index, fill_value=False)
        new = linked[
            lives_here & ((linked >= rules.attach_min_suspects) | (score >= rules.attach_min_score))
        ]
        if new.empty:
            break
        chosen |= {str(k): int(v) for k, v in new.items()}
        inside |= set(chosen)
        more_calls, more_transfers = member_partners(engine, sorted(new.index.astype(str)))
        calls = pd.concat([calls, more_calls], ignore_index=True)
        transfers = pd.concat([transfers, more_transfers], ignore_index=True)
    return pd.DataFrame(
        {"person_key": list(chosen), "members_linked": list(chosen.values())}, dtype=object
    )

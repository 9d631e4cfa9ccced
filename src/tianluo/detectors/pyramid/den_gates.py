"""Den mates at the compound gate: members of a den logged passing its gate together.

People who live in one flat and go to the same lectures leave and come back
together; a watched compound gate (``access_events`` at a site of kind
``compound``) logs them within minutes of each other, day after day. A den's gate
is the compound gate that logged most of its members (by identity number, or by
a phone whose owner is known). Two members pass *together* when they pass it in
the same direction within ``together_s`` seconds; the evidence is the number of
days on which that happened, which an analyst can check against the gate's log.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.detectors.keys import phone_owners, record_keys
from tianluo.engine import Engine

DAY_S = 86_400


@dataclass(frozen=True, slots=True)
class GateCompany:
    """One den at its gate: the gate, members it logged, days two or more passed together."""

    site_id: str
    members_logged: int
    days_together: int


def gate_company(
    engine: Engine, members: dict[int, list[str]], together_s: float
) -> dict[int, GateCompany]:
    """Per den number (``members``: den number to person keys), its gate evidence, if any."""
    passes = _member_passes(engine, members)
    out: dict[int, GateCompany] = {}
    for den in sorted({int(d) for d in passes["den"].tolist()}):
        theirs = passes[passes["den"] == den]
        counts = theirs.groupby("site_id")["person_key"].nunique()
        site = str(counts.sort_values(ascending=False, kind="stable").index[0])
        at_gate = theirs[theirs["site_id"] == site]
        out[den] = GateCompany(site, int(counts[site]), _days_together(at_gate, together_s))
    return out


def _days_together(passes: pd.DataFrame, together_s: float) -> int:
    """Days on which two different members passed in the same direction within the time."""
    ordered = passes.sort_values(["direction", "second", "person_key"])
    second = ordered["second"].to_numpy(np.int64)
    person = ordered["person_key"].to_numpy()
    direction = ordered["direction"].to_numpy()
    close = (
        (np.diff(second) <= together_s)
        & (person[1:] != person[:-1])
        & (direction[1:] == direction[:-1])
    )
    return len(np.unique(second[1:][close] // DAY_S))


def _member_passes(engine: Engine, members: dict[int, list[str]]) -> pd.DataFrame:
    """Passes at compound gates by den members: den, person_key, site_id, second, direction."""
    columns = ["den", "person_key", "site_id", "second", "direction"]
    if not (members and engine.has_source("access_events") and engine.has_source("sites")):
        return pd.DataFrame(columns=columns)
    dens = [den for den, keys in members.items() for _ in keys]
    keys = [key for den_keys in members.values() for key in den_keys]
    wanted = engine.register(
        "den_members",
        pa.table({"den": pa.array(dens, pa.int64()), "member_key": pa.array(keys, pa.string())}),
    )
    events = engine.source("access_events")
    sites = engine.source("sites")
    compounds = sites.filter(sites.kind == "compound").select("site_id").distinct()
    at_gate = events.join(compounds, "site_id")
    direction = at_gate.direction if "direction" in events.columns else ibis.literal("")
    phone = at_gate.phone if "phone" in events.columns else ibis.literal(None, "string")
    passes = at_gate.select(
        event_id=at_gate.event_id.cast("string"),
        site_id=at_gate.site_id.cast("string"),
        second=engine.local_seconds(at_gate.ts),
        direction=direction.cast("string").fill_null(""),
        phone=phone,
    )
    keyed = _keyed(engine, passes)
    mine = keyed.join(wanted, keyed.person_key == wanted.member_key).select(*columns)
    frame: pd.DataFrame = engine.to_arrow(mine).to_pandas()
    return frame.sort_values(columns).reset_index(drop=True)


def _keyed(engine: Engine, passes: ir.Table) -> ir.Table:
    """Each pass with the person it names: by identity number, else by the phone's owner."""
    by_number = record_keys(engine, "access_events")
    named = passes.join(by_number, passes.event_id == by_number.record_id)
    unnamed = passes.anti_join(by_number, passes.event_id == by_number.record_id)
    owners = phone_owners(engine)
    phoned = unnamed.join(owners, unnamed.phone == owners.phone)
    keep = ["person_key", "site_id", "second", "direction"]
    return named.select(*keep).union(phoned.select(*keep))

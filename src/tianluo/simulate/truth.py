"""The planted answers, in the result shapes of the contract (``truth/``).

* ``persons``: everyone (identity number, group): the universe and its hard negatives.
* ``suspects``: every participant, score 1, with their organisation, level, role and den.
* ``organizations``/``org_summary``: the recruitment trees; the criminal threshold is
  30 or more members and 3 or more levels, the organiser and their level counted;
  ``funds_collected`` is every entry fee paid before the end of the window, cash included.
* ``dens``: every den with its members; ``den_members`` lists them.
* ``participants``: arrival and departure dates, den, origin, for evaluation and tests.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.population import Population
from tianluo.simulate.pyramid import Trees
from tianluo.simulate.timefmt import iso_date


def org_ids(trees: Trees) -> np.ndarray:
    return np.array([f"ORG{o + 1:04d}" for o in trees.org], dtype=object)


def den_ids(count: int) -> np.ndarray:
    return np.array([f"DEN{d + 1:05d}" for d in range(count)], dtype=object)


def truth_tables(
    cfg: SimConfig,
    pop: Population,
    trees: Trees,
    dens: Dens,
    *,
    pidx: np.ndarray,
    funds: np.ndarray,
) -> dict[str, pa.Table]:
    """Every truth table by name."""
    ids = pop.id_number[pidx]
    orgs = org_ids(trees)
    upline = np.where(trees.parent >= 0, ids[np.maximum(trees.parent, 0)], "")
    dnames = den_ids(len(dens))
    den_of = np.where(dens.member_den >= 0, dnames[np.maximum(dens.member_den, 0)], "")
    reasons = [
        f"planted: {o}, level {lv}, {r}" + (f", lives in {d}" if d else "")
        for o, lv, r, d in zip(orgs, trees.level, trees.role, den_of, strict=True)
    ]
    members = np.bincount(trees.org, minlength=trees.organisations)
    levels = np.array([trees.level[trees.org == o].max() for o in range(trees.organisations)])
    tops = ids[trees.parent < 0]
    summary = pa.table(
        {
            "org_id": [f"ORG{o + 1:04d}" for o in range(trees.organisations)],
            "members": members,
            "levels": levels,
            "top_id_number": tops,
            "meets_criminal_threshold": (members >= 30) & (levels >= 3),
            "funds_collected": funds.round(2),
            "shape": trees.shape,
        }
    )
    den_members = np.bincount(dens.member_den[dens.member_den >= 0], minlength=len(dens))
    start = np.datetime64(cfg.start, "D")
    return {
        "persons": pa.table(
            {"id_number": pop.id_number, "group": pop.group, "phone": pop.phone, "name": pop.name}
        ),
        "suspects": pa.table({"id_number": ids, "score": np.ones(len(ids)), "reasons": reasons}),
        "organizations": pa.table(
            {
                "org_id": orgs,
                "id_number": ids,
                "upline_id_number": upline,
                "level": trees.level,
                "role": trees.role,
            }
        ),
        "org_summary": summary,
        "dens": pa.table(
            {
                "den_id": dnames,
                "lat": dens.lat.round(6),
                "lon": dens.lon.round(6),
                "members": den_members,
                "score": np.ones(len(dens)),
                "reasons": [
                    f"planted den of ORG{o + 1:04d}, {m} members"
                    for o, m in zip(dens.org, den_members, strict=True)
                ],
                "address": dens.address,
                "known": dens.known,
                "registered": dens.tenant >= 0,
            }
        ),
        "den_members": pa.table(
            {"den_id": den_of[dens.member_den >= 0], "id_number": ids[dens.member_den >= 0]}
        ),
        "participants": pa.table(
            {
                "id_number": ids,
                "org_id": orgs,
                "den_id": den_of,
                "province_code": pop.province_code[pidx],
                "arrive_date": iso_date(start + trees.arrive_day.astype("timedelta64[D]")),
                "leave_date": iso_date(start + pop.leave_day[pidx].astype("timedelta64[D]")),
                "phone": pop.phone[pidx],
            }
        ),
    }

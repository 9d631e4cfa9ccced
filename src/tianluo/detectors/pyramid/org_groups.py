"""Which members form one organisation: money binds, calls alone only attach.

Members are linked by repeated calls (``REPEATED_CALLS`` or more, either way)
and by any transfer between them. Money is what binds an organisation: the
entry fee goes to the recruiter and shares of it up the line, so the members
who paid or were paid by another member are grouped first, by every link among
them; such a group of ``min_members`` or more is a *core*. Everyone else (recruits
who paid in cash or before the data, a small group whose money fell before the
data) then joins, round by round outward from the cores, the group of the
neighbour they have the most calls with. Whoever no core reaches forms groups of
their own by their calls.

A member known only by calls therefore never joins two organisations into one:
out-of-province co-workers who phone friends in two organisations (a common
false lead) add themselves to one of them at most.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

REPEATED_CALLS = 2


def _components(
    n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, np.int64)


def organisation_groups(
    people: pd.Series, calls: pd.DataFrame, transfers: pd.DataFrame, min_members: int
) -> pd.Series:
    """An organisation number per person (``-1`` outside any large-enough group).

    ``calls``: a, b, calls (either way); ``transfers``: payer, payee. Links to
    people outside ``people`` are ignored. Groups are numbered largest first,
    then by their smallest key, so the same links give the same numbers.
    """
    index = pd.Index(people)
    n = len(index)
    repeated = calls[calls["calls"] >= REPEATED_CALLS]
    ca = index.get_indexer(pd.Index(repeated["a"]))
    cb = index.get_indexer(pd.Index(repeated["b"]))
    weight = repeated["calls"].to_numpy(np.float64)
    ta = index.get_indexer(pd.Index(transfers["payer"]))
    tb = index.get_indexer(pd.Index(transfers["payee"]))
    inside_calls = (ca >= 0) & (cb >= 0)
    inside_money = (ta >= 0) & (tb >= 0) & (ta != tb)
    ca, cb, weight = ca[inside_calls], cb[inside_calls], weight[inside_calls]
    ta, tb = ta[inside_money], tb[inside_money]
    paid = np.zeros(n, dtype=bool)
    paid[ta] = paid[tb] = True
    both_paid = paid[ca] & paid[cb]
    money_label = _components(
        n, np.concatenate([ca[both_paid], ta]), np.concatenate([cb[both_paid], tb])
    )
    core = paid & (np.bincount(money_label, minlength=n)[money_label] >= min_members)
    label = np.where(core, money_label, -1)
    # the rest take, round by round, the group of the neighbour they have most calls with
    ends = pd.DataFrame(
        {
            "person": np.concatenate([ca, cb]),
            "neighbour": np.concatenate([cb, ca]),
            "calls": np.concatenate([weight, weight]),
        }
    )
    while True:
        ends["group"] = label[ends["neighbour"].to_numpy()]
        open_ = ends[(label[ends["person"].to_numpy()] < 0) & (ends["group"] >= 0)]
        if open_.empty:
            break
        totals = open_.groupby(["person", "group"], as_index=False)["calls"].sum()
        totals = totals.sort_values(["calls", "group"], ascending=[False, True])
        best = totals.drop_duplicates("person")
        label[best["person"].to_numpy()] = best["group"].to_numpy()
    # whoever no group reached: groups of their own, by their calls among themselves
    alone = label < 0
    among = alone[ca] & alone[cb]
    label = np.where(alone, n + _components(n, ca[among], cb[among]), label)
    return _numbered(index, label, min_members)


def _numbered(index: pd.Index, label: npt.NDArray[np.int64], min_members: int) -> pd.Series:
    groups = pd.Series(index, dtype=object).groupby(label)
    sizes, firsts = groups.size(), groups.min()
    ranked = sorted(
        (g for g in sizes.index if sizes[g] >= min_members), key=lambda g: (-sizes[g], firsts[g])
    )
    number = {g: k for k, g in enumerate(ranked)}
    return pd.Series([number.get(int(g), -1) for g in label], index=index, dtype=np.int64)

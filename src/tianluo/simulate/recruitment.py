"""Evidence of recruitment: invitation calls, entry fees, commissions up the line, refunds.

* Before a recruit travels, the recruiter phones them 1-4 times over the 20 days
  before arrival (``never_called_share`` were invited face to face at home), and
  some call back. Once in the city, members phone their upline and downline.
  Calls carry the caller's handset and, while in the city, the home cell, like
  everyone's everyday calls.
* Entry fees are bought in shares of the "1040" scheme: k x 3,800 yuan, or the
  full 21 shares for 69,800. The recruit pays the recruiter 2-10 days after
  arriving (after the first lectures). The recruiter keeps 15% and passes the
  rest up within two days; each further upline keeps 10%; the organiser keeps
  the rest. Full entries get 19,000 yuan back from the organiser a month later.
  ``cash_fee_share`` of fees are paid in cash and leave no transfer.
* The money moves between the participants' own ordinary bank cards: the
  transfers are planned here (``Wires``) and written by the finance part among
  everyone's transfers between people (same card numbering, ``TX...`` ids,
  channel ``mobile``, memo ``转账``), or, without it, by
  ``finance.wires.write_alone``. Only transfers inside the window are in the
  feed (as for everyone); a fee paid before it has no ``txn_id`` in the truth.
* Calls before the window are left out, as everyone's are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac

from tianluo.simulate.config import SimConfig
from tianluo.simulate.finance.chatter import cell_ids
from tianluo.simulate.finance.wires import Wires
from tianluo.simulate.population import Population
from tianluo.simulate.pyramid import Trees
from tianluo.simulate.timefmt import iso_local


@dataclass
class Recruitment:
    """The planned transfers, the calls for the feed and the truth of every fee."""

    wires: Wires  # fees, commissions and refunds between participants, in the window
    calls: pa.Table
    fee_rows: pa.Table  # truth: one row per entry fee, cash ones included (no txn_id yet)
    fee_wire: np.ndarray  # per fee: index of its transfer in ``wires``, -1 if none in the feed
    funds: np.ndarray  # per organisation: fees collected by the end of the window

    def fees(self) -> pa.Table:
        """The fee truth with the ``txn_id`` each wired fee got when it was written."""
        ids = self.wires.txn_id
        if ids is None:
            raise RuntimeError("the wires have not been written yet")
        txn = np.where(
            self.fee_wire >= 0, ids[np.maximum(self.fee_wire, 0)] if len(ids) else "", ""
        )
        return self.fee_rows.append_column("txn_id", pa.array(txn.astype(object), pa.string()))


def _ts(cfg: SimConfig, day: np.ndarray, sec: np.ndarray) -> pa.Array:
    base = np.datetime64(cfg.start, "s")
    return iso_local(
        base + (day.astype(np.int64) * 86_400 + sec.astype(np.int64)).astype("timedelta64[s]")
    )


def recruit(
    cfg: SimConfig, pop: Population, trees: Trees, pidx: np.ndarray, rng: np.random.Generator
) -> Recruitment:
    """Planned transfers, calls and the fee truth of all planted organisations."""
    pc = cfg.pyramid
    recruits = np.flatnonzero(trees.parent >= 0)
    shares = np.array(pc.entry_shares)[
        rng.choice(
            len(pc.entry_shares),
            len(recruits),
            p=np.array(pc.entry_share_weights) / sum(pc.entry_share_weights),
        )
    ]
    amount = np.where(shares == pc.full_entry_shares, pc.full_entry_price, shares * pc.share_price)
    pay_day = trees.arrive_day[recruits] + rng.integers(2, 11, len(recruits))
    pay_sec = rng.integers(10 * 3600, 20 * 3600, len(recruits))
    cash = rng.random(len(recruits)) < pc.cash_fee_share
    paid = pay_day < cfg.days
    t: list[tuple[int, int, float, int, int]] = []  # payer, payee, yuan, day, second
    fee_txn: list[int] = []
    for r, a, d, s, c, ok in zip(
        recruits.tolist(),
        amount.tolist(),
        pay_day.tolist(),
        pay_sec.tolist(),
        cash.tolist(),
        paid.tolist(),
        strict=True,
    ):
        if c or not ok:
            fee_txn.append(-1)
            continue
        fee_txn.append(len(t))
        payer, payee, kept, day, sec = r, int(trees.parent[r]), pc.recruiter_commission, d, s
        t.append((payer, payee, a, day, sec))
        while trees.parent[payee] >= 0:  # pass the rest up the line
            up = int(trees.parent[payee])
            day += int(rng.integers(0, 3))
            sec = int(rng.integers(9 * 3600, 21 * 3600))
            if day >= cfg.days:
                break
            t.append((payee, up, round(a * (1 - kept), 2), day, sec))
            payee, kept = up, kept + pc.upline_commission
        if round(a) == round(pc.full_entry_price) and d + 30 < cfg.days:
            top = int(np.flatnonzero((trees.org == trees.org[r]) & (trees.parent < 0))[0])
            t.append((top, r, pc.full_entry_refund, d + 30, int(rng.integers(9 * 3600, 17 * 3600))))
    cols = np.array(t, dtype=np.float64).reshape(-1, 5)
    day = cols[:, 3].astype(np.int64)
    inside = (day >= 0) & (day < cfg.days)  # the feed holds the window's transfers only
    keep = np.flatnonzero(inside)
    renumber = np.full(len(t) + 1, -1, dtype=np.int64)
    renumber[keep] = np.arange(len(keep))
    origin = int(np.datetime64(cfg.start, "s").astype(np.int64))
    wires = Wires(
        payer=pidx[cols[keep, 0].astype(np.int64)],
        payee=pidx[cols[keep, 1].astype(np.int64)],
        ts=origin + day[keep] * 86_400 + cols[keep, 4].astype(np.int64),
        fen=np.round(cols[keep, 2] * 100).astype(np.int64),
    )
    fee_rows = pa.table(
        {
            "org_id": [f"ORG{o + 1:04d}" for o in trees.org[recruits]],
            "payer_id_number": pop.id_number[pidx[recruits]],
            "payee_id_number": pop.id_number[pidx[trees.parent[recruits]]],
            "shares": shares,
            "amount": amount,
            "paid_day": pay_day,
            "cash": cash,
            "paid": paid,
        }
    )
    funds = np.bincount(
        trees.org[recruits], weights=np.where(paid, amount, 0.0), minlength=trees.organisations
    )
    calls = _calls(cfg, pop, trees, pidx, rng)
    return Recruitment(wires, calls, fee_rows, renumber[np.array(fee_txn, dtype=np.int64)], funds)


def _calls(
    cfg: SimConfig, pop: Population, trees: Trees, pidx: np.ndarray, rng: np.random.Generator
) -> pa.Table:
    recruits = np.flatnonzero(trees.parent >= 0)
    called = recruits[rng.random(len(recruits)) >= cfg.pyramid.never_called_share]
    k = rng.integers(1, 5, len(called))
    callee = np.repeat(called, k)
    caller = trees.parent[callee]
    day = trees.arrive_day[callee] - rng.integers(1, 21, len(callee))
    back = rng.random(len(callee)) < 0.3  # the recruit calls back
    caller, callee = np.where(back, callee, caller), np.where(back, caller, callee)
    # in the city: a call with the upline every few days
    inside = np.flatnonzero(trees.parent >= 0)
    per = rng.poisson(max(cfg.days, 1) / 5, len(inside))
    c2 = np.repeat(inside, per)
    first = np.maximum(trees.arrive_day[c2], 0)
    d2 = first + (rng.random(len(c2)) * np.maximum(cfg.days - first, 1)).astype(int)
    up = trees.parent[c2]
    swap = rng.random(len(c2)) < 0.5
    a, b = np.where(swap, up, c2), np.where(swap, c2, up)
    ok = d2 < cfg.days
    caller = np.concatenate([caller, a[ok]])
    callee = np.concatenate([callee, b[ok]])
    day = np.concatenate([day, d2[ok]])
    window = (day >= 0) & (day < cfg.days)  # the feed holds the window's calls only
    caller, callee, day = caller[window], callee[window], day[window]
    sec = rng.integers(8 * 3600, 23 * 3600, len(day))
    duration = np.where(rng.random(len(day)) < 0.1, 0, rng.integers(30, 1200, len(day)))
    order = np.lexsort((sec, day))
    day, sec = day[order], sec[order]
    a_p, b_p = pidx[caller[order]], pidx[callee[order]]
    moment = day.astype(np.int64) * 86_400 + sec
    return pa.table(
        {
            "caller": pop.phone[a_p],
            "callee": pop.phone[b_p],
            "ts": _ts(cfg, day, sec),
            "duration_s": duration[order],
            "caller_cell": _home_cell(pop, a_p, day),
            "callee_cell": _home_cell(pop, b_p, day),
            "caller_imei": np.char.mod(
                "%015d",
                np.where(moment >= pop.imei_change_s[a_p], pop.imei_next[a_p], pop.imei[a_p]),
            ).astype(object),
        }
    )


def _home_cell(pop: Population, person: np.ndarray, day: np.ndarray) -> pa.Array:
    """The cell of each person's home while they are in the city (null before they came)."""
    here = (pop.arrive_day[person] <= day) & (day < pop.leave_day[person])
    cells = cell_ids(pop.home_lat[person], pop.home_lon[person])
    return pac.if_else(pa.array(here), cells, pa.scalar(None, pa.string()))

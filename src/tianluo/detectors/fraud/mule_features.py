"""Per-account features of likely money mules, from ``transactions`` and ``accounts``, in Ibis.

One row per account that received money:

- ``transfers_in``, ``payers``, ``other_holder_payers``: transfers received,
  distinct payers, payers whose holder is not the account's own;
- ``yuan_in``, ``yuan_out``; ``pass_through``: paid out over received (at most 1);
- ``holding_hours``: mean time from the latest money received to each payment out;
  ``fast_out_share``: share of the money paid out within ``fast_holding_hours``;
- ``transfers_out``, ``payees``; ``cash_share``: share of the money paid out that
  was withdrawn at cash machines (``CASH-...``);
- ``just_under_share``: transfers (in and out) just under a round limit;
- ``account_age_days``: days from opening to the first money received (null: the
  account is not in ``accounts``).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tianluo.engine import Engine
from tianluo.rules.fraud import MuleRules
from tianluo.trace.index import CASH_PREFIX

MULE_FEATURES = (
    "transfers_in",
    "payers",
    "other_holder_payers",
    "yuan_in",
    "yuan_out",
    "pass_through",
    "holding_hours",
    "fast_out_share",
    "transfers_out",
    "payees",
    "cash_share",
    "just_under_share",
    "account_age_days",
)
"""The feature columns, in the order models see them."""


def mule_features(engine: Engine, rules: MuleRules) -> ir.Table:
    """One row per receiving account: ``account_id``, ``last_seen`` and the ``MULE_FEATURES``."""
    accounts = engine.source("accounts") if engine.has_source("accounts") else None
    return account_features(engine.source("transactions"), accounts, rules)


def account_features(
    transactions: ir.Table, accounts: ir.Table | None, rules: MuleRules
) -> ir.Table:
    """The ``mule_features`` of any ``transactions``-shaped table (and ``accounts``)."""
    transfers = _transfers(transactions, rules)
    inflow = _inflow(accounts, transfers)
    outflow = _outflow(transfers)
    holding = _holding(transfers, rules)
    joined = inflow.left_join(outflow, inflow.account_id == outflow.account_id)
    yuan_out = joined.yuan_out.fill_null(0.0)
    moves = joined.transfers_in + joined.transfers_out.fill_null(0)
    under = joined.under_in + joined.under_out.fill_null(0)
    table = joined.select(
        account_id=joined.account_id,
        last_seen=ibis.greatest(joined.in_last, joined.out_last.fill_null(joined.in_last)),
        first_in=joined.in_first,
        transfers_in=joined.transfers_in,
        payers=joined.payers,
        other_holder_payers=joined.other_holder_payers,
        yuan_in=joined.yuan_in,
        yuan_out=yuan_out,
        pass_through=ibis.least(yuan_out / joined.yuan_in, 1.0),
        transfers_out=joined.transfers_out.fill_null(0),
        payees=joined.payees.fill_null(0),
        cash_share=ibis.ifelse(yuan_out > 0, joined.yuan_cash.fill_null(0.0) / yuan_out, 0.0),
        just_under_share=under.cast("float64") / moves.cast("float64"),
    )
    table = table.left_join(holding, table.account_id == holding.account_id).drop(
        "account_id_right"
    )
    table = table.mutate(fast_out_share=table.fast_out_share.fill_null(0.0))
    return _with_age(accounts, table).select("account_id", "last_seen", *MULE_FEATURES)


def _transfers(tx: ir.Table, rules: MuleRules) -> ir.Table:
    tx = tx.filter(
        tx.from_account.notnull(), tx.to_account.notnull(), tx.ts.notnull(), tx.amount > 0
    )
    yuan = tx.amount.cast("float64")
    bands = [
        (yuan >= limit * (1 - rules.just_under_share)) & (yuan < limit)
        for limit in rules.round_limits_yuan
    ]
    just_under = bands[0]
    for band in bands[1:]:
        just_under = just_under | band
    return tx.select(
        "from_account",
        "to_account",
        "ts",
        yuan=yuan,
        seconds=tx.ts.epoch_seconds().cast("float64"),
        just_under=just_under.cast("int64"),
    )


def _inflow(accounts: ir.Table | None, tx: ir.Table) -> ir.Table:
    received = tx.filter(~tx.to_account.startswith(CASH_PREFIX))
    if accounts is not None:
        accounts = accounts.select("account_id", "holder_id_number")
        holders = accounts.group_by("account_id").aggregate(holder=accounts.holder_id_number.max())
        payer = holders.select(from_account="account_id", payer_holder="holder")
        payee = holders.select(to_account="account_id", payee_holder="holder")
        received = received.left_join(payer, "from_account").drop("from_account_right")
        received = received.left_join(payee, "to_account").drop("to_account_right")
        other = received.payer_holder.isnull() | received.payee_holder.isnull()
        other = other | (received.payer_holder != received.payee_holder)
    else:
        other = ibis.literal(True)
    received = received.mutate(
        other_payer=ibis.ifelse(other, received.from_account, ibis.null("string"))
    )
    return received.group_by(account_id=received.to_account).aggregate(
        transfers_in=received.count().cast("int64"),
        payers=received.from_account.nunique().cast("int64"),
        other_holder_payers=received.other_payer.nunique().cast("int64"),
        yuan_in=received.yuan.sum(),
        in_first=received.ts.min(),
        in_last=received.ts.max(),
        under_in=received.just_under.sum(),
    )


def _outflow(tx: ir.Table) -> ir.Table:
    cash = tx.to_account.startswith(CASH_PREFIX)
    return tx.group_by(account_id=tx.from_account).aggregate(
        transfers_out=tx.count().cast("int64"),
        payees=tx.to_account.nunique().cast("int64"),
        yuan_out=tx.yuan.sum(),
        yuan_cash=tx.yuan.sum(where=cash),
        out_last=tx.ts.max(),
        under_out=tx.just_under.sum(),
    )


def _with_age(accounts: ir.Table | None, table: ir.Table) -> ir.Table:
    if accounts is None:
        return table.mutate(account_age_days=ibis.null("float64"))
    opened = accounts.group_by("account_id").aggregate(opened=accounts.opened_at.min())
    joined = table.left_join(opened, table.account_id == opened.account_id).drop("account_id_right")
    age = joined.first_in.epoch_seconds() - joined.opened.epoch_seconds()
    return joined.mutate(account_age_days=age.cast("float64") / 86_400.0)


def _holding(tx: ir.Table, rules: MuleRules) -> ir.Table:
    """Per account: how long money sat before each payment out, since the latest money in."""
    ins = tx.select(account_id=tx.to_account, seconds=tx.seconds, yuan=tx.yuan, inflow=True)
    outs = tx.select(account_id=tx.from_account, seconds=tx.seconds, yuan=tx.yuan, inflow=False)
    events = ins.union(outs)
    # an inflow at the same second as an outflow counts as before it (sorts first)
    before = ibis.window(
        group_by=events.account_id,
        order_by=[events.seconds, ibis.desc(events.inflow)],
        rows=(None, 0),
    )
    latest_in = events.seconds.max(where=events.inflow).over(before)
    paid = events.mutate(latest_in=latest_in)
    paid = paid.filter(~paid.inflow, paid.latest_in.notnull())
    gap_hours = (paid.seconds - paid.latest_in) / 3600.0
    fast = gap_hours <= rules.fast_holding_hours
    return paid.group_by("account_id").aggregate(
        holding_hours=gap_hours.mean(),
        fast_out_share=paid.yuan.sum(where=fast).fill_null(0.0) / paid.yuan.sum(),
    )

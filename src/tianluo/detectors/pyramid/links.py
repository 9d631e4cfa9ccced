"""Links between people: who called whom, and who paid whom (and whether it was a fee).

Calls are counted per ordered pair of person keys (a phone's owner, or the phone
itself when nobody is known to hold it), with the first and last call in Beijing
wall-clock seconds. Transfers are counted per ordered pair of account holders,
with the amounts that match the fee schedule of the rules file (a share price
times 1..N shares, or a listed entry price) and the listed refunds kept apart:
a fee flows from recruit to recruiter, a refund from the organiser down.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tianluo.detectors.keys import phone_owners, record_keys
from tianluo.engine import Engine
from tianluo.rules.models import SuspectRules

CALL_LINKS = "call_links"
TRANSFER_LINKS = "transfer_links"


def call_links(engine: Engine) -> ir.Table:
    """Per (caller, callee) person pair: calls, answered calls, first and last call."""
    calls = engine.source("calls")
    owners = phone_owners(engine)
    by_caller = owners.select(caller=owners.phone, caller_key=owners.person_key)
    by_callee = owners.select(callee=owners.phone, callee_key=owners.person_key)
    keyed = calls.left_join(by_caller, "caller").left_join(by_callee, "callee")
    keyed = keyed.select(
        caller_key=ibis.coalesce(keyed.caller_key, keyed.caller),
        callee_key=ibis.coalesce(keyed.callee_key, keyed.callee),
        at=engine.local_seconds(keyed.ts),
        answered=keyed.duration_s > 0,
    )
    pairs = keyed.group_by(["caller_key", "callee_key"]).aggregate(
        own=(keyed.caller_key == keyed.callee_key).any(),
        calls=keyed.count(),
        answered=keyed.answered.sum().cast("int64"),
        first_at=keyed.at.min(),
        last_at=keyed.at.max(),
    )
    return pairs.filter(~pairs.own).drop("own")


def is_fee(amount: ir.FloatingValue, rules: SuspectRules) -> ir.BooleanValue:
    """Whether an amount matches the fee schedule (share multiples or a listed entry price)."""
    fen = (amount * 100).round().cast("int64")
    unit = round(rules.fee_unit_yuan * 100)
    multiple = (fen % unit == 0) & (fen > 0) & (fen <= unit * rules.fee_max_units)
    listed = [round(a * 100) for a in rules.fee_amounts_yuan]
    return multiple | fen.isin(listed) if listed else multiple


def is_refund(amount: ir.FloatingValue, rules: SuspectRules) -> ir.BooleanValue:
    """Whether an amount is one of the scheme's listed refunds."""
    fen = (amount * 100).round().cast("int64")
    listed = [round(a * 100) for a in rules.refund_amounts_yuan]
    return fen.isin(listed) if listed else ibis.literal(False)


def transfer_links(engine: Engine, rules: SuspectRules) -> ir.Table:
    """Per (payer, payee) holder pair: transfers, yuan, and the fee and refund ones."""
    transactions = engine.source("transactions")
    # the holders are few beside the transfers: fetch them once, so that the engine
    # joins two small in-memory tables rather than planning a self-join of a subquery
    holders = engine.register("transfer_holders", engine.to_arrow(record_keys(engine, "accounts")))
    payer = holders.select(from_account=holders.record_id, payer_key=holders.person_key)
    payee = holders.select(to_account=holders.record_id, payee_key=holders.person_key)
    keyed = transactions.join(payer, "from_account").join(payee, "to_account")
    fee = is_fee(keyed.amount, rules)
    refund = is_refund(keyed.amount, rules)
    # transfers between one person's own accounts go after grouping, on an aggregate:
    # a plain filter is pushed into the joins, where DuckDB may pair the two holder
    # tables with each other first (a nested-loop cross product)
    pairs = keyed.group_by(["payer_key", "payee_key"]).aggregate(
        own=(keyed.payer_key == keyed.payee_key).any(),
        transfers=keyed.count(),
        yuan=keyed.amount.sum(),
        fees=fee.sum().cast("int64"),
        fee_yuan=keyed.amount.sum(where=fee).fill_null(0.0),
        refunds=refund.sum().cast("int64"),
        refund_yuan=keyed.amount.sum(where=refund).fill_null(0.0),
        first_at=engine.local_seconds(keyed.ts).min(),
    )
    return pairs.filter(~pairs.own).drop("own")

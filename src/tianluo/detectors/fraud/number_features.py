"""Per-number features of likely fraud callers, from ``calls`` (and ``messages``, ``phones``,
``accounts`` and ``transactions`` when loaded), written once in Ibis for both engines.

One row per number that placed at least ``min_calls`` calls:

- ``calls_out``, ``callees``, ``active_days``: calls placed, distinct numbers
  called, days with calls; ``strangers_per_day``: distinct numbers per active day;
- ``answered_share``, ``mean_answered_s``, ``short_share``: calls answered, their
  mean length, the share of them shorter than ``short_call_s``;
- ``night_share``: calls placed at night (Beijing time);
- ``callback_share``: numbers called that later called back; ``calls_in``;
- ``handsets``, ``max_numbers_per_handset``: handsets (IMEIs) used, and the most
  numbers seen in any one of them;
- ``sim_age_days``: days from the latest activation to the first call (null: no
  subscription on file);
- ``sms_out``, ``sms_receivers``: texts sent and their distinct receivers;
- ``paid_stranger_callees``: callees who paid an account they never paid before
  within ``victim_payment_hours`` after a call of ``victim_call_min_s`` or more.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tianluo.detectors.keys import phone_owners
from tianluo.detectors.outputs import read_derived, write_derived
from tianluo.engine import Engine
from tianluo.rules.fraud import NumberRules

NUMBER_FEATURES = (
    "calls_out",
    "callees",
    "active_days",
    "strangers_per_day",
    "answered_share",
    "mean_answered_s",
    "short_share",
    "night_share",
    "callback_share",
    "calls_in",
    "handsets",
    "max_numbers_per_handset",
    "sim_age_days",
    "sms_out",
    "sms_receivers",
    "paid_stranger_callees",
)
"""The feature columns, in the order models see them."""

_SECONDS_PER_DAY = 86_400.0
_BEIJING_OFFSET_S = 8 * 3_600


def number_features(engine: Engine, rules: NumberRules) -> ir.Table:
    """One row per busy caller: ``phone``, ``last_call`` and the ``NUMBER_FEATURES``.

    Writes two working tables first (``derived/fraud_call_pairs``: calls per caller
    and callee; ``derived/fraud_callers``: the busy callers' call profile), so that
    the parts below read them instead of scanning every call again.
    """
    calls = _calls(engine)
    write_derived(engine, "fraud_call_pairs", _pairs(calls))
    pairs = read_derived(engine, "fraud_call_pairs")
    write_derived(engine, "fraud_callers", _placed(engine, calls, rules))
    placed = read_derived(engine, "fraud_callers")
    busy = placed.select("phone")
    callees = pairs.filter(pairs.caller.isin(busy.phone))
    callees = callees.group_by(phone=callees.caller).aggregate(
        callees=callees.count().cast("int64")
    )
    table = _attach(placed, callees)
    table = table.mutate(
        strangers_per_day=table.callees.cast("float64") / table.active_days.cast("float64")
    )
    for part in (
        _received(pairs, busy),
        _callbacks(pairs, busy),
        _handset_sharing(calls, busy),
        _sim_age(engine, placed),
        _texts(engine, busy),
        _paid_strangers(engine, calls, busy, rules),
    ):
        table = _attach(table, part)
    zero_if_missing = (
        "calls_in",
        "callback_share",
        "max_numbers_per_handset",
        "sms_out",
        "sms_receivers",
        "paid_stranger_callees",
    )
    fills = {name: table[name].fill_null(0) for name in zero_if_missing}
    return table.mutate(**fills).select("phone", "last_call", *NUMBER_FEATURES)


def _calls(engine: Engine) -> ir.Table:
    calls = engine.source("calls")
    return calls.filter(calls.caller.notnull(), calls.callee.notnull(), calls.ts.notnull())


def _attach(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, left.phone == right.phone)
    return joined.drop("phone_right")


def _placed(engine: Engine, calls: ir.Table, rules: NumberRules) -> ir.Table:
    """Volume, answering, duration and night profile of each caller's outgoing calls."""
    duration = calls.duration_s.fill_null(0)
    answered = duration > 0
    # Beijing hour by arithmetic: China has kept UTC+8 without summer time since 1991
    hour = ((calls.ts.epoch_seconds() + _BEIJING_OFFSET_S) % 86_400) // 3_600
    if rules.night_start_hour > rules.night_end_hour:
        night = (hour >= rules.night_start_hour) | (hour < rules.night_end_hour)
    else:
        night = (hour >= rules.night_start_hour) & (hour < rules.night_end_hour)
    per_caller = calls.group_by(phone=calls.caller).aggregate(
        calls_out=calls.count(),
        active_days=engine.local_day_number(calls.ts).nunique(),
        answered=answered.sum(),
        answered_seconds=duration.sum(where=answered),
        short_answered=(answered & (duration < rules.short_call_s)).sum(),
        night_calls=night.sum(),
        first_call=calls.ts.min(),
        last_call=calls.ts.max(),
        handsets=calls.caller_imei.nunique(),
    )
    busy = per_caller.filter(per_caller.calls_out >= rules.min_calls)
    calls_out = busy.calls_out.cast("float64")
    answered_n = busy.answered.cast("float64")
    return busy.select(
        "phone",
        "first_call",
        "last_call",
        calls_out=busy.calls_out.cast("int64"),
        active_days=busy.active_days.cast("int64"),
        answered_share=answered_n / calls_out,
        mean_answered_s=ibis.ifelse(
            answered_n > 0, busy.answered_seconds.cast("float64") / answered_n, 0.0
        ),
        short_share=ibis.ifelse(
            answered_n > 0, busy.short_answered.cast("float64") / answered_n, 0.0
        ),
        night_share=busy.night_calls.cast("float64") / calls_out,
        handsets=busy.handsets.cast("int64"),
    )


def _pairs(calls: ir.Table) -> ir.Table:
    """One row per (caller, callee): calls, first and last."""
    return calls.group_by("caller", "callee").aggregate(
        calls=calls.count().cast("int64"), first=calls.ts.min(), last=calls.ts.max()
    )


def _received(pairs: ir.Table, busy: ir.Table) -> ir.Table:
    inbound = pairs.filter(pairs.callee.isin(busy.phone))
    return inbound.group_by(phone=inbound.callee).aggregate(
        calls_in=inbound.calls.sum().cast("int64")
    )


def _callbacks(pairs: ir.Table, busy: ir.Table) -> ir.Table:
    """Share of the numbers a caller called that called it back after the first call."""
    out = pairs.filter(pairs.caller.isin(busy.phone))
    back = pairs.view()
    joined = out.left_join(
        back,
        (back.caller == out.callee) & (back.callee == out.caller) & (back["last"] > out["first"]),
    )
    answered = joined.select(phone=out.caller, called_back=back.caller.notnull())
    return answered.group_by("phone").aggregate(
        callback_share=answered.called_back.cast("float64").mean()
    )


def _handset_sharing(calls: ir.Table, busy: ir.Table) -> ir.Table:
    """Most numbers seen in any one handset that the caller used."""
    used = calls.filter(calls.caller_imei.notnull())
    per_handset = used.group_by(imei=used.caller_imei).aggregate(numbers=used.caller.nunique())
    mine = used.filter(used.caller.isin(busy.phone)).select(
        phone=used.caller, imei=used.caller_imei
    )
    mine = mine.distinct()
    joined = mine.join(per_handset, mine.imei == per_handset.imei)
    return joined.group_by("phone").aggregate(
        max_numbers_per_handset=joined.numbers.max().cast("int64")
    )


def _sim_age(engine: Engine, placed: ir.Table) -> ir.Table:
    """Days from the number's latest activation before its first call to that call."""
    if not engine.has_source("phones"):
        return placed.select("phone", sim_age_days=ibis.null("float64"))
    phones = engine.source("phones")
    phones = phones.filter(phones.phone.isin(placed.phone), phones.activated_at.notnull())
    joined = placed.select("phone", "first_call").join(phones, "phone")
    joined = joined.filter(joined.activated_at <= joined.first_call)
    latest = joined.group_by("phone").aggregate(
        activated=joined.activated_at.max(), first_call=joined.first_call.min()
    )
    age = (latest.first_call.epoch_seconds() - latest.activated.epoch_seconds()).cast("float64")
    return latest.select("phone", sim_age_days=age / _SECONDS_PER_DAY)


def _texts(engine: Engine, busy: ir.Table) -> ir.Table:
    if not engine.has_source("messages"):
        return busy.select("phone", sms_out=ibis.null("int64"), sms_receivers=ibis.null("int64"))
    messages = engine.source("messages")
    sent = messages.filter(messages.sender.isin(busy.phone))
    return sent.group_by(phone=sent.sender).aggregate(
        sms_out=sent.count().cast("int64"), sms_receivers=sent.receiver.nunique().cast("int64")
    )


def _paid_strangers(
    engine: Engine, calls: ir.Table, busy: ir.Table, rules: NumberRules
) -> ir.Table:
    """Callees who, soon after a long call, paid an account they had never paid before."""
    needed = ("phones", "accounts", "transactions")
    if not all(engine.has_source(s) for s in needed):
        return busy.select("phone", paid_stranger_callees=ibis.null("int64"))
    answered = calls.filter(
        calls.caller.isin(busy.phone), calls.duration_s >= rules.victim_call_min_s
    )
    answered = answered.select(
        phone=answered.caller,
        callee=answered.callee,
        call_end_s=answered.ts.epoch_seconds() + answered.duration_s,
    )
    owners = phone_owners(engine)
    accounts = engine.source("accounts")
    holders = accounts.select(person_key=accounts.holder_id_number, account=accounts.account_id)
    callee_accounts = owners.join(holders, "person_key").select(callee="phone", account="account")
    transfers = engine.source("transactions")
    first_paid = transfers.group_by(account=transfers.from_account, payee=transfers.to_account)
    first_paid = first_paid.aggregate(paid_s=transfers.ts.min().epoch_seconds())
    window_s = int(rules.victim_payment_hours * 3600)
    step = answered.join(callee_accounts, "callee")
    hit = step.join(
        first_paid,
        (step.account == first_paid.account)
        & (first_paid.paid_s >= step.call_end_s)
        & (first_paid.paid_s <= step.call_end_s + window_s),
    )
    return hit.group_by("phone").aggregate(paid_stranger_callees=hit.callee.nunique().cast("int64"))

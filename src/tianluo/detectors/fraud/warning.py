"""Victim warning: someone just called by a flagged number starts paying a new payee.

Streaming form (for the service): ``WarningWatch`` holds the flagged numbers and
the recent answered calls from them, and ``check_transfer`` answers at once for a
transfer about to be made. Batch form (``tianluo run``): the same rule over the
whole feed, one ``victim_warning`` alert per transfer it would have stopped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir

from tianluo.detectors.fraud.alerts import write_alerts
from tianluo.detectors.keys import phone_owners
from tianluo.detectors.outputs import alert_rows
from tianluo.engine import Engine
from tianluo.rules.fraud import FraudRules, WarningRules


@dataclass(frozen=True, slots=True)
class Warning:
    """Why a transfer should be stopped and its payer called back."""

    payer_phone: str
    fraud_number: str
    call_ended_at: dt.datetime
    call_seconds: int
    score: float
    reasons: str


@dataclass(slots=True)
class WarningWatch:
    """What the streaming check needs: flagged numbers, their recent calls, known payees."""

    rules: WarningRules
    flagged: dict[str, float]  # number -> fraud score
    calls_to: defaultdict[str, list[tuple[dt.datetime, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # callee -> (call end, seconds, flagged caller)
    known_payees: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def record_call(self, caller: str, callee: str, ended_at: dt.datetime, seconds: int) -> None:
        """Remember an answered call if it came from a flagged number and lasted long enough."""
        if caller in self.flagged and seconds >= self.rules.min_call_s:
            self.calls_to[callee].append((ended_at, seconds, caller))

    def record_payment(self, payer_account: str, payee_account: str) -> None:
        """Remember that this account has paid this payee (it is no longer new to it)."""
        self.known_payees[payer_account].add(payee_account)

    def check_transfer(
        self, payer_phone: str, payer_account: str, payee_account: str, at: dt.datetime
    ) -> Warning | None:
        """A warning if the payer was called by a flagged number lately and the payee is new."""
        if payee_account in self.known_payees[payer_account]:
            return None
        window = dt.timedelta(hours=self.rules.within_hours)
        recent = [c for c in self.calls_to.get(payer_phone, []) if c[0] <= at <= c[0] + window]
        if not recent:
            return None
        ended, seconds, number = max(recent, key=lambda c: (self.flagged[c[2]], c[0]))
        minutes = (at - ended).total_seconds() / 60
        score = self.flagged[number]
        reasons = (
            f"{payer_phone} talked {seconds // 60} min with flagged number {number} "
            f"(fraud score {score:.2f}) and {minutes:.0f} min later pays {payee_account}, "
            f"a payee account {payer_account} never paid before"
        )
        return Warning(payer_phone, number, ended, seconds, score, reasons)


def warning_pairs(engine: Engine, flagged: ir.Table, rules: WarningRules) -> ir.Table:
    """Batch form: every first transfer to a new payee soon after a call from a flagged number.

    Columns: ``txn_id``, ``ts``, ``payer_phone``, ``fraud_number``, ``call_s``,
    ``minutes_after``, ``from_account``, ``to_account``, ``amount``, ``number_score``.
    """
    calls = engine.source("calls")
    hooks = calls.filter(calls.duration_s >= rules.min_call_s)
    hooks = hooks.join(flagged, hooks.caller == flagged.phone).select(
        fraud_number=hooks.caller,
        callee=hooks.callee,
        call_s=hooks.duration_s,
        number_score=flagged.score,
        ended_s=hooks.ts.epoch_seconds() + hooks.duration_s,
    )
    accounts = engine.source("accounts")
    owners = phone_owners(engine)
    owned = owners.join(accounts, owners.person_key == accounts.holder_id_number)
    owned = owned.select(payer_phone=owned.phone, from_account=owned.account_id)
    tx = engine.source("transactions")
    first = ibis.window(group_by=[tx.from_account, tx.to_account], order_by=[tx.ts, tx.txn_id])
    tx = tx.mutate(nth=ibis.row_number().over(first))
    new_payee = tx.filter(tx.nth == 0, ~tx.to_account.startswith("CASH-"))
    paid = (
        new_payee.join(owned, "from_account")
        .select(
            "txn_id",
            "ts",
            "from_account",
            "to_account",
            "amount",
            "payer_phone",
            paid_s=new_payee.ts.epoch_seconds(),
        )
        .view()
    )  # a relation of its own: Ibis would otherwise extend the join chain
    window_s = int(rules.within_hours * 3600)
    hooks = hooks.mutate(until_s=hooks.ended_s + window_s)
    hit = paid.join(
        hooks,
        [
            paid.payer_phone == hooks.callee,
            paid.paid_s >= hooks.ended_s,
            paid.paid_s <= hooks.until_s,
        ],
    )
    best = ibis.window(
        group_by=hit.txn_id, order_by=[ibis.desc(hit.number_score), ibis.desc(hit.ended_s)]
    )
    hit = hit.mutate(pick=ibis.row_number().over(best))
    hit = hit.filter(hit.pick == 0)
    return hit.select(
        "txn_id",
        "ts",
        "payer_phone",
        "fraud_number",
        "call_s",
        "from_account",
        "to_account",
        "number_score",
        amount=hit.amount.cast("float64"),
        minutes_after=(hit.paid_s - hit.ended_s).cast("float64") / 60.0,
    )


def write_victim_warnings(engine: Engine, rules: FraudRules) -> Path:
    """Raise a ``victim_warning`` alert for every transfer the rule would have flagged."""
    settings = rules.warning
    numbers = engine.read_parquet(
        engine.workspace.result_path("fraud_numbers"), "fraud_numbers_result"
    )
    flagged = numbers.filter(numbers.score >= settings.flagged_min_score).select("phone", "score")
    found = engine.to_arrow(warning_pairs(engine, flagged, settings)).to_pylist()
    found.sort(key=lambda r: str(r["txn_id"]))
    reasons = [
        f"{r['payer_phone']} talked {int(r['call_s']) // 60} min with flagged number "
        f"{r['fraud_number']} (fraud score {float(r['number_score']):.2f}); "
        f"{float(r['minutes_after']):.0f} min later paid {float(r['amount']):,.2f} yuan from "
        f"{r['from_account']} to {r['to_account']}, a payee it never paid before "
        f"(transfer {r['txn_id']}): call the payer back"
        for r in found
    ]
    alerts = alert_rows(
        "victim_warning",
        subjects=[str(r["payer_phone"]) for r in found],
        scores=[float(r["number_score"]) for r in found],
        created_at=[r["ts"] for r in found],
        reasons=reasons,
        ids=[f"victim_warning:{r['txn_id']}" for r in found],
    )
    return write_alerts(engine, "victim_warning", alerts)

"""``simulate_finance``: the money and telephone life of the city, fraud included, and its truth."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from tianluo.simulate.finance import (
    accounts,
    chatter,
    fraud_ops,
    mules,
    negatives,
    ordinary,
    registries,
    social,
    truth,
    victims,
)
from tianluo.simulate.finance.books import AccountBook, NumberBook
from tianluo.simulate.finance.clock import Clock
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import Emitter, WriterLike
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import People, PopulationLike
from tianluo.simulate.finance.subscribers import Subscribers
from tianluo.simulate.finance.wires import Wires


class ConfigLike(Protocol):
    """What finance reads of ``tianluo.simulate.config.SimConfig``."""

    @property
    def start(self) -> dt.date: ...

    @property
    def days(self) -> int: ...


@dataclass
class FinanceSummary:
    """Counts of what the finance world wrote and planted."""

    accounts: int = 0
    transactions: int = 0
    calls: int = 0
    messages: int = 0
    phones: int = 0
    reports: int = 0
    rings: int = 0
    fraud_sims: int = 0
    victims: int = 0
    victim_transfers: int = 0
    reported_transfers: int = 0
    mule_accounts: int = 0
    trace_rows: int = 0
    reported_fen: int = 0
    traced_fen: int = 0  # still held in accounts at the end
    cashed_out_fen: int = 0
    companies: int = 0
    documents: int = 0
    defaulters: int = 0
    bookings: int = 0
    assets: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def simulate_finance(
    pop: PopulationLike,
    cfg: ConfigLike,
    rng: np.random.Generator,
    writer: WriterLike,
    params: FinanceParams | None = None,
    *,
    wires: Wires | None = None,
) -> FinanceSummary:
    """Generate accounts, transfers, calls, texts, fraud rings, mules, victims, reports,
    registries and their truth for the Population ``pop``, and write them with ``writer``.

    ``wires`` (the pyramid's fees, planned by the city) are paid between the
    payers' and payees' own ordinary cards; their ``txn_id`` is filled in.
    """
    p = params or FinanceParams()
    clock = Clock(cfg.start, cfg.days)
    people = People.from_population(pop, cfg.start, cfg.days)
    emit = Emitter(writer, clock)
    book, numbers, subs = AccountBook(), NumberBook(), Subscribers()
    ctx = Ctx(people, clock, book, numbers, emit, rng, p)
    companies = accounts.Company([], np.empty(0, np.int64), [], np.empty(0, np.int64))

    numbers.add_text(people.phone)  # number index i is person i
    service = numbers.add_text(np.array(ordinary.BANK_SERVICE, dtype=object))
    bank = accounts.open_ordinary(ctx, companies, None if wires is None else wires.people)
    contacts = social.build_contacts(people, numbers, rng, p)
    handsets = chatter.handsets(people, clock, rng, p)

    # the fraud world is planned before anything is written: rings, victims, mules
    n_victims = victims.count_victims(people, bank, p)
    rings = fraud_ops.plan_rings(ctx, n_victims, subs)
    per_ring = np.bincount(rng.integers(0, rings.rings, n_victims), minlength=rings.rings)
    net = mules.open_mules(ctx, bank, per_ring)
    firms = registries.internet_finance(ctx, companies)

    ordinary.payroll(ctx, bank, service)
    ordinary.rents_and_allowances(ctx, bank)
    ordinary.daily_spending(ctx, bank, contacts, wires)
    chatter.everyday_calls(ctx, contacts, handsets)
    pro = negatives.pro_lines(ctx, service, handsets, companies, subs)
    fraud_ops.flood(ctx, rings, handsets)

    ledger = mules.Ledger()
    mules.prelude(ctx, net, bank, ledger)
    fraud = victims.defraud(ctx, bank, handsets, rings, net, n_victims=n_victims)
    ledger.add(
        fraud.t_serial,
        fraud.t_ts,
        bank.primary[fraud.victim[fraud.t_victim]],
        fraud.t_to,
        fraud.t_fen,
    )
    mules.launder(
        ctx,
        net,
        bank,
        ledger,
        victim_to=fraud.t_to,
        victim_ts=fraud.t_ts,
        victim_fen=fraud.t_fen,
        victim_report=fraud.t_report,
    )
    victims.write_reports(ctx, fraud, rings)

    subs.write(numbers, clock, emit)
    book.write(clock, emit)
    registries.write_companies(ctx, companies)
    risky_docs = registries.write_documents(ctx, companies, firms)
    registries.write_defaulters(ctx, np.concatenate([net.seller, _borrowed(people, subs)]))
    registries.write_bookings(
        ctx, np.asarray(pop.arrive_day, np.int64), np.asarray(pop.leave_day, np.int64)
    )
    registries.write_assets(ctx, bank, companies.rep[firms])

    traces, result = truth.reference_traces(ledger, fraud, book)
    truth.write_all(
        writer,
        {
            "fraud_numbers": truth.fraud_numbers(rings, numbers, clock),
            "mule_accounts": truth.mule_accounts(net, book, ledger, rings),
            "traces": traces,
            "victims": truth.victims(fraud, people, rings, numbers, clock),
            "hard_negatives": truth.hard_negatives(pro, bank, book, numbers),
            "risky_documents": risky_docs,
        },
    )
    reported = fraud.t_report < mules.NEVER
    return FinanceSummary(
        accounts=emit.rows["accounts"],
        transactions=emit.rows["transactions"],
        calls=emit.rows["calls"],
        messages=emit.rows["messages"],
        phones=emit.rows["phones"],
        reports=emit.rows["reports"],
        rings=rings.rings,
        fraud_sims=len(rings.sim_number),
        victims=len(fraud.victim),
        victim_transfers=len(fraud.t_serial),
        reported_transfers=int(reported.sum()),
        mule_accounts=len(net.account),
        trace_rows=traces.num_rows,
        reported_fen=int(fraud.t_fen[reported].sum()),
        traced_fen=sum(h.amount_fen for h in result.holdings),
        cashed_out_fen=sum(result.cashed_out_fen.values()),
        companies=emit.rows["companies"],
        documents=emit.rows["documents"],
        defaulters=emit.rows["defaulters"],
        bookings=emit.rows["bookings"],
        assets=emit.rows["assets"],
    )


def _borrowed(people: People, subs: Subscribers) -> np.ndarray:
    """Persons whose identity card registered a SIM that is not theirs."""
    ids = np.concatenate(subs.id_number) if subs.id_number else np.empty(0, dtype=object)
    return np.flatnonzero(np.isin(people.id_number, ids))

"""Ordinary banking: personal cards, employers' payroll accounts, merchants, landlords, family.

Who has what:

* most adults have a card, some a second one, opened years ago; pyramid
  participants alike (``needs``: everyone who pays or receives a fee by
  transfer has one), in the same numbering, so their cards look like anyone's;
* employers (companies) pay salaries from a corporate account: one account
  paying many people at once, the fan-out that a naive mule rule flags;
* merchants (shops, restaurants, supermarkets) receive payments from many
  unrelated people: the fan-in that a naive mule rule flags;
* landlords collect rents, a few of them (letting agents) from many tenants;
* migrant workers, students and pyramid participants (all from other provinces)
  have a relative's account back home (remittances, living allowances, family
  transfers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.books import random_banks
from tianluo.simulate.finance.clock import DAY
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.ids import identity_numbers
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import PARTICIPANT, People
from tianluo.simulate.finance.texts import COMPANY_WORDS, INDUSTRIES
from tianluo.simulate.names import random_names

YEAR = 365 * DAY
_REGIONS = ("南宁", "广西", "南宁市青秀区", "南宁市西乡塘区", "南宁市江南区", "南宁市兴宁区")


@dataclass
class Company:
    """Companies made by the finance world (employers, merchants, service firms)."""

    name: list[str]
    rep: np.ndarray  # legal representative (person index)
    kind: list[str]  # employer, merchant, telemarketing, courier, internet_finance, ...
    registered: np.ndarray  # timestamps


@dataclass
class Banking:
    """The ordinary accounts and who pays whom in everyday life."""

    primary: np.ndarray  # per person: account index, -1 without one
    second: np.ndarray  # per person: second account index or -1
    employer_of: np.ndarray  # per person: employer index or -1
    employer_account: np.ndarray  # per employer
    employer_company: np.ndarray  # per employer: company index
    merchant_account: np.ndarray
    merchant_weight: np.ndarray  # popularity, sums to 1
    merchant_owner: np.ndarray  # person index of each merchant's owner (has a card)
    landlord_of: np.ndarray  # per person: landlord person index or -1
    rent_fen: np.ndarray  # per person: monthly rent
    home_account: np.ndarray  # per person: a relative's account back home, or -1
    cash_first: int  # index of the first cash-machine sink


def company_names(n: int, rng: np.random.Generator, industries: tuple[str, ...]) -> list[str]:
    """``n`` distinct-looking company names (region + two words + industry + 有限公司)."""
    w = len(COMPANY_WORDS)
    space = len(_REGIONS) * w * w * len(industries)
    pick = rng.choice(space, size=n, replace=n > space)
    names = []
    for code in pick.tolist():
        rest, ind = divmod(code, len(industries))
        rest, b = divmod(rest, w)
        reg, a = divmod(rest, w)
        names.append(
            f"{_REGIONS[reg]}{COMPANY_WORDS[a]}{COMPANY_WORDS[b]}{industries[ind]}有限公司"
        )
    return names


def _zipf_weights(n: int, rng: np.random.Generator, spread: float = 1.0) -> np.ndarray:
    w = rng.lognormal(0.0, spread, n)
    return np.asarray(w / w.sum())


def relatives(
    people: People, who: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Identity numbers and names of one parent (45-65 years old) of each person, same county."""
    n = len(who)
    region = np.array([str(x)[:6] for x in people.id_number[who]], dtype=object)
    birth = np.datetime64("1960-01-01") + rng.integers(0, 20 * 365, n).astype("timedelta64[D]")
    ids = identity_numbers(region, birth, rng.integers(0, 1000, n))
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    given = random_names(sex, np.zeros(n, dtype=bool), rng)
    surname = np.array([str(x)[0] for x in people.name[who]], dtype=object)
    names = surname + np.array([str(g)[1:] for g in given], dtype=object)
    return ids, names


def open_ordinary(ctx: Ctx, companies: Company, needs: np.ndarray | None = None) -> Banking:
    """Open everyday accounts and decide employers, merchants, landlords and relatives.

    ``needs`` are persons who must hold a card (the payers and payees of planned wires).
    """
    people, clock, book, rng, p = ctx.people, ctx.clock, ctx.book, ctx.rng, ctx.p
    n = len(people)
    origin = clock.origin
    has = people.adult & (rng.random(n) < p.account_share)
    if needs is not None:
        has[needs] = True
    owners = np.flatnonzero(has)
    span = np.clip(people.age[owners] - 18, 0, 15) * YEAR
    opened = origin - 30 * DAY - (rng.random(len(owners)) * span).astype(np.int64)
    primary = np.full(n, -1, dtype=np.int64)
    primary[owners] = book.add(
        holder=people.id_number[owners],
        name=people.name[owners],
        bank=random_banks(len(owners), rng),
        kind="personal",
        opened=opened,
    )
    two = owners[rng.random(len(owners)) < p.second_account_share]
    second = np.full(n, -1, dtype=np.int64)
    second[two] = book.add(
        holder=people.id_number[two],
        name=people.name[two],
        bank=random_banks(len(two), rng),
        kind="personal",
        opened=origin - (rng.random(len(two)) * 5 * YEAR).astype(np.int64),
    )

    bosses = np.flatnonzero(has & (people.age >= 30) & people.in_groups(("resident",)))
    if len(bosses) == 0:
        bosses = owners

    # employers and their payroll accounts
    n_emp = max(10, n // p.persons_per_employer)
    employer_company = add_companies(
        ctx, companies, n_emp, kind="employer", industries=INDUSTRIES, reps=bosses
    )
    employer_account = book.add(
        holder=people.id_number[companies.rep[employer_company]],
        name=np.array([companies.name[c] for c in employer_company], dtype=object),
        bank=random_banks(n_emp, rng),
        kind="corporate",
        opened=companies.registered[employer_company] + 30 * DAY,
    )
    working = (
        has
        & (people.age <= 60)
        & (
            (people.in_groups(("resident", "venue_neighbour")) & (rng.random(n) < 0.75))
            | (people.in_groups(("migrant_worker",)) & (rng.random(n) < 0.95))
        )
    )
    employer_of = np.full(n, -1, dtype=np.int64)
    workers = np.flatnonzero(working)
    employer_of[workers] = rng.choice(n_emp, len(workers), p=_zipf_weights(n_emp, rng, 1.3))

    # merchants: individual businesses and a few chains
    n_m = max(20, n // p.persons_per_merchant)
    owner = rng.choice(bosses, n_m)
    merchant_account = book.add(
        holder=people.id_number[owner],
        name=np.array([f"{people.name[o]}(个体工商户)" for o in owner], dtype=object),
        bank=random_banks(n_m, rng),
        kind="merchant",
        opened=origin - (rng.random(n_m) * 10 * YEAR).astype(np.int64) - 60 * DAY,
    )
    merchant_weight = _zipf_weights(n_m, rng, 1.5)

    landlord_of, rent = _rentals(people, has, bosses, rng, p)
    far = np.flatnonzero(has & people.in_groups(("migrant_worker", "student", PARTICIPANT)))
    home_account = np.full(n, -1, dtype=np.int64)
    if len(far):
        rel_id, rel_name = relatives(people, far, rng)
        home_account[far] = book.add(
            holder=rel_id,
            name=rel_name,
            bank=random_banks(len(far), rng),
            kind="personal",
            opened=origin - (rng.random(len(far)) * 15 * YEAR).astype(np.int64) - YEAR,
        )
    cash_first = int(book.add_cash_machines()[0])
    return Banking(
        primary,
        second,
        employer_of,
        employer_account,
        employer_company,
        merchant_account,
        merchant_weight,
        owner,
        landlord_of,
        rent,
        home_account,
        cash_first,
    )


def add_companies(
    ctx: Ctx,
    companies: Company,
    n: int,
    *,
    kind: str,
    industries: tuple[str, ...],
    reps: np.ndarray,
) -> np.ndarray:
    """Register ``n`` companies of one kind with legal representatives drawn from ``reps``."""
    rng = ctx.rng
    first = len(companies.name)
    companies.name.extend(company_names(n, rng, industries))
    companies.rep = np.concatenate([companies.rep, rng.choice(reps, n)])
    companies.kind.extend([kind] * n)
    age = (rng.random(n) * 15 * YEAR).astype(np.int64) + YEAR
    companies.registered = np.concatenate([companies.registered, ctx.clock.origin - age])
    return np.arange(first, first + n)


def _rentals(
    people: People, has: np.ndarray, bosses: np.ndarray, rng: np.random.Generator, p: FinanceParams
) -> tuple[np.ndarray, np.ndarray]:
    n = len(people)
    share = np.select(
        [
            people.in_groups(("migrant_worker",)),
            people.in_groups(("student",)),
            people.in_groups(("resident", "venue_neighbour")),
        ],
        [0.9, 0.2, 0.3],
        0.0,
    )
    renters = np.flatnonzero(has & (rng.random(n) < share))
    landlord_of = np.full(n, -1, dtype=np.int64)
    rent = np.zeros(n, dtype=np.int64)
    if len(renters) == 0:
        return landlord_of, rent
    n_ll = max(1, len(renters) // 3)
    landlords = rng.choice(bosses, n_ll, replace=n_ll > len(bosses))
    tenants = np.minimum(rng.zipf(1.8, n_ll), p.landlord_max_tenants).astype(np.float64)
    landlord_of[renters] = landlords[rng.choice(n_ll, len(renters), p=tenants / tenants.sum())]
    landlord_of[landlord_of == np.arange(n)] = -1  # nobody pays rent to themselves
    rent[renters] = (
        np.round(rng.lognormal(np.log(1300), 0.35, len(renters)) / 50) * 50 * 100
    ).astype(np.int64)
    return landlord_of, rent

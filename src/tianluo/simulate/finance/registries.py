"""Registries around the money: companies, adverts and posts, judgment defaulters, trips, assets.

* ``companies``: every employer, merchant chain, telemarketing and courier
  firm, and internet-finance firms (网络小贷, 财富管理, ...);
* ``documents``: adverts and posts about companies; risky firms promise
  高收益, 保本保息, 稳赚不赔 and pay for recruiting (returned in
  ``truth/risky_documents.csv``); others are ordinary news;
* ``defaulters``: listed judgment defaulters (失信被执行人), more often among
  people who sold their identity card or bank card;
* ``bookings``: trains and flights into the city (pyramid participants and
  other newcomers on the day they arrive), tourists' hotels, residents' trips;
* ``assets``: houses (every landlord has one), vehicles, land.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate.finance.accounts import Banking, Company, add_companies
from tianluo.simulate.finance.clock import DAY, HOUR
from tianluo.simulate.finance.context import Ctx
from tianluo.simulate.finance.emit import pick, yuan
from tianluo.simulate.finance.ids import as_text, credit_codes
from tianluo.simulate.finance.texts import (
    AIRPORT,
    CITY_STATION,
    COURT_CODES,
    COURTS,
    DOC_SOURCES,
    FINANCE_INDUSTRIES,
    HOTELS,
    NORMAL_DOCS,
    PROVINCE_STATIONS,
    RISKY_DOCS,
)

_DISTRICTS = ("青秀区", "兴宁区", "西乡塘区", "江南区", "良庆区", "邕宁区")
_ROADS = ("民族大道", "东葛路", "友爱路", "大学东路", "星光大道", "五象大道", "朝阳路", "竹溪大道")
_DOMAINS = {
    "网站": "www.example-finance.cn",
    "微博": "weibo.com",
    "微信公众号": "mp.weixin.qq.com",
    "论坛": "bbs.nnbbs.cn",
    "新闻": "news.gxnews.cn",
}


def _addresses(n: int, rng: np.random.Generator) -> list[str]:
    d = rng.integers(0, len(_DISTRICTS), n)
    r = rng.integers(0, len(_ROADS), n)
    no = rng.integers(1, 300, n)
    return [
        f"广西壮族自治区南宁市{_DISTRICTS[a]}{_ROADS[b]}{c}号"
        for a, b, c in zip(d.tolist(), r.tolist(), no.tolist(), strict=True)
    ]


def internet_finance(ctx: Ctx, companies: Company) -> np.ndarray:
    """Register the internet-finance firms; their company indices."""
    people, p = ctx.people, ctx.p
    n = max(6, round(p.internet_finance_firms_per_million * len(people) / 1_000_000))
    reps = np.flatnonzero(people.in_groups(("resident",)) & (people.age >= 35))
    return add_companies(
        ctx, companies, n, kind="internet_finance", industries=FINANCE_INDUSTRIES, reps=reps
    )


def write_companies(ctx: Ctx, companies: Company) -> int:
    people, clock, emit, rng = ctx.people, ctx.clock, ctx.emit, ctx.rng
    n = len(companies.name)
    emit.write(
        "companies",
        {
            "company_id": as_text(np.arange(n), 7, "CO"),
            "name": pa.array(companies.name, pa.string()),
            "credit_code": pa.array(credit_codes(n, rng), pa.string()),
            "legal_rep_id_number": pa.array(people.id_number[companies.rep], pa.string()),
            "address": pa.array(_addresses(n, rng), pa.string()),
            "registered_at": clock.iso(companies.registered),
        },
    )
    return n


def write_documents(ctx: Ctx, companies: Company, firms: np.ndarray) -> pa.Table:
    """Adverts and posts; returns the truth table of risky documents."""
    clock, emit, rng, p = ctx.clock, ctx.emit, ctx.rng, ctx.p
    risky_firm = rng.random(len(firms)) < p.risky_firm_share
    others = np.flatnonzero(np.array(companies.kind, dtype=object) == "employer")
    others = others[rng.random(len(others)) < 0.1]
    subjects = np.concatenate([np.repeat(firms, rng.integers(2, 6, len(firms))), others])
    risky_subject = np.isin(subjects, firms[risky_firm])
    # a risky firm also publishes harmless posts now and then
    risky = risky_subject & (rng.random(len(subjects)) < 0.8)
    template = np.where(
        risky,
        rng.integers(0, len(RISKY_DOCS), len(subjects)),
        rng.integers(0, len(NORMAL_DOCS), len(subjects)),
    )
    titles, texts = [], []
    for s, r, t in zip(subjects.tolist(), risky.tolist(), template.tolist(), strict=True):
        title, text = (RISKY_DOCS if r else NORMAL_DOCS)[t]
        titles.append(title.format(company=companies.name[s]))
        texts.append(text.format(company=companies.name[s]))
    n = len(subjects)
    source = rng.integers(0, len(DOC_SOURCES), n)
    ids = as_text(np.arange(n), 7, "DOC")
    urls = [
        f"https://{_DOMAINS[DOC_SOURCES[s]]}/p/{i}"
        for s, i in zip(source.tolist(), ids.to_pylist(), strict=True)
    ]
    published = clock.origin + rng.integers(-90 * DAY, clock.days * DAY, n)
    emit.write(
        "documents",
        {
            "doc_id": ids,
            "published_at": clock.iso(published),
            "source": pick(DOC_SOURCES, source),
            "title": pa.array(titles, pa.string()),
            "text": pa.array(texts, pa.string()),
            "company_name": pa.array([companies.name[s] for s in subjects.tolist()], pa.string()),
            "url": pa.array(urls, pa.string()),
        },
    )
    keep = np.flatnonzero(risky)
    return pa.table(
        {
            "doc_id": ids.take(pa.array(keep)),
            "score": pa.array(np.ones(len(keep))),
            "reasons": pa.array(
                ["promises guaranteed high returns and pays for recruiting"] * len(keep),
                pa.string(),
            ),
        }
    )


def write_defaulters(ctx: Ctx, prone: np.ndarray) -> int:
    """Judgment defaulters: a share of adults and a third of the ``prone`` (card, ID sellers)."""
    people, clock, emit, rng, p = ctx.people, ctx.clock, ctx.emit, ctx.rng, ctx.p
    base = np.flatnonzero(people.adult & (rng.random(len(people)) < p.defaulter_share))
    prone = np.unique(prone[prone >= 0])
    who = np.unique(np.concatenate([base, prone[rng.random(len(prone)) < 0.33]]))
    n = len(who)
    court = rng.integers(0, len(COURTS), n)
    year = rng.integers(2021, 2026, n)
    case = [
        f"({y}){COURT_CODES[c]}执{k}号"
        for y, c, k in zip(
            year.tolist(), court.tolist(), rng.integers(100, 9999, n).tolist(), strict=True
        )
    ]
    emit.write(
        "defaulters",
        {
            "case_no": pa.array(_unique(case), pa.string()),
            "id_number": pa.array(people.id_number[who], pa.string()),
            "name": pa.array(people.name[who], pa.string()),
            "court": pick(COURTS, court),
            "amount_owed": yuan(
                (np.round(rng.lognormal(np.log(60000), 1.0, n)) * 100).astype(np.int64)
            ),
            "listed_at": clock.iso(
                clock.origin - rng.integers(-clock.days * DAY // 2, 3 * 365 * DAY, n)
            ),
        },
    )
    return n


def _unique(case: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in case:
        k = seen.get(c, 0)
        seen[c] = k + 1
        out.append(c if k == 0 else f"{c[:-1]}之{k}号")
    return out


def write_bookings(ctx: Ctx, arrive: np.ndarray, leave: np.ndarray) -> int:
    """Trains and flights into the city on arrival days, hotels for tourists, residents' trips."""
    people, clock, emit, rng, p = ctx.people, ctx.clock, ctx.emit, ctx.rng, ctx.p
    days = clock.days
    newcomer = people.in_groups(("participant", "migrant_worker", "student", "tourist"))
    come = np.flatnonzero(newcomer & (arrive >= -30) & (arrive < days))
    fly = (people.group[come] == "tourist") & (rng.random(len(come)) < 0.4)
    station = np.array(
        [PROVINCE_STATIONS.get(str(x), "柳州") for x in people.province[come]], dtype=object
    )
    place = np.where(fly, station + "→" + AIRPORT, station + "→" + CITY_STATION)
    ts = clock.at(arrive[come], rng.integers(7 * HOUR, 20 * HOUR, len(come)))
    kind = np.where(fly, "flight", "train").astype(object)
    amount = np.where(fly, rng.integers(600, 2500, len(come)), rng.integers(90, 900, len(come)))
    tourists = come[people.group[come] == "tourist"]
    nights = np.clip(leave[tourists] - arrive[tourists], 1, 14)
    hotel_ts = clock.at(arrive[tourists], 14 * HOUR + rng.integers(0, 6 * HOUR, len(tourists)))
    trip = np.flatnonzero(people.living() & (rng.random(len(people)) < p.trip_share))
    trip_day = rng.integers(0, days, len(trip))
    trip_fly = rng.random(len(trip)) < 0.5
    dest = np.array(list(PROVINCE_STATIONS.values()), dtype=object)[
        rng.integers(0, len(PROVINCE_STATIONS), len(trip))
    ]
    trip_place = np.where(trip_fly, AIRPORT + "→" + dest, CITY_STATION + "→" + dest)
    who = np.concatenate([come, tourists, trip])
    n = len(who)
    emit.write(
        "bookings",
        {
            "booking_id": as_text(np.arange(n), 9, "BK"),
            "id_number": pa.array(people.id_number[who], pa.string()),
            "kind": pa.array(
                np.concatenate(
                    [
                        kind,
                        np.full(len(tourists), "hotel", dtype=object),
                        np.where(trip_fly, "flight", "train").astype(object),
                    ]
                ),
                pa.string(),
            ),
            "ts": clock.iso(np.concatenate([ts, hotel_ts, clock.moments(trip_day, rng, "office")])),
            "place": pa.array(
                np.concatenate(
                    [
                        place,
                        np.array(HOTELS, dtype=object)[rng.integers(0, len(HOTELS), len(tourists))],
                        trip_place,
                    ]
                ),
                pa.string(),
            ),
            "amount": yuan(
                np.concatenate(
                    [
                        amount,
                        nights * rng.integers(180, 600, len(tourists)),
                        rng.integers(150, 2000, len(trip)),
                    ]
                )
                * 100
            ),
        },
    )
    return n


def write_assets(ctx: Ctx, bank: Banking, rich: np.ndarray) -> int:
    """Houses (every landlord, half of older residents), vehicles, some land."""
    people, emit, rng = ctx.people, ctx.emit, ctx.rng
    n = len(people)
    resident = people.in_groups(("resident", "venue_neighbour"))
    landlords = np.unique(bank.landlord_of[bank.landlord_of >= 0])
    house = np.unique(
        np.concatenate(
            [landlords, np.flatnonzero(resident & (people.age >= 30) & (rng.random(n) < 0.5)), rich]
        )
    )
    car = np.flatnonzero(people.adult & (bank.primary >= 0) & (rng.random(n) < 0.3))
    land = np.flatnonzero(resident & (people.age >= 50) & (rng.random(n) < 0.05))
    area = np.round(rng.lognormal(np.log(95), 0.3, len(house)), 1)
    plates = rng.integers(10000, 99999, len(car))
    mu = np.round(rng.uniform(0.5, 8, len(land)), 1)
    who = np.concatenate([house, car, land])
    desc = (
        [f"住宅 {a}平方米" for a in area.tolist()]
        + [f"小型汽车 桂A·{x}" for x in plates.tolist()]
        + [f"集体土地承包经营权 {m}亩" for m in mu.tolist()]
    )
    value = np.concatenate(
        [
            area * rng.uniform(8000, 18000, len(house)),
            rng.lognormal(np.log(120000), 0.5, len(car)),
            mu * rng.uniform(20000, 60000, len(land)),
        ]
    )
    m = len(who)
    emit.write(
        "assets",
        {
            "asset_id": as_text(np.arange(m), 9, "AS"),
            "owner_id_number": pa.array(people.id_number[who], pa.string()),
            "kind": pa.array(
                ["house"] * len(house) + ["vehicle"] * len(car) + ["land"] * len(land), pa.string()
            ),
            "description": pa.array(desc, pa.string()),
            "value": yuan((np.round(value) * 100).astype(np.int64)),
            "address": pa.array(_addresses(m, rng), pa.string()),
        },
    )
    return m

"""Identity, origin and age of the simulated people."""

from __future__ import annotations

import datetime as dt

import numpy as np
from simfeed import read, truth

from tianluo.geo.boundaries import in_city
from tianluo.model.idnumber import IdStatus, parse
from tianluo.model.regions import LOCAL_PROVINCE_CODE, lookup
from tianluo.simulate import SimulationSummary
from tianluo.simulate.pyramid import AGE_BANDS, ORIGIN_SHARES


def test_every_identity_number_is_valid_and_distinct(clean_city: SimulationSummary) -> None:
    persons = truth(clean_city, "persons")
    assert len(persons) == 3000
    assert persons.id_number.is_unique and persons.phone.is_unique
    parsed = [parse(x, dt.date(2026, 3, 2)) for x in persons.id_number]
    assert all(p.status is IdStatus.VALID for p in parsed)
    assert all(lookup(p.number[:6]) is not None for p in parsed if p.number)
    residents = persons[persons.group == "resident"]
    local = (residents.id_number.str[:2] == LOCAL_PROVINCE_CODE).mean()
    assert local > 0.85
    assert set(persons.group) >= {
        "resident",
        "migrant_worker",
        "student",
        "tourist",
        "venue_neighbour",
        "participant",
    }


def test_participants_come_from_other_provinces_in_published_shares(
    clean_city: SimulationSummary,
) -> None:
    ids = truth(clean_city, "suspects").id_number
    n = len(ids)
    province = ids.str[:2]
    assert (province != LOCAL_PROVINCE_CODE).all()
    for code, share in ORIGIN_SHARES.items():
        sigma = np.sqrt(share * (1 - share) / n)
        assert abs((province == code).mean() - share) < 4 * sigma + 1 / n, code


def test_participants_ages_match_the_published_band(clean_city: SimulationSummary) -> None:
    ids = truth(clean_city, "suspects").id_number
    born = [parse(x).birth_date for x in ids]
    start = dt.date(2026, 3, 2)
    ages = np.array([(start - b).days // 365.25 for b in born if b])
    target = next(w for lo, hi, w in AGE_BANDS if lo == 25)
    assert abs(((ages >= 25) & (ages <= 45)).mean() - target) < 3 * np.sqrt(
        target * (1 - target) / len(ages)
    )
    assert ages.min() >= 18


def test_phones_are_real_name_subscriptions(clean_city: SimulationSummary) -> None:
    phones = read(clean_city, "phones")
    persons = truth(clean_city, "persons")
    joined = persons.merge(phones, on="phone", suffixes=("", "_sub"))
    assert len(joined) == len(persons)
    assert (joined.id_number == joined.id_number_sub).all()
    assert phones.phone.str.fullmatch(r"1[3-9]\d{9}").all()


def test_pings_are_inside_nanning_with_local_timestamps(clean_city: SimulationSummary) -> None:
    pings = read(clean_city, "pings")
    assert len(pings) > 3000 * 30
    assert pings.ts.str.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00").all()
    sample = pings.sample(5000, random_state=0)
    assert in_city(sample.lat.to_numpy(), sample.lon.to_numpy()).mean() > 0.99
    assert sample.accuracy_m.between(50, 300).all()
    assert set(pings.source) == {"cell", "gps"}

"""A small Population-shaped city and an in-memory writer, for the finance world's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from tianluo.simulate.finance import FinanceParams, FinanceSummary, simulate_finance
from tianluo.simulate.finance.ids import identity_numbers, new_mobiles
from tianluo.simulate.names import random_names

START = dt.date(2026, 3, 2)
DAYS = 60
GROUP_SHARES = {
    "resident": 0.8,
    "migrant_worker": 0.08,
    "student": 0.05,
    "tourist": 0.02,
    "venue_neighbour": 0.01,
    "participant": 0.04,
}


@dataclass
class FakePopulation:
    """The columns of ``tianluo.simulate.population.Population``, filled at random."""

    id_number: np.ndarray
    name: np.ndarray
    sex: np.ndarray
    birth_date: np.ndarray
    province_code: np.ndarray
    phone: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    work_lat: np.ndarray
    work_lon: np.ndarray
    group: np.ndarray
    arrive_day: np.ndarray
    leave_day: np.ndarray

    def __len__(self) -> int:
        return len(self.id_number)


@dataclass(frozen=True)
class FakeConfig:
    persons: int
    seed: int
    days: int = DAYS
    start: dt.date = START


@dataclass
class MemoryWriter:
    """Collects what a FeedWriter would write, as pandas frames."""

    sources: dict[str, list[pa.Table]] = field(default_factory=dict)
    truths: dict[str, pa.Table] = field(default_factory=dict)

    def write(self, source: str, table: pa.Table) -> None:
        self.sources.setdefault(source, []).append(table)

    def write_truth(self, name: str, table: pa.Table) -> None:
        self.truths[name] = table

    def frame(self, source: str) -> pd.DataFrame:
        tables = self.sources.get(source, [])
        if not tables:
            return pd.DataFrame()
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    def truth(self, name: str) -> pd.DataFrame:
        return self.truths[name].to_pandas()


def make_population(n: int, seed: int) -> FakePopulation:
    rng = np.random.default_rng(seed)
    groups = np.array(list(GROUP_SHARES), dtype=object)
    group = groups[rng.choice(len(groups), n, p=np.array(list(GROUP_SHARES.values())))]
    local = np.isin(group, ["resident", "venue_neighbour"]) & (rng.random(n) < 0.93)
    province = np.where(local, "45", rng.choice(["43", "44", "51", "52", "53", "36"], n)).astype(
        object
    )
    region = np.where(local, "450103", province + "0102").astype(object)
    age = np.where(group == "student", rng.integers(18, 24, n), rng.integers(1, 85, n))
    age = np.where(np.isin(group, ["migrant_worker", "participant"]), rng.integers(20, 60, n), age)
    birth = np.datetime64(START, "D") - (age * 365.25 + rng.integers(0, 365, n)).astype(
        "timedelta64[D]"
    )
    sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    seq = rng.integers(0, 500, n) * 2 + (sex == "M")
    lat = 22.8 + rng.normal(0, 0.03, n)
    lon = 108.35 + rng.normal(0, 0.03, n)
    arrive = np.zeros(n, dtype=np.int64)
    leave = np.full(n, DAYS, dtype=np.int64)
    tourist = group == "tourist"
    arrive[tourist] = rng.integers(0, DAYS - 5, int(tourist.sum()))
    leave[tourist] = arrive[tourist] + rng.integers(2, 6, int(tourist.sum()))
    part = group == "participant"
    arrive[part] = rng.integers(-40, DAYS - 10, int(part.sum()))
    return FakePopulation(
        id_number=identity_numbers(region, birth, seq),
        name=random_names(sex, local, rng),
        sex=sex,
        birth_date=birth,
        province_code=province,
        phone=new_mobiles(n, rng, np.empty(0, np.int64), (138, 139, 186, 159))
        .astype(str)
        .astype(object),
        home_lat=lat,
        home_lon=lon,
        work_lat=lat + rng.normal(0, 0.02, n),
        work_lon=lon + rng.normal(0, 0.02, n),
        group=group,
        arrive_day=arrive,
        leave_day=leave,
    )


@dataclass
class FinanceRun:
    pop: FakePopulation
    writer: MemoryWriter
    summary: FinanceSummary
    params: FinanceParams


def run_finance(n: int, seed: int, params: FinanceParams | None = None) -> FinanceRun:
    pop = make_population(n, seed)
    writer = MemoryWriter()
    p = params or FinanceParams()
    summary = simulate_finance(pop, FakeConfig(n, seed), np.random.default_rng(seed), writer, p)
    return FinanceRun(pop, writer, summary, p)

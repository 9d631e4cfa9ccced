"""Participant statistics: origin province and city, age band, disposition, week of arrival.

One long table (``participant_stats``): a row per bar of a chart, ``dimension`` naming
the chart, ``key`` the bar (a GB/T 2260 code, an age band, a disposition, a Monday),
``label`` its Chinese name, ``persons`` and ``share`` (of all participants, so each
dimension's shares add up to 1; the unknown bar has the key ``""``).

The engine picks out the participants, their latest disposition and first day in the
city; those are a few thousand rows, so the counting runs in Python and gives the same
table on every engine. Ages are whole years at ``as_of``: the last day the data covers
(the latest seizure or day of presence), so a rerun on the same data gives the same bands.
Arrival is the first day a participant was seen in the city in ``presence_daily``;
people already there when the data starts all "arrive" in its first week.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from tianluo.detectors.pyramid.stats.participants import latest_dispositions, participants
from tianluo.engine import Engine
from tianluo.model import idnumber
from tianluo.model.idnumber import IdStatus
from tianluo.model.regions import lookup, provinces
from tianluo.rules.statistics import StatisticsRules

DIMENSIONS = ("origin_province", "origin_city", "age_band", "disposition", "arrival_week")
UNKNOWN = ""
DISPOSITION_LABELS = {
    "education": "教育遣散",
    "repatriation": "遣返",
    "fine": "罚款",
    "detention": "拘留",
    "arrest": "逮捕",
    "sentence": "判刑",
    UNKNOWN: "未查获",
}
SCHEMA = pa.schema(
    [
        ("dimension", pa.string()),
        ("key", pa.string()),
        ("label", pa.string()),
        ("persons", pa.int64()),
        ("share", pa.float64()),
        ("as_of", pa.date32()),
    ]
)


def birth_and_region(person_key: str) -> tuple[dt.date | None, str | None]:
    """Birth date and 6-digit region code of a valid identity number (None, None otherwise)."""
    parsed = idnumber.parse(person_key, today=dt.date(2099, 12, 31))
    if parsed.status not in (IdStatus.VALID, IdStatus.LEGACY):
        return None, None
    return parsed.birth_date, parsed.region_code


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_keys(edges: tuple[int, ...]) -> list[str]:
    """The band names for edges (25, 35, 45, 60): <25, 25-34, 35-44, 45-59, 60+."""
    inner = [f"{low}-{high - 1}" for low, high in itertools.pairwise(edges)]
    return [f"<{edges[0]}", *inner, f"{edges[-1]}+"]


def band_label(key: str) -> str:
    if key.startswith("<"):
        return f"{key[1:]}岁以下"
    if key.endswith("+"):
        return f"{key[:-1]}岁及以上"
    return f"{key}岁" if key else "未知"


def age_band(age: int, edges: tuple[int, ...]) -> str:
    """The band of an age (``band_keys`` names)."""
    names = band_keys(edges)
    return names[sum(age >= edge for edge in edges)]


def week_of(day: dt.date) -> str:
    """The Monday starting the ISO week of ``day``, as YYYY-MM-DD."""
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def week_label(key: str) -> str:
    if not key:
        return "未在本市出现"
    year, week, _ = dt.date.fromisoformat(key).isocalendar()
    return f"{year}-W{week:02d}"


def province_label(code: str) -> str:
    return provinces().get(code, "未知") if code else "未知"


def city_label(code: str) -> str:
    region = lookup(code + "00") if code else None
    if region is None:
        return "未知"
    return (
        region.province + (region.city or "") if region.city != region.province else region.province
    )


def _rows(
    dimension: str,
    counts: Counter[str],
    total: int,
    label: Callable[[str], str],
    order: Callable[[tuple[str, int]], tuple[object, ...]],
) -> Iterable[dict[str, object]]:
    for key, persons in sorted(counts.items(), key=order):
        yield {
            "dimension": dimension,
            "key": key,
            "label": label(key),
            "persons": persons,
            "share": persons / total,
        }


def _most_first(item: tuple[str, int]) -> tuple[object, ...]:
    key, persons = item
    return (key == UNKNOWN, -persons, key)


def stats_table(
    persons: list[str],
    dispositions: dict[str, str],
    first_days: dict[str, dt.date] | None,
    as_of: dt.date,
    rules: StatisticsRules,
) -> pa.Table:
    """The ``participant_stats`` rows for these participants (``first_days`` None: no arrivals)."""
    total = len(persons)
    if total == 0:
        return SCHEMA.empty_table()
    origins = {p: birth_and_region(p) for p in persons}
    provinces_ = Counter((origins[p][1] or "")[:2] for p in persons)
    cities = Counter((origins[p][1] or "")[:4] for p in persons)
    edges = rules.age_band_edges
    bands = Counter(
        age_band(age_on(born, as_of), edges) if (born := origins[p][0]) else UNKNOWN
        for p in persons
    )
    disposed = Counter(dispositions.get(p, UNKNOWN) for p in persons)
    band_order = {key: i for i, key in enumerate(band_keys(edges))}
    disposition_order = {key: i for i, key in enumerate(DISPOSITION_LABELS)}
    rows = [
        *_rows("origin_province", provinces_, total, province_label, _most_first),
        *_rows("origin_city", cities, total, city_label, _most_first),
        *_rows("age_band", bands, total, band_label, lambda i: (band_order.get(i[0], 99),)),
        *_rows(
            "disposition",
            disposed,
            total,
            lambda k: DISPOSITION_LABELS.get(k, k),
            lambda i: (disposition_order.get(i[0], 50), i[0]),
        ),
    ]
    if first_days is not None:
        weeks = Counter(week_of(first_days[p]) if p in first_days else UNKNOWN for p in persons)
        rows += _rows("arrival_week", weeks, total, week_label, lambda i: (i[0] == UNKNOWN, i[0]))
    for row in rows:
        row["as_of"] = as_of
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def participant_stats(
    engine: Engine, rules: StatisticsRules, *, as_of: dt.date | None = None
) -> pa.Table:
    """The ``participant_stats`` result of the workspace's participants."""
    people = engine.to_arrow(participants(engine, rules.participant_min_score))
    persons = sorted(str(p) for p in people["person_key"].to_pylist() if p is not None)
    latest = engine.to_arrow(latest_dispositions(engine)).to_pylist()
    dispositions = {str(r["person_key"]): str(r["disposition"]) for r in latest}
    presence_path = engine.workspace.derived_path("presence_daily")
    first_days = _first_days(engine, presence_path) if presence_path.exists() else None
    day = as_of or _data_end(engine, first_days_path=presence_path)
    return stats_table(persons, dispositions, first_days, day, rules)


def _first_days(engine: Engine, path: Path) -> dict[str, dt.date]:
    presence = engine.read_parquet(path, "presence_daily")
    seen = presence.filter(presence.in_city)
    first = seen.group_by("person_key").aggregate(first_day=seen.day.min())
    return {str(r["person_key"]): r["first_day"] for r in engine.to_arrow(first).to_pylist()}


def _data_end(engine: Engine, *, first_days_path: Path) -> dt.date:
    """The last day the data covers: the latest day of presence or seizure (today if none)."""
    ends: list[dt.date] = []
    if first_days_path.exists():
        presence = engine.read_parquet(first_days_path, "presence_daily")
        ends.append(engine.to_arrow(presence.aggregate(end=presence.day.max()))["end"][0].as_py())
    if engine.has_source("seizures"):
        seizures = engine.source("seizures")
        last = engine.local_day(seizures.seized_at).max()
        ends.append(engine.to_arrow(seizures.aggregate(end=last))["end"][0].as_py())
    found = [d for d in ends if d is not None]
    return max(found) if found else dt.datetime.now(dt.UTC).date()

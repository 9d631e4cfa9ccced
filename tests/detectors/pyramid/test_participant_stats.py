"""Participant statistics: origin, age band, disposition and arrival week, counted by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stats_people import P1, P2, P3, seizures, write_suspects

from tianluo.detectors.pyramid.stats.detectors import STATISTICS_DETECTORS
from tianluo.detectors.pyramid.stats.statistics import age_band, age_on, band_keys
from tianluo.engine import Engine, open_engine
from tianluo.results import read_result, write_result
from tianluo.rules import load_rules
from tianluo.workspace import Workspace

LakeWriter = Callable[..., Path]
Bars = dict[str, list[tuple[str, str, int]]]


def _run(engine: Engine) -> pa.Table:
    detector = next(d for d in STATISTICS_DETECTORS if d.name == "participant_stats")
    detector.run(engine, load_rules())
    return read_result(engine.workspace, "participant_stats")


def _bars(table: pa.Table) -> Bars:
    bars: Bars = {}
    for row in table.to_pylist():
        bars.setdefault(row["dimension"], []).append((row["key"], row["label"], row["persons"]))
    return bars


def _presence(workspace: Workspace) -> None:
    rows = [
        (P1, dt.date(2024, 3, 6), True),  # a Wednesday: week of Monday 4 March
        (P1, dt.date(2024, 3, 12), True),
        (P2, dt.date(2024, 3, 1), False),  # seen, but outside the city
        (P2, dt.date(2024, 3, 4), True),
        (P3, dt.date(2024, 3, 11), True),
        (P3, dt.date(2024, 3, 25), True),  # the last day of the data
    ]
    table = pa.table(
        {
            "person_key": [r[0] for r in rows],
            "day": pa.array([r[1] for r in rows], pa.date32()),
            "in_city": [r[2] for r in rows],
        }
    )
    path = workspace.derived_path("presence_daily")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def test_counts_by_hand_on_both_engines(engine: Engine, lake: LakeWriter) -> None:
    write_suspects(engine.workspace)
    lake("seizures", seizures())
    table = _run(engine)
    bars = _bars(table)
    # participants: P1, P2, P5 (score >= 0.5) and P3 (seized); P4 is neither
    assert bars["origin_province"] == [("43", "湖南省", 2), ("42", "湖北省", 1), ("", "未知", 1)]
    assert bars["origin_city"] == [
        ("4301", "湖南省长沙市", 2),
        ("4201", "湖北省武汉市", 1),
        ("", "未知", 1),
    ]
    # ages on 20 March 2024, the last seizure: P2 23, P1 34, P3 48
    assert bars["age_band"] == [
        ("<25", "25岁以下", 1),
        ("25-34", "25-34岁", 1),
        ("45-59", "45-59岁", 1),
        ("", "未知", 1),
    ]
    assert bars["disposition"] == [("fine", "罚款", 1), ("detention", "拘留", 1), ("", "未查获", 2)]
    assert "arrival_week" not in bars  # no presence table: no arrivals to count
    shares = [r["share"] for r in table.to_pylist() if r["dimension"] == "origin_province"]
    assert shares == [0.5, 0.25, 0.25]
    assert set(table["as_of"].to_pylist()) == {dt.date(2024, 3, 20)}


def test_arrivals_per_week_and_age_on_the_last_day(workspace: Workspace, lake: LakeWriter) -> None:
    write_suspects(workspace)
    lake("seizures", seizures())
    _presence(workspace)
    bars = _bars(_run(open_engine(workspace)))
    assert bars["arrival_week"] == [
        ("2024-03-04", "2024-W10", 2),
        ("2024-03-11", "2024-W11", 1),
        ("", "未在本市出现", 1),
    ]
    # as of 25 March, P3 (born 1 April 1975) is still 48
    assert ("45-59", "45-59岁", 1) in bars["age_band"]


def test_threshold_comes_from_the_rules(workspace: Workspace, tmp_path: Path) -> None:
    write_suspects(workspace)  # no seizures loaded: suspects only
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text("statistics:\n  participant_min_score: 0.85\n")
    detector = next(d for d in STATISTICS_DETECTORS if d.name == "participant_stats")
    detector.run(open_engine(workspace), load_rules(rules_file))
    bars = _bars(read_result(workspace, "participant_stats"))
    assert bars["origin_province"] == [("43", "湖南省", 1)]  # P1 alone
    assert bars["disposition"] == [("", "未查获", 1)]


def test_no_participants_gives_an_empty_result(workspace: Workspace) -> None:
    nobody = pa.table(
        {
            "id_number": pa.array([], pa.string()),
            "score": pa.array([], pa.float64()),
            "reasons": pa.array([], pa.string()),
        }
    )
    write_result(workspace, "suspects", nobody)
    table = _run(open_engine(workspace))
    assert table.num_rows == 0
    assert table.column_names[:5] == ["dimension", "key", "label", "persons", "share"]


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "<25"), (24, "<25"), (25, "25-34"), (44, "35-44"), (45, "45-59"), (60, "60+")],
)
def test_age_bands_keep_25_to_45_recoverable(age: int, band: str) -> None:
    edges = load_rules().statistics.age_band_edges
    assert band_keys(edges) == ["<25", "25-34", "35-44", "45-59", "60+"]
    assert age_band(age, edges) == band


def test_age_counts_whole_years() -> None:
    assert age_on(dt.date(1990, 3, 21), dt.date(2024, 3, 20)) == 33
    assert age_on(dt.date(1990, 3, 20), dt.date(2024, 3, 20)) == 34

"""Collision (碰撞比对) on a hand-made lake: gate visitors, tenants and seized persons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianluo.analysis import CollisionError, KeyKind, Side, collide, save_hits
from tianluo.analysis.collision import CollisionTotals
from tianluo.engine import Engine, open_engine
from tianluo.engine.errors import SourceNotLoadedError
from tianluo.workspace import Workspace

LakeWriter = Callable[..., Path]
BEIJING = dt.timezone(dt.timedelta(hours=8))

HUNAN = "430102199001010011"  # seized twice (Z1, Z2), passes gates twice (E1, E2)
HUBEI = "420102198502020022"  # passes a gate, never seized
MISTYPED = "43010219900101001X"  # the same mistyped text in both: an id_number hit, no person
SICHUAN = "510102197003030033"  # seized only


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, minute, tzinfo=BEIJING)


def _ids(values: list[str | None], statuses: list[str]) -> dict[str, pa.Array]:
    return {
        "id_number": pa.array(values, pa.string()),
        "id_number_status": pa.array(statuses, pa.string()),
    }


def gate_events() -> pa.Table:
    return pa.table(
        {
            "event_id": ["E1", "E2", "E3", "E4", "E5"],
            "site_id": ["S1", "S2", "S1", "S1", "S1"],
            # E2 is 00:30 on 2 March in Beijing, still 1 March in UTC
            "ts": pa.array(
                [_at(1, 10), _at(2, 0, 30), _at(5, 9), _at(3, 9), _at(4, 9)],
                pa.timestamp("us", tz="UTC"),
            ),
            **_ids(
                [HUNAN, HUNAN, HUBEI, None, MISTYPED],
                ["valid", "valid", "valid", "missing", "invalid"],
            ),
            "name": ["张三", None, "李四", None, None],
            "phone": ["13800000001", None, None, "13900000002", None],
        }
    )


def seizures() -> pa.Table:
    return pa.table(
        {
            "record_id": ["Z2", "Z1", "Z3", "Z4"],
            **_ids(
                [HUNAN, HUNAN, MISTYPED, SICHUAN],
                ["valid", "valid", "invalid", "valid"],
            ),
            "name": ["张三", "张三", "王五", "赵六"],
            "seized_at": pa.array(
                [_at(20, 9), _at(10, 9), _at(20, 9), _at(20, 9)], pa.timestamp("us", tz="UTC")
            ),
            "lat": [22.8] * 4,
            "lon": [108.3] * 4,
            "disposition": ["education", "fine", "education", "arrest"],
            "phone": ["13700000009", None, None, "13900000002"],
        }
    )


def rentals() -> pa.Table:
    return pa.table(
        {
            "record_id": ["R1", "R2"],
            "tenant_id_number": [HUBEI, SICHUAN],
            "tenant_id_number_status": ["valid", "valid"],
            "landlord_id_number": [HUNAN, None],
            "landlord_id_number_status": ["valid", "missing"],
            "start_date": pa.array([dt.date(2024, 3, 1), dt.date(2024, 3, 9)], pa.date32()),
        }
    )


@pytest.fixture
def loaded(lake: LakeWriter) -> None:
    lake("access_events", gate_events())
    lake("seizures", seizures())
    lake("rentals", rentals())


@pytest.fixture
def duck(workspace: Workspace, loaded: None) -> Engine:
    return open_engine(workspace)


def _hits(engine: Engine, a: Side, b: Side, on: str) -> list[tuple[str, int, str]]:
    found = collide(engine, a, b, on).hits
    columns = [found[c].to_pylist() for c in ("record", "b_records", "b_record_ids")]
    return list(zip(*columns, strict=True))


def test_every_key_kind_on_both_engines(engine: Engine, loaded: None) -> None:
    gates, seized = Side("access_events"), Side("seizures")
    by_id = collide(engine, gates, seized, "id_number")
    assert by_id.totals == CollisionTotals(
        a_records=5, a_keys=3, b_records=4, b_keys=3, hits=3, keys_hit=2
    )
    assert by_id.hits["event_id"].to_pylist() == ["E1", "E2", "E5"]  # ordered by key, record
    assert by_id.hits["b_record_ids"].to_pylist() == ["Z1;Z2", "Z1;Z2", "Z3"]
    assert by_id.hits["b_records"].to_pylist() == [2, 2, 1]
    assert by_id.hits["site_id"].to_pylist() == ["S1", "S2", "S1"]  # A's columns are kept

    by_person = collide(engine, gates, seized, KeyKind.PERSON)
    assert by_person.totals == CollisionTotals(
        a_records=5, a_keys=2, b_records=4, b_keys=2, hits=2, keys_hit=1
    )
    assert _hits(engine, gates, seized, "phone") == [("E4", 1, "Z4")]
    assert _hits(engine, gates, seized, "name") == [("E1", 2, "Z1;Z2")]


def test_time_window_uses_the_local_day(duck: Engine) -> None:
    window = Side("access_events", since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 4))
    found = collide(duck, window, Side("seizures"), "id_number")
    assert found.hits["event_id"].to_pylist() == ["E2", "E5"]
    assert found.totals.a_records == 3  # E2 (local 2 March), E4, E5


def test_window_on_b_and_site_on_a(duck: Engine) -> None:
    before_the_sweep = Side("seizures", until=dt.date(2024, 3, 15))
    assert _hits(duck, Side("access_events"), before_the_sweep, "id_number") == [
        ("E1", 1, "Z1"),
        ("E2", 1, "Z1"),
    ]
    gate_s2 = Side("access_events", site="S2")
    assert _hits(duck, gate_s2, Side("seizures"), "id_number") == [("E2", 2, "Z1;Z2")]


def test_explicit_columns_override_the_default(duck: Engine) -> None:
    tenants = Side("rentals")  # tenant_id_number by default
    assert _hits(duck, tenants, Side("seizures"), "id_number") == [("R2", 1, "Z4")]
    landlords = Side("rentals", column="landlord_id_number")
    assert _hits(duck, landlords, Side("seizures"), "id_number") == [("R1", 2, "Z1;Z2")]
    window = Side("rentals", since=dt.date(2024, 3, 5))  # a date column
    assert collide(duck, window, Side("seizures"), "id_number").totals.a_records == 1


def test_errors_name_the_source_and_the_column(duck: Engine) -> None:
    with pytest.raises(CollisionError, match="'access_events' has no column 'nope'"):
        collide(duck, Side("access_events", column="nope"), Side("seizures"), "id_number")
    with pytest.raises(CollisionError, match="unknown source 'gates'"):
        collide(duck, Side("gates"), Side("seizures"), "id_number")
    with pytest.raises(CollisionError, match="unknown key 'email'"):
        collide(duck, Side("access_events"), Side("seizures"), "email")
    with pytest.raises(CollisionError, match="'rentals' has no column 'site_id'"):
        collide(duck, Side("rentals", site="S1"), Side("seizures"), "id_number")
    with pytest.raises(CollisionError, match="'assets' has no time column"):
        collide(duck, Side("assets", since=dt.date(2024, 1, 1)), Side("seizures"), "id_number")
    with pytest.raises(CollisionError, match="'pings' names no person"):
        collide(duck, Side("pings"), Side("seizures"), "person")
    with pytest.raises(SourceNotLoadedError, match="'defaulters' has not been loaded"):
        collide(duck, Side("access_events"), Side("defaulters"), "id_number")


def test_an_empty_source_hits_nothing(duck: Engine, lake: LakeWriter) -> None:
    empty = pa.table({c: pa.array([], pa.string()) for c in ("case_no", *_ids([], []), "name")})
    lake("defaulters", empty)
    found = collide(duck, Side("access_events"), Side("defaulters"), "id_number")
    assert found.hits.num_rows == 0
    assert found.totals == CollisionTotals(
        a_records=5, a_keys=3, b_records=0, b_keys=0, hits=0, keys_hit=0
    )


def test_hits_are_saved_as_csv_or_parquet(duck: Engine, tmp_path: Path) -> None:
    found = collide(duck, Side("access_events"), Side("seizures"), "id_number")
    saved = pq.read_table(save_hits(found.hits, tmp_path / "hits.parquet"))
    assert saved["event_id"].to_pylist() == ["E1", "E2", "E5"]
    text = save_hits(found.hits, tmp_path / "out" / "hits.csv").read_text(encoding="utf-8")
    assert text.count("\n") == 4 and '"Z1;Z2"' in text
    with pytest.raises(CollisionError, match=r"\.csv or \.parquet"):
        save_hits(found.hits, tmp_path / "hits.xlsx")

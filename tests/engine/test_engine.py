"""The engine layer: the same answers from DuckDB and Spark over the same lake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianluo.engine import Engine, SourceNotLoadedError, open_engine
from tianluo.workspace import Workspace

SHANGHAI = ZoneInfo("Asia/Shanghai")
LakeWriter = Callable[..., Path]


def stamps(*local: str) -> pa.Array:
    """Beijing wall-clock times as UTC instants, as ingest stores them."""
    return pa.array(
        [dt.datetime.fromisoformat(t).replace(tzinfo=SHANGHAI) for t in local],
        pa.timestamp("us", tz="UTC"),
    )


def pings(phones: list[str], local: list[str], lat: float = 22.8) -> pa.Table:
    n = len(phones)
    return pa.table(
        {
            "phone": pa.array(phones, pa.string()),
            "ts": stamps(*local),
            "lat": pa.array([lat] * n, pa.float64()),
            "lon": pa.array([108.3] * n, pa.float64()),
        }
    )


def test_an_unloaded_source_is_named(engine: Engine) -> None:
    assert not engine.has_source("pings")
    with pytest.raises(SourceNotLoadedError, match="'pings' has not been loaded"):
        engine.source("pings")


def test_loads_are_unioned_by_name(engine: Engine, lake: LakeWriter) -> None:
    lake("pings", pings(["13800000001"], ["2024-03-01T10:00:00"]), load_id="L1")
    second = pings(["13800000002"], ["2024-03-02T10:00:00"])
    lake("pings", second.append_column("accuracy_m", pa.array([30.0])), load_id="L2")
    table = engine.source("pings")
    assert {"phone", "ts", "lat", "lon", "accuracy_m", "_load_id"} <= set(table.columns)
    assert "load" not in table.columns  # load=<id> directories are not a column
    rows = engine.to_arrow(table.order_by("phone").select("phone", "accuracy_m", "_load_id"))
    assert rows.to_pylist() == [
        {"phone": "13800000001", "accuracy_m": None, "_load_id": "L1"},
        {"phone": "13800000002", "accuracy_m": 30.0, "_load_id": "L2"},
    ]


def test_the_day_of_a_timestamp_is_the_beijing_day(engine: Engine, lake: LakeWriter) -> None:
    # 23:30 and 00:30 Beijing time share a UTC date (15:30Z and 16:30Z) but not a local one
    lake("pings", pings(["a", "a"], ["2024-03-01T23:30:00", "2024-03-02T00:30:00"]))
    table = engine.source("pings")
    out = engine.to_arrow(table.order_by("ts").select("ts", day=table.ts.date()))
    assert out["day"].to_pylist() == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]
    # instants come back unchanged, in UTC
    assert out["ts"].type == pa.timestamp("us", tz="UTC")
    assert out["ts"].to_pylist() == [
        dt.datetime(2024, 3, 1, 15, 30, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 16, 30, tzinfo=dt.UTC),
    ]


def test_local_day_matches_the_time_zone_rules(engine: Engine, lake: LakeWriter) -> None:
    # 1988 had summer time (UTC+9): 15:30Z on 30 June was 00:30 on 1 July in Beijing
    instants = [
        dt.datetime(1988, 6, 30, 15, 30, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 15, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 16, 0, tzinfo=dt.UTC),
    ]
    table = pa.table({"phone": ["a"] * 3, "ts": pa.array(instants, pa.timestamp("us", tz="UTC"))})
    lake("pings", table.append_column("lat", pa.array([22.8] * 3)))
    pings = engine.source("pings")
    out = engine.to_arrow(pings.order_by("ts").select(day=engine.local_day(pings.ts)))
    assert out["day"].to_pylist() == [dt.date(1988, 7, 1), dt.date(2024, 3, 1), dt.date(2024, 3, 2)]


def test_written_columns_have_the_types_ibis_promises(engine: Engine, workspace: Workspace) -> None:
    data = engine.register("counts", pa.table({"k": ["a", "a", "b"], "n": pa.array([1, 2, 3])}))
    summed = data.group_by("k").aggregate(total=data.n.sum(), rows=data.count())
    path = engine.write_parquet(summed, workspace.derived_path("sums"))
    written = pq.read_table(path)
    assert written.schema.field("total").type == pa.int64()  # DuckDB would say HUGEINT
    assert sorted(written.to_pylist(), key=lambda r: r["k"]) == [
        {"k": "a", "total": 3, "rows": 2},
        {"k": "b", "total": 3, "rows": 1},
    ]


@pytest.mark.parametrize("as_pandas", [False, True])
def test_python_tables_can_be_registered(engine: Engine, as_pandas: bool) -> None:
    data = pa.table({"cell": pa.array([3, 1, 2], pa.int64()), "name": ["c", "a", "b"]})
    registered = engine.register("lookup", data.to_pandas() if as_pandas else data)
    out = engine.to_arrow(registered.filter(registered.cell >= 2).order_by("cell"))
    assert out.to_pylist() == [{"cell": 2, "name": "b"}, {"cell": 3, "name": "c"}]
    assert out.schema.field("cell").type == pa.int64()


def test_results_are_written_and_replaced(engine: Engine, workspace: Workspace) -> None:
    path = workspace.derived_path("numbers")
    first = engine.register("numbers", pa.table({"n": pa.array([1, 2, 3], pa.int64())}))
    assert engine.write_parquet(first, path) == path
    second = engine.register("numbers2", pa.table({"n": pa.array([7], pa.int64())}))
    engine.write_parquet(second.mutate(m=second.n * 2), path)  # replaces the first
    assert pq.read_table(path).to_pylist() == [{"n": 7, "m": 14}]
    back = engine.read_parquet(path, "numbers_back")
    assert engine.to_arrow(back).to_pylist() == [{"n": 7, "m": 14}]
    assert not list(path.parent.glob(".*writing"))


def test_duckdb_runs_in_beijing_time_and_spills_inside_the_workspace(
    workspace: Workspace,
) -> None:
    with open_engine(workspace) as engine:
        raw = engine.backend.con  # type: ignore[attr-defined]
        setting = raw.execute(
            "SELECT current_setting('TimeZone'), current_setting('temp_directory')"
        )
        zone, temp = setting.fetchone()
        assert zone == "Asia/Shanghai"
        assert Path(temp).is_relative_to(workspace.root)
        local = raw.execute("SELECT CAST(TIMESTAMPTZ '2024-03-01 16:30:00+00' AS DATE)")
        assert local.fetchone() == (dt.date(2024, 3, 2),)


def test_duckdb_creates_missing_views_and_keeps_existing_ones(
    workspace: Workspace, lake: LakeWriter
) -> None:
    lake("pings", pings(["a"], ["2024-03-01T10:00:00"]))
    lake("sites", pa.table({"site_id": ["s1"], "kind": ["den"]}))
    with open_engine(workspace) as engine:
        raw = engine.backend.con  # type: ignore[attr-defined]
        raw.execute("CREATE VIEW sites AS SELECT 'ingest' AS made_by")  # as if ingest made it
        assert engine.to_arrow(engine.source("pings")).num_rows == 1
        assert engine.to_arrow(engine.source("sites")).to_pylist() == [{"made_by": "ingest"}]
    with open_engine(workspace) as engine:  # the view persists in W/tianluo.duckdb
        views = engine.backend.con.execute(  # type: ignore[attr-defined]
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        assert views == [("pings",), ("sites",)]


def test_table_names_are_checked(engine: Engine) -> None:
    with pytest.raises(ValueError, match="invalid table name"):
        engine.register('x"; DROP TABLE y; --', pd.DataFrame({"a": [1]}))


def test_local_day_numbers_round_trip(engine: Engine, lake: LakeWriter) -> None:
    # summer time in 1988, the UTC+8 shift at midnight, a day before 1970
    instants = [
        dt.datetime(1988, 6, 30, 15, 30, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 15, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 16, 0, tzinfo=dt.UTC),
        dt.datetime(1900, 1, 2, 12, 0, tzinfo=dt.UTC),
    ]
    table = pa.table({"phone": ["a"] * 4, "ts": pa.array(instants, pa.timestamp("us", tz="UTC"))})
    lake("pings", table)
    pings = engine.source("pings")
    number = engine.local_day_number(pings.ts)
    query = pings.order_by("ts").select(
        day=engine.local_day(pings.ts), number=number, back=engine.day_from_number(number)
    )
    out = engine.to_arrow(query).to_pylist()
    days = [dt.date(1900, 1, 2), dt.date(1988, 7, 1), dt.date(2024, 3, 1), dt.date(2024, 3, 2)]
    epoch = dt.date(1970, 1, 1)
    assert out == [{"day": d, "number": (d - epoch).days, "back": d} for d in days]


def test_label_columns_read_and_write_as_text(engine: Engine, workspace: Workspace) -> None:
    names = pa.array(["S-2", None, "S-1", "S-2"]).dictionary_encode()
    labels = engine.register("labels", pa.table({"i": pa.array([0, 1, 2, 3]), "name": names}))
    other = engine.register("numbers", pa.table({"i": pa.array([0, 2, 3, 4])}))
    joined = other.left_join(labels, "i").select("i", "name").order_by("i")
    assert labels.schema()["name"].is_string()
    rows = engine.to_arrow(joined)
    assert rows.schema.field("name").type == pa.string()
    assert rows.to_pylist() == [
        {"i": 0, "name": "S-2"},
        {"i": 2, "name": "S-1"},
        {"i": 3, "name": "S-2"},
        {"i": 4, "name": None},
    ]
    written = pq.read_table(engine.write_parquet(joined, workspace.derived_path("labels")))
    assert written.schema.field("name").type == pa.string()
    assert sorted(written.to_pylist(), key=lambda r: r["i"]) == rows.to_pylist()


def test_an_empty_label_column_is_text(engine: Engine) -> None:
    empty = pa.array([], pa.string()).dictionary_encode()
    labels = engine.register("nothing", pa.table({"i": pa.array([], pa.int64()), "name": empty}))
    assert engine.to_arrow(labels).num_rows == 0
    assert labels.schema()["name"].is_string()


def test_duckdb_keeps_label_columns_as_enums(workspace: Workspace) -> None:
    with open_engine(workspace) as engine:
        names = pa.array(["S-1", "S-2"]).dictionary_encode()
        engine.register("labels", pa.table({"i": pa.array([0, 1]), "name": names}))
        raw = engine.backend.con  # type: ignore[attr-defined]
        types = dict(
            raw.execute("SELECT column_name, column_type FROM (DESCRIBE labels)").fetchall()
        )
        assert types["name"].startswith("ENUM(")


def test_per_group_steps_give_the_same_rows_on_every_engine(engine: Engine) -> None:
    def _spread(group: pd.DataFrame, scale: float) -> pd.DataFrame:
        """A per-group step: each group's total, scaled, and its first member.

        (Defined here so that Spark's workers get it by value: they cannot import
        a test module.)
        """
        return pd.DataFrame(
            {
                "group": [int(group["group"].iloc[0])],
                "total": [float(group["x"].sum()) * scale],
                "first": [str(group["name"].min())],
            }
        )

    frame = pd.DataFrame(
        {"group": [2, 1, 2, 3, 1], "x": [1.0, 2.0, 3.0, 4.0, 5.0], "name": list("edcba")}
    )
    schema = pa.schema([("group", pa.int64()), ("total", pa.float64()), ("first", pa.string())])
    out = engine.map_groups(frame, "group", partial(_spread, scale=10.0), schema)
    rows = out.sort_values("group").to_dict("records")
    assert rows == [
        {"group": 1, "total": 70.0, "first": "a"},
        {"group": 2, "total": 40.0, "first": "c"},
        {"group": 3, "total": 40.0, "first": "b"},
    ]
    empty = engine.map_groups(frame.iloc[:0], "group", partial(_spread, scale=1.0), schema)
    assert list(empty.columns) == ["group", "total", "first"] and empty.empty

"""Loading feeds: good rows to the lake, bad rows to quarantine, reloads add nothing."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from feedmaker import PING_HEADER, ping, write_csv, write_parquet

from tianluo.ingest import FeedRefused, load_feed
from tianluo.model import idnumber
from tianluo.workspace import Workspace

REGIONS = ("450102", "450103", "430102", "110101", "520102", "510104", "440103", "650102")


def lake_rows(ws: Workspace, source: str, columns: str = "*") -> list[tuple[object, ...]]:
    with duckdb.connect(str(ws.database)) as con:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        return con.execute(f"SELECT {columns} FROM {source} ORDER BY _line").fetchall()


def quarantine_rows(ws: Workspace) -> list[tuple[object, ...]]:
    with duckdb.connect(str(ws.database)) as con:
        return con.execute(
            "SELECT source, file, line, field, reason, severity FROM quarantine ORDER BY line"
        ).fetchall()


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.at(tmp_path / "ws")


def test_good_rows_reach_the_lake_with_provenance(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(), ping(phone="+86 139-0013-9000")])
    report = load_feed(feed, ws)
    (pings,) = report.sources
    assert (pings.rows_read, pings.rows_kept, pings.rows_quarantined) == (2, 2, 0)
    rows = lake_rows(ws, "pings", "phone, _file, _line, _load_id")
    assert rows == [
        ("13800138000", "pings.csv", 2, report.load_id),
        ("13900139000", "pings.csv", 3, report.load_id),
    ]
    with duckdb.connect(str(ws.database)) as con:
        loads = con.execute("SELECT load_id, feed FROM loads").fetchall()
    assert loads == [(report.load_id, str(feed.resolve()))]
    manifest = json.loads((ws.loads / f"{report.load_id}.json").read_text())
    assert manifest["sources"][0]["rows_kept"] == 2


def test_timestamps_without_offset_are_shanghai_time(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(
        feed,
        "pings",
        PING_HEADER,
        [
            ping(ts="2026-03-01 10:00:00"),
            ping(ts="2026-03-01T02:00:00Z"),
            ping(ts="2026-03-01T10:00:00+08:00"),
        ],
    )
    load_feed(feed, ws)
    rows = lake_rows(ws, "pings", "CAST(ts AS VARCHAR)")
    assert {r[0] for r in rows} == {"2026-03-01 10:00:00+08"}


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (ping(ts="2026/03/01 10:00"), "ts", "ts: not an ISO 8601 timestamp in 1900-2099"),
        (ping(ts="2026-02-30 10:00:00"), "ts", "ts: not an ISO 8601 timestamp in 1900-2099"),
        (ping(ts=""), "ts", "ts: empty"),
        (ping(lat="200"), "lat", "lat: not a number in -90..90"),
        (ping(lon="abc"), "lon", "lon: not a number in -180..180"),
        (ping(phone="1380013800"), "phone", "phone: not an 11-digit mainland mobile"),
    ],
)
def test_bad_rows_are_quarantined_with_file_line_field_reason(
    tmp_path: Path, ws: Workspace, row: list[str], field: str, reason: str
) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(), row, ping(phone="13700137000")])
    report = load_feed(feed, ws)
    (pings,) = report.sources
    assert (pings.rows_read, pings.rows_kept) == (3, 2)
    assert dict(pings.quarantined) == {reason: 1}
    assert quarantine_rows(ws) == [("pings", "pings.csv", 3, field, reason, "row")]
    assert pings.examples[0].startswith(f"pings.csv line 3, field {reason}")


def test_record_with_wrong_field_count_is_quarantined_with_its_line(
    tmp_path: Path, ws: Workspace
) -> None:
    feed = tmp_path / "feed"
    path = write_csv(feed, "pings", PING_HEADER, [ping(), ping(phone="13700137000")])
    path.write_text(path.read_text() + "1,2\n" + ",".join(ping(phone="13600136000")) + "\n")
    report = load_feed(feed, ws)
    assert report.sources[0].rows_kept == 3
    assert quarantine_rows(ws) == [
        ("pings", "pings.csv", 4, None, "record has 2 fields, the header has 4", "row")
    ]
    assert [r[0] for r in lake_rows(ws, "pings", "_line")] == [2, 3, 5]


def test_missing_required_column_refuses_the_whole_load(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping()])
    write_csv(feed, "sites", ["site_id", "name", "kind", "lat"], [["S1", "x", "venue", "22.8"]])
    with pytest.raises(FeedRefused) as refused:
        load_feed(feed, ws)
    assert refused.value.column == "lon"
    assert "sites.csv" in str(refused.value) and "'lon'" in str(refused.value)
    assert not ws.lake_files("pings")  # nothing half-written
    assert not list(ws.loads.glob("*.json"))
    assert not any(ws.staging.iterdir()) if ws.staging.exists() else True


def test_identity_numbers_are_checked_converted_and_explained(
    tmp_path: Path, ws: Workspace
) -> None:
    feed = tmp_path / "feed"
    header = ["phone", "id_number", "activated_at"]
    write_csv(
        feed,
        "phones",
        header,
        [
            ["13800138000", "450102199003071238", "2025-01-01"],  # valid, Nanning man
            ["13800138001", "43010219851224002x", "2025-01-01"],  # valid, lower-case x
            ["13800138002", "450102900307123", "2025-01-01"],  # legacy 15 digits
            ["13800138003", "450102199003071230", "2025-01-01"],  # wrong check character
            ["13800138004", "450102199003071283", "2025-01-01"],  # two digits transposed
            ["13800138005", "", "2025-01-01"],  # missing
        ],
    )
    report = load_feed(feed, ws)
    assert report.sources[0].rows_kept == 6  # mistyped numbers are data, not errors
    rows = lake_rows(
        ws,
        "phones",
        "id_number, id_number_status, id_number_province, "
        "id_number_city, CAST(id_number_birth_date AS VARCHAR), id_number_sex",
    )
    assert rows == [
        ("450102199003071238", "valid", "广西壮族自治区", "南宁市", "1990-03-07", "M"),
        ("43010219851224002X", "valid", "湖南省", "长沙市", "1985-12-24", "F"),
        ("450102199003071238", "legacy", "广西壮族自治区", "南宁市", "1990-03-07", "M"),
        ("450102199003071230", "invalid", None, None, None, None),
        ("450102199003071283", "invalid", None, None, None, None),
        (None, "missing", None, None, None, None),
    ]


def test_duplicate_rows_within_a_feed_are_kept_once(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(), ping(), ping(phone="13700137000"), ping()])
    (pings,) = load_feed(feed, ws).sources
    assert (pings.rows_read, pings.rows_kept, pings.duplicates_in_feed) == (4, 2, 2)
    assert [r[0] for r in lake_rows(ws, "pings", "_line")] == [2, 4]


def test_reloading_the_same_feed_adds_nothing(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(), ping(lat="200"), ping(phone="13700137000")])
    first = load_feed(feed, ws).sources[0]
    second = load_feed(feed, ws).sources[0]
    assert (first.rows_kept, first.rows_quarantined) == (2, 1)
    assert (second.rows_kept, second.rows_quarantined, second.duplicates_already_loaded) == (
        0,
        0,
        3,
    )
    assert len(lake_rows(ws, "pings")) == 2
    assert len(quarantine_rows(ws)) == 1


def test_a_feed_with_some_new_rows_adds_only_those(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    old = [ping(), ping(phone="13700137000")]
    write_csv(feed, "pings", PING_HEADER, old)
    load_feed(feed, ws)
    write_csv(feed, "pings", PING_HEADER, [*old, ping(phone="13600136000")])
    (pings,) = load_feed(feed, ws).sources
    assert (pings.rows_read, pings.rows_kept, pings.duplicates_already_loaded) == (3, 1, 2)
    assert sorted(r[0] for r in lake_rows(ws, "pings", "phone")) == [
        "13600136000",
        "13700137000",
        "13800138000",
    ]


def test_parquet_partitions_and_gzip_are_read(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    table = pa.table(
        {
            "phone": ["13800138000", "13700137000"],
            "ts": pa.array([1772359200, 1772362800], pa.timestamp("s")),  # naive 10:00, 11:00
            "lat": [22.8, 95.0],
            "lon": [108.3, 108.4],
        }
    )
    write_parquet(feed, "pings/day=1/part-0.parquet", table)
    write_csv(
        feed,
        "sites",
        ["site_id", "name", "kind", "lat", "lon", "district"],
        [["S1", "某小区", "Compound", "22.8", "108.3", "青秀区"]],
        gz=True,
    )
    report = load_feed(feed, ws)
    by_source = {s.source: s for s in report.sources}
    assert by_source["pings"].rows_kept == 1
    assert dict(by_source["pings"].quarantined) == {"lat: not a number in -90..90": 1}
    assert quarantine_rows(ws)[0][:3] == ("pings", "pings/day=1/part-0.parquet", 2)
    # naive Parquet timestamps are local (Asia/Shanghai) time, as in CSV
    assert lake_rows(ws, "pings", "CAST(ts AS VARCHAR)") == [("2026-03-01 10:00:00+08",)]
    assert lake_rows(ws, "sites", "kind, district") == [("compound", "青秀区")]


def test_optional_bad_field_is_cleared_and_kept_in_quarantine(
    tmp_path: Path, ws: Workspace
) -> None:
    feed = tmp_path / "feed"
    write_csv(
        feed,
        "access_events",
        ["event_id", "site_id", "ts", "phone", "direction"],
        [
            ["E1", "S1", "2026-03-01 08:00:00", "not-a-phone", "in"],
            ["E2", "S1", "2026-03-01 09:00:00", "13800138000", "sideways"],
        ],
    )
    (events,) = load_feed(feed, ws).sources
    assert events.rows_kept == 2
    assert dict(events.fields_cleared) == {
        "phone: not an 11-digit mainland mobile": 1,
        "direction: not one of in|out": 1,
    }
    assert lake_rows(ws, "access_events", "event_id, phone, direction") == [
        ("E1", None, "in"),
        ("E2", "13800138000", None),
    ]
    assert [r[3:] for r in quarantine_rows(ws)] == [
        ("phone", "phone: not an 11-digit mainland mobile", "field"),
        ("direction", "direction: not one of in|out", "field"),
    ]


def test_extra_columns_are_kept_and_unknown_files_reported(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", [*PING_HEADER, "cell_id"], [[*ping(), "C-1"]])
    (feed / "notes.txt").write_text("not a source")
    (feed / "truth").mkdir()
    report = load_feed(feed, ws)
    assert report.ignored == ["notes.txt"]
    assert lake_rows(ws, "pings", "cell_id") == [("C-1",)]


def test_every_row_read_is_accounted_for(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    rows = [ping(), ping(), ping(lat="x"), ping(lat="x"), ping(phone="13700137000")]
    write_csv(feed, "pings", PING_HEADER, rows)
    (s,) = load_feed(feed, ws).sources
    assert s.rows_read == s.rows_kept + s.rows_quarantined + s.duplicates == 5


def test_absent_optional_columns_have_their_kind_type(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(
        feed, "phones", ["phone", "id_number", "activated_at"], [["13800138000", "", "2025-01-01"]]
    )
    load_feed(feed, ws)
    with duckdb.connect(str(ws.database)) as con:
        types = dict(
            con.execute("SELECT column_name, column_type FROM (DESCRIBE phones)").fetchall()
        )
    assert (types["name"], types["imei"], types["activated_at"]) == (
        "VARCHAR",
        "VARCHAR",
        "TIMESTAMP WITH TIME ZONE",
    )


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-03-01T10:00:00+0800", "2026-03-01 02:00:00"),
        ("2026-03-01T10:00:00+08", "2026-03-01 02:00:00"),
        ("2026-03-01T02:00:00Z", "2026-03-01 02:00:00"),
        ("2026-03-01 04:00:00-05:00", "2026-03-01 09:00:00"),
        ("2026-03-01T10:00:00.250", "2026-03-01 02:00:00.25"),
        ("2026-03-01", "2026-02-28 16:00:00"),
        ("1988-06-01 12:00:00", "1988-06-01 03:00:00"),  # Shanghai kept summer time then
    ],
)
def test_timestamp_forms(tmp_path: Path, ws: Workspace, text: str, utc: str) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(ts=text)])
    assert load_feed(feed, ws).sources[0].rows_kept == 1
    rows = lake_rows(ws, "pings", "CAST(timezone('UTC', ts) AS VARCHAR)")
    assert rows == [(utc,)]


@pytest.mark.parametrize("text", ["2026-3-1 10:00", "10:00:00", "01/03/2026", "2026-03-01X"])
def test_timestamps_of_other_shapes_are_refused(tmp_path: Path, ws: Workspace, text: str) -> None:
    feed = tmp_path / "feed"
    write_csv(feed, "pings", PING_HEADER, [ping(ts=text)])
    assert dict(load_feed(feed, ws).sources[0].quarantined) == {
        "ts: not an ISO 8601 timestamp in 1900-2099": 1
    }


def test_zoned_parquet_timestamps_are_kept_as_instants(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    table = pa.table(
        {
            "phone": ["13800138000"],
            "ts": pa.array([1772330400], pa.timestamp("s", tz="UTC")),
            "lat": [22.8],
            "lon": [108.3],
        }
    )
    write_parquet(feed, "pings.parquet", table)
    load_feed(feed, ws)
    assert lake_rows(ws, "pings", "CAST(ts AS VARCHAR)") == [("2026-03-01 10:00:00+08",)]


def test_identity_numbers_agree_with_the_python_rules(tmp_path: Path, ws: Workspace) -> None:
    rng = random.Random(11)
    raws: list[str] = []
    for i in range(400):
        born = dt.date(1920, 1, 1) + dt.timedelta(days=rng.randrange(35_000))
        number = idnumber.make(f"{rng.choice(REGIONS)}", born, rng.randrange(1000))
        kind = i % 5
        if kind == 1 and number[6:8] == "19":
            number = idnumber.to_legacy(number)
        elif kind == 2:
            number = number[:17] + rng.choice("0123456789X")
        elif kind == 3:
            j = rng.randrange(16)
            number = number[:j] + number[j + 1] + number[j] + number[j + 2 :]
        elif kind == 4:
            number = f" {number[:9]} {number[9:].lower()} "
        raws.append(number)
    feed = tmp_path / "feed"
    rows = [[f"138{i:08d}", raw, "2025-01-01"] for i, raw in enumerate(raws)]
    write_csv(feed, "phones", ["phone", "id_number", "activated_at"], rows)
    load_feed(feed, ws)
    got = lake_rows(
        ws,
        "phones",
        "id_number, id_number_status, id_number_province_code, id_number_birth_date, id_number_sex",
    )
    for raw, row in zip(raws, got, strict=True):
        parsed = idnumber.parse(raw)
        ok = parsed.status in (idnumber.IdStatus.VALID, idnumber.IdStatus.LEGACY)
        expected = (
            parsed.number,
            parsed.status.value,
            parsed.province_code[:2] if parsed.province_code else None,
            parsed.birth_date if ok else None,
            parsed.sex,
        )
        assert row == expected, raw
    assert {r[1] for r in got} == {"valid", "legacy", "invalid"}

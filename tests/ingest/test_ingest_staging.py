"""Feeds of many files: duplicates in feed order, bad rows split from good ones, reloads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from feedmaker import PING_HEADER, ping, write_csv, write_parquet

from tianluo.ingest import load_feed
from tianluo.ingest.duplicates import found_in, repeated
from tianluo.workspace import Workspace

A = ping(phone="13800138000")
B = ping(phone="13700137000")
C = ping(phone="13600136000")
BAD = ping(phone="13500135000", lat="200")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.at(tmp_path / "ws")


def lake(ws: Workspace, source: str = "pings") -> list[tuple[object, ...]]:
    with duckdb.connect(str(ws.database)) as con:
        return con.execute(
            f"SELECT phone, _file, _line FROM {source} ORDER BY _file, _line"
        ).fetchall()


def quarantined(ws: Workspace) -> list[tuple[object, ...]]:
    with duckdb.connect(str(ws.database)) as con:
        return con.execute(
            "SELECT file, line, reason FROM quarantine WHERE severity = 'row' ORDER BY file, line"
        ).fetchall()


def test_repeats_across_files_keep_the_first_in_feed_order(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed / "pings", "part-1", PING_HEADER, [A, B])
    write_csv(feed / "pings", "part-2", PING_HEADER, [B, C, A, C])
    (pings,) = load_feed(feed, ws).sources
    assert (pings.rows_read, pings.rows_kept, pings.duplicates_in_feed) == (6, 3, 3)
    assert lake(ws) == [
        ("13800138000", "pings/part-1.csv", 2),
        ("13700137000", "pings/part-1.csv", 3),
        ("13600136000", "pings/part-2.csv", 3),
    ]


def test_bad_rows_in_any_file_go_to_quarantine_and_good_ones_stay(
    tmp_path: Path, ws: Workspace
) -> None:
    feed = tmp_path / "feed"
    write_csv(feed / "pings", "part-1", PING_HEADER, [A])
    write_csv(feed / "pings", "part-2", PING_HEADER, [B, BAD, C])  # first bad row: rewritten
    other_bad = ping(phone="13400134000", ts="2026-02-30 10:00:00")
    write_csv(feed / "pings", "part-3", PING_HEADER, [other_bad, A])  # split as written
    write_csv(feed / "pings", "part-4", PING_HEADER, [ping(phone="13900139000")])
    (pings,) = load_feed(feed, ws).sources
    assert (pings.rows_read, pings.rows_kept, pings.rows_quarantined) == (7, 4, 2)
    assert pings.duplicates_in_feed == 1  # A again in part-3
    assert [(f, line) for _, f, line in lake(ws)] == [
        ("pings/part-1.csv", 2),
        ("pings/part-2.csv", 2),
        ("pings/part-2.csv", 4),
        ("pings/part-4.csv", 2),
    ]
    assert quarantined(ws) == [
        ("pings/part-2.csv", 3, "lat: not a number in -90..90"),
        ("pings/part-3.csv", 2, "ts: not an ISO 8601 timestamp in 1900-2099"),
    ]


def test_a_grown_feed_adds_only_its_new_rows_in_every_file(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    write_csv(feed / "pings", "part-1", PING_HEADER, [A, BAD])
    first = load_feed(feed, ws).sources[0]
    assert (first.rows_kept, first.rows_quarantined) == (1, 1)
    write_csv(feed / "pings", "part-2", PING_HEADER, [C, A, BAD, C])
    (second,) = load_feed(feed, ws).sources
    assert second.rows_read == 6
    assert (second.rows_kept, second.rows_quarantined) == (1, 0)
    assert (second.duplicates_already_loaded, second.duplicates_in_feed) == (4, 1)
    assert lake(ws) == [
        ("13800138000", "pings/part-1.csv", 2),
        ("13600136000", "pings/part-2.csv", 2),
    ]
    assert len(quarantined(ws)) == 1


def test_parquet_partitions_with_bad_and_repeated_rows(tmp_path: Path, ws: Workspace) -> None:
    feed = tmp_path / "feed"
    ts = pa.array([1772359200] * 3, pa.timestamp("s"))
    for part, phones, lats in (
        (0, ["13800138000", "13700137000", "13800138000"], [22.8, 22.9, 22.8]),
        (1, ["13600136000", "13700137000", "1360013600"], [22.7, 22.9, 22.7]),
    ):
        table = pa.table({"phone": phones, "ts": ts, "lat": lats, "lon": [108.3] * 3})
        write_parquet(feed, f"pings/part-{part}.parquet", table)
    (pings,) = load_feed(feed, ws).sources
    assert (pings.rows_read, pings.rows_kept, pings.rows_quarantined) == (6, 3, 1)
    assert pings.duplicates_in_feed == 2
    assert lake(ws) == [
        ("13800138000", "pings/part-0.parquet", 1),
        ("13700137000", "pings/part-0.parquet", 2),
        ("13600136000", "pings/part-1.parquet", 1),
    ]
    assert quarantined(ws) == [
        ("pings/part-1.parquet", 3, "phone: not an 11-digit mainland mobile")
    ]
    again = load_feed(feed, ws).sources[0]
    assert (again.rows_kept, again.rows_quarantined, again.duplicates_already_loaded) == (0, 0, 6)


def test_sorted_hashes_find_repeats_and_earlier_loads(tmp_path: Path) -> None:
    hashes = np.array([5, 3, 9, 3, 7, 5, 3], dtype=np.int64)
    assert repeated(hashes).tolist() == [3, 5]
    assert hashes.tolist() == [3, 3, 3, 5, 5, 7, 9]  # sorted in place
    earlier = tmp_path / "earlier.parquet"
    pa.parquet.write_table(pa.table({"_row_hash": pa.array([9, 1, 3, 9], pa.int64())}), earlier)
    assert found_in(hashes, [earlier], batch_rows=2).tolist() == [3, 9]
    assert found_in(hashes[:0], [earlier]).tolist() == []

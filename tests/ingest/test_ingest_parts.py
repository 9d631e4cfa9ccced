"""Parquet files cut into parts on several connections load exactly as in one piece."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianluo.ingest import load_feed
from tianluo.ingest.duplicates import HashCollector
from tianluo.ingest.parallel import run_parallel, threads_of
from tianluo.ingest.readers import parquet_parts
from tianluo.settings import Settings
from tianluo.workspace import Workspace

ROWS = 300_000


def test_parts_end_at_row_groups_and_cut_big_ones() -> None:
    # pings as gen_feed writes them: three groups of 2**20 rows and one smaller
    assert parquet_parts([1 << 20] * 3 + [854_272], 2_000_000) == [
        (0, 2_097_152),
        (2_097_152, 4_000_000),
    ]
    # a table written whole: one big group is cut inside, the small last one joins a part
    assert parquet_parts([1 << 20, 1_452], 525_014) == [(0, 524_288), (524_288, 1_050_028)]
    assert parquet_parts([10_000] * 30, 100_000) == [
        (0, 120_000),
        (120_000, 240_000),
        (240_000, 300_000),
    ]
    assert parquet_parts([2_000], 100_000) == [(0, 2_000)]
    # a huge group is read once per part: cut into no more parts than threads
    assert parquet_parts([3_000_000, 3_000_000, 10], 1_000_000, cuts=2) == [
        (0, 1_500_000),
        (1_500_000, 3_000_000),
        (3_000_000, 4_500_000),
        (4_500_000, 6_000_010),
    ]
    assert parquet_parts([9_000_000], 1_000_000, cuts=2) == [(0, 4_500_000), (4_500_000, 9_000_000)]
    assert parquet_parts([], 100_000) == []


def _pings(rng: np.random.Generator, rows: int) -> pa.Table:
    phones = (13_800_000_000 + rng.integers(0, 5_000, rows)).astype(str).astype(object)
    lat = np.round(rng.uniform(22.6, 23.0, rows), 6)
    ts = 1_772_359_200 + rng.integers(0, 86_400, rows)
    # repeats of earlier rows, far from their first copy (another part, another file)
    copies = rng.choice(rows // 2, 50, replace=False)
    phones[rows - 50 :], lat[rows - 50 :], ts[rows - 50 :] = phones[copies], lat[copies], ts[copies]
    phones[[7, rows // 2 + 3]] = "1380013800"  # bad: ten digits, in two parts
    lat[rows // 3] = 95.0  # bad: out of range
    return pa.table(
        {
            "phone": pa.array(phones, pa.string()),
            "ts": pa.array(ts, pa.timestamp("s")),
            "lat": lat,
            "lon": np.full(rows, 108.3),
        }
    )


def _lake(ws: Workspace) -> tuple[pa.Table, list[tuple[object, ...]]]:
    with duckdb.connect(str(ws.database)) as con:
        kept = con.execute("SELECT _file, _line, phone, ts, lat, _row_hash FROM pings ORDER BY ALL")
        rows = kept.fetch_arrow_table()
        refused = con.execute("SELECT file, line, reason FROM quarantine ORDER BY ALL").fetchall()
    return rows, refused


def test_files_cut_into_parts_load_as_in_one_piece(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    feed = tmp_path / "feed" / "pings"
    feed.mkdir(parents=True)
    table = _pings(rng, ROWS)
    pq.write_table(table, feed / "part-0.parquet", row_group_size=25_000)  # cut at groups
    pq.write_table(table.slice(0, 1_000), feed / "part-1.parquet")  # all repeats of part-0
    pq.write_table(_pings(rng, ROWS), feed / "part-2.parquet", row_group_size=ROWS)  # cut inside
    cut, whole = Workspace.at(tmp_path / "cut"), Workspace.at(tmp_path / "whole")
    threads = max(threads_of(duckdb.connect()), 2)
    parts = load_feed(
        feed.parent, cut, settings=Settings(ingest_batch_rows=100_000, duckdb_threads=threads)
    )
    one = load_feed(feed.parent, whole, settings=Settings(duckdb_threads=1))
    assert len(list(cut.lake_files("pings"))) > len(list(whole.lake_files("pings")))
    (a,), (b,) = parts.sources, one.sources
    assert (a.rows_read, a.rows_kept, a.duplicates_in_feed, dict(a.quarantined)) == (
        b.rows_read,
        b.rows_kept,
        b.duplicates_in_feed,
        dict(b.quarantined),
    )
    assert a.rows_read == 2 * ROWS + 1_000 and a.duplicates_in_feed >= 1_000 + 50
    assert _lake(cut) == _lake(whole)


def test_hashes_gathered_by_threads_come_out_sorted() -> None:
    rng = np.random.default_rng(5)
    parts = [rng.integers(0, 2**63 - 1, n, dtype=np.int64) for n in (1_000, 0, 7, 30_000)]
    everything = np.sort(np.concatenate(parts))
    for rows in (len(everything), None):
        collector = HashCollector(rows)
        threads = [threading.Thread(target=collector.add, args=(p,)) for p in parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert np.array_equal(collector.sorted(len(everything), threads=2), everything)
    full = HashCollector(10)
    with pytest.raises(RuntimeError, match="more row hashes"):
        full.add(np.arange(11, dtype=np.int64))


def test_parallel_statements_stop_at_the_first_error() -> None:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    done: list[int] = []

    def work(cursor: duckdb.DuckDBPyConnection, item: int) -> None:
        assert threads_of(cursor) == 1  # each statement on its caller's thread
        if item < 0:
            raise ValueError(f"part {item} cannot be read")
        row = cursor.execute("SELECT ?::INTEGER * 2", [item]).fetchone()
        done.append(row[0] if row else -1)

    with pytest.raises(ValueError, match="part -1"):
        run_parallel(con, [0, 1, -1, *range(2, 100)], work, setup=lambda cursor: None)
    assert len(done) < 99  # the others stopped taking parts
    assert threads_of(con) == 2  # and the database has its threads back
    done.clear()
    run_parallel(con, range(10), work, setup=lambda cursor: None)
    assert sorted(done) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]

    def no_session(cursor: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("no session")

    with pytest.raises(RuntimeError, match="no session"):
        run_parallel(con, range(10), work, setup=no_session)
    assert threads_of(con) == 2

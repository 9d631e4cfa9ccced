"""Reading feed files: headers, encodings, line numbers, unreadable files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from feedmaker import PING_HEADER, ping, write_csv

from tianluo.contract.sources import SOURCES
from tianluo.ingest import FeedRefused
from tianluo.ingest.discover import discover
from tianluo.ingest.readers import _record_lines, header, open_file, read_ahead

PINGS = SOURCES["pings"]


def test_header_names_are_matched_case_insensitively(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "pings", [" Phone", "TS", "lat", "lon", "Cell"], [[*ping(), "c"]])
    assert header(path, PINGS) == ["phone", "ts", "lat", "lon", "Cell"]


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "pings.csv"
    path.write_text("\ufeffphone,ts,lat,lon\n13800138000,2026-03-01,22.8,108.3\n", "utf-8")
    assert header(path, PINGS)[0] == "phone"


def test_gb18030_files_from_older_systems_are_read(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(
        "site_id,name,kind,lat,lon\nS1,青秀小区,compound,22.8,108.3\n".encode("gb18030")
    )
    opened = open_file(path, SOURCES["sites"], lambda r: None)
    batch = next(opened.batches)
    assert batch.column("name").to_pylist() == ["青秀小区"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("phone,ts,lat\n", "missing required column 'lon'"),
        ("phone,ts,lat,lon,ts\n", "appears twice"),
        ("phone,ts,lat,lon,_line\n", "reserved"),
    ],
)
def test_bad_headers_are_refused_naming_file_and_column(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "pings.csv"
    path.write_text(content)
    with pytest.raises(FeedRefused, match=message) as refused:
        header(path, PINGS)
    assert str(path) in str(refused.value)


def test_unreadable_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pings.parquet"
    path.write_bytes(b"this is not parquet")
    with pytest.raises(FeedRefused, match=r"pings\.parquet"):
        header(path, PINGS)


def test_line_numbers_skip_invalid_records() -> None:
    # lines 2..9 hold records; lines 4 and 7 were invalid and skipped
    lines = _record_lines(0, 6, [4, 7])
    assert lines.tolist() == [2, 3, 5, 6, 8, 9]
    assert _record_lines(3, 3, [7, 4]).tolist() == [6, 8, 9]
    assert np.array_equal(_record_lines(0, 3, []), [2, 3, 4])


def test_discover_finds_files_and_partition_directories(tmp_path: Path) -> None:
    write_csv(tmp_path, "pings", PING_HEADER, [ping()])
    write_csv(tmp_path / "calls", "part-1", ["caller", "callee", "ts", "duration_s"], [])
    (tmp_path / "readme.md").write_text("x")
    (tmp_path / "truth").mkdir()
    found, ignored = discover(tmp_path)
    assert [(f.source, len(f.files)) for f in found] == [("pings", 1), ("calls", 1)]
    assert [p.name for p in ignored] == ["readme.md"]


def test_read_ahead_keeps_order_raises_errors_and_stops_when_left() -> None:
    assert list(read_ahead(iter(range(5)))) == [0, 1, 2, 3, 4]

    def failing() -> Iterator[int]:
        yield 1
        raise FeedRefused(Path("pings.csv"), "not readable")

    got: list[int] = []
    with pytest.raises(FeedRefused, match="not readable"):
        got.extend(read_ahead(failing()))
    assert got == [1]
    produced: list[int] = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    ahead = read_ahead(endless())
    assert next(ahead) == 0
    ahead.close()  # the producer stops: at most the queue's depth more was read
    count = len(produced)
    assert count <= 3
    assert not any(t.name == "tianluo-read-ahead" for t in threading.enumerate())

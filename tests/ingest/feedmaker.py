"""Write small feeds for ingest tests: a source as CSV, CSV.gz or Parquet."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PING_HEADER = ["phone", "ts", "lat", "lon"]


def write_csv(
    feed: Path, source: str, header: list[str], rows: list[list[str]], *, gz: bool = False
) -> Path:
    """Write ``<feed>/<source>.csv`` (or ``.csv.gz``) with a header and rows."""
    feed.mkdir(parents=True, exist_ok=True)
    path = feed / f"{source}.csv{'.gz' if gz else ''}"
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_parquet(feed: Path, name: str, table: pa.Table) -> Path:
    """Write a Parquet file at ``<feed>/<name>`` (``pings.parquet`` or ``pings/part-0.parquet``)."""
    path = feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def ping(
    phone: str = "13800138000",
    ts: str = "2026-03-01 10:00:00",
    lat: str = "22.81",
    lon: str = "108.37",
) -> list[str]:
    return [phone, ts, lat, lon]

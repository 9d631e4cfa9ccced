"""Write a large synthetic feed (contract format) for benchmarks: pings, phones, sites.

    python -m benchmarks.gen_feed OUT_DIR --pings 100000000 --phones 1000000 --csv-rows 1000000

``OUT_DIR/pings/`` is a directory of Parquet partitions written a few million rows
at a time, so memory stays small whatever the size. Phones live mostly in a Nanning
box (22.6-23.0 N, 108.1-108.6 E): each has a home, and most of its pings fall near
it (a few hundred metres), the rest anywhere in the box or, for 2 %, elsewhere in
Guangxi. Timestamps spread over 30 days from 2024-03-01 (Beijing time). Five per
cent of the phones were re-issued (two subscriptions) and a few carry a mistyped
identity number. ``--csv-rows N`` also writes ``OUT_DIR/csv/``: a complete smaller
feed with the first N pings as CSV, for timing CSV ingest. This is load data, not a
simulation: nothing here is planted for detectors to find.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.contract.sources import SITE_KINDS
from tianluo.model.idnumber import CHECK_CHARS

BBOX = (22.6, 108.1, 23.0, 108.6)  # min lat, min lon, max lat, max lon
GUANGXI = (21.5, 105.5, 26.3, 112.0)
START = dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAYS = 30
PHONE_BASE = 13_900_000_000
# county-level region codes of Nanning and of provinces that send many recruits
REGIONS = (450102, 450103, 450105, 450107, 430102, 360102, 520102, 510104, 420102, 440103)
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _phone_strings(numbers: np.ndarray) -> pa.Array:
    return pa.array(numbers, pa.int64()).cast(pa.string())


def _id_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid 18-character resident identity numbers (GB 11643), vectorised."""
    region = rng.choice(np.array(REGIONS), n)
    birth = np.datetime64("1960-01-01") + rng.integers(0, 40 * 365, n).astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
    seq = rng.integers(0, 1000, n)
    first17 = np.char.add(np.char.add(region.astype(str), ymd), np.char.zfill(seq.astype(str), 3))
    digits = first17.astype("<U17").view("<U1").reshape(n, 17).astype(np.int64)
    check = np.array(list(CHECK_CHARS))[(digits * WEIGHTS).sum(axis=1) % 11]
    return np.char.add(first17, check)


def write_phones(out: Path, rng: np.random.Generator, n_phones: int) -> pa.Table:
    numbers = PHONE_BASE + np.arange(n_phones, dtype=np.int64) * 97
    ids = _id_numbers(rng, n_phones).astype(object)
    ids[rng.random(n_phones) < 0.01] = "4501021990"  # mistyped: too short
    activated = rng.integers(0, 3 * 365 * 86_400, n_phones)
    reissued = np.nonzero(rng.random(n_phones) < 0.05)[0]
    phones = np.concatenate([numbers, numbers[reissued]])
    owners = np.concatenate([ids, _id_numbers(rng, len(reissued)).astype(object)])
    base = np.datetime64("2020-01-01T00:00:00", "s")
    seconds = np.concatenate(
        [activated, 3 * 365 * 86_400 + rng.integers(0, 86_400 * 30, len(reissued))]
    )
    table = pa.table(
        {
            "phone": _phone_strings(phones),
            "id_number": pa.array(owners, pa.string()),
            "activated_at": pa.array(base + seconds.astype("timedelta64[s]")).cast(
                pa.timestamp("s", tz="UTC")
            ),
            "carrier": pa.array(rng.choice(["cmcc", "unicom", "telecom"], len(phones))),
        }
    )
    pq.write_table(table, out / "phones.parquet", compression="zstd")
    return table


def write_sites(out: Path, rng: np.random.Generator, n_sites: int) -> pa.Table:
    kinds = rng.choice(np.array(SITE_KINDS), n_sites, p=[0.5, 0.2, 0.2, 0.1])
    table = pa.table(
        {
            "site_id": pa.array([f"S{i:05d}" for i in range(n_sites)]),
            "name": pa.array([f"site {i}" for i in range(n_sites)]),
            "kind": pa.array(kinds),
            "lat": rng.uniform(BBOX[0], BBOX[2], n_sites),
            "lon": rng.uniform(BBOX[1], BBOX[3], n_sites),
            "radius_m": rng.choice([50.0, 100.0, 200.0], n_sites),
        }
    )
    pq.write_table(table, out / "sites.parquet")
    return table


def ping_chunk(
    rng: np.random.Generator, home_lat: np.ndarray, home_lon: np.ndarray, size: int
) -> pa.Table:
    """``size`` pings of random phones of the population."""
    who = rng.integers(0, len(home_lat), size)
    lat = home_lat[who] + rng.normal(0.0, 0.003, size)
    lon = home_lon[who] + rng.normal(0.0, 0.003, size)
    roam = rng.random(size)
    anywhere = roam < 0.25
    lat[anywhere] = rng.uniform(BBOX[0], BBOX[2], anywhere.sum())
    lon[anywhere] = rng.uniform(BBOX[1], BBOX[3], anywhere.sum())
    away = roam > 0.98
    lat[away] = rng.uniform(GUANGXI[0], GUANGXI[2], away.sum())
    lon[away] = rng.uniform(GUANGXI[1], GUANGXI[3], away.sum())
    start_us = int(START.timestamp() * 1e6)
    ts = start_us + rng.integers(0, DAYS * 86_400 * 10**6, size)
    return pa.table(
        {
            "phone": _phone_strings(PHONE_BASE + who.astype(np.int64) * 97),
            "ts": pa.array(ts, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "accuracy_m": rng.choice([10.0, 50.0, 300.0], size).astype(np.float32),
        }
    )


def _csv_copy(table: pa.Table) -> pa.Table:
    """The table with timestamps as ISO 8601 text with offset, as a CSV feed carries them."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            text = pc.strftime(table[field.name], format="%Y-%m-%dT%H:%M:%S+00:00")
            table = table.set_column(i, field.name, text)
    return table


def generate(
    out: Path,
    *,
    pings: int = 100_000_000,
    phones: int = 1_000_000,
    sites: int = 2_000,
    chunk_rows: int = 4_000_000,
    csv_rows: int = 0,
    seed: int = 0,
) -> dict[str, Any]:
    """Write the feed into ``out`` and return what was written and how long it took."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    (out / "pings").mkdir(parents=True, exist_ok=True)
    phone_table = write_phones(out, rng, phones)
    site_table = write_sites(out, rng, sites)
    home_lat = rng.uniform(BBOX[0], BBOX[2], phones)
    home_lon = rng.uniform(BBOX[1], BBOX[3], phones)
    csv_writer = None
    if csv_rows:
        (out / "csv").mkdir(exist_ok=True)
        pacsv.write_csv(_csv_copy(phone_table), out / "csv" / "phones.csv")
        pacsv.write_csv(site_table, out / "csv" / "sites.csv")
    written = 0
    for part, start in enumerate(range(0, pings, chunk_rows)):
        table = ping_chunk(rng, home_lat, home_lon, min(chunk_rows, pings - start))
        pq.write_table(
            table,
            out / "pings" / f"part-{part:05d}.parquet",
            compression="zstd",
            row_group_size=1 << 20,
        )
        if written < csv_rows:
            sample = _csv_copy(table.slice(0, csv_rows - written))
            if csv_writer is None:
                csv_writer = pacsv.CSVWriter(out / "csv" / "pings.csv", sample.schema)
            csv_writer.write_table(sample)
            written += sample.num_rows
    if csv_writer is not None:
        csv_writer.close()
    return {
        "out": str(out),
        "pings": pings,
        "phones": phones,
        "sites": sites,
        "csv_rows": written,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pings", type=int, default=100_000_000)
    parser.add_argument("--phones", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=2_000)
    parser.add_argument("--chunk-rows", type=int, default=4_000_000)
    parser.add_argument("--csv-rows", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    figures = generate(
        args.out,
        pings=args.pings,
        phones=args.phones,
        sites=args.sites,
        chunk_rows=args.chunk_rows,
        csv_rows=args.csv_rows,
        seed=args.seed,
    )
    print(json.dumps(figures, default=str))  # benchmarks.run reads it as JSON


if __name__ == "__main__":
    main()

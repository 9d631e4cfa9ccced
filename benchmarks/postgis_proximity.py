"""Benchmark: our daily proximity step against PostGIS on the same pings and sites.

    python -m benchmarks.postgis_proximity FEED_DIR --pings 1000000
    python -m benchmarks.run --only postgis --pings 10000000   # and merge the figures

What a user would otherwise reach for is PostgreSQL with PostGIS. This script takes
the first N pings of a benchmark feed (``benchmarks.gen_feed``) with all its phones
and sites, ingests them into a fresh workspace with ``tianluo.ingest`` and runs our
step (``daily_presence`` on DuckDB, written to Parquet) on it; then, in the same run,
loads the same rows from that workspace's lake into PostGIS (``COPY``; pings get a
``geography`` point, sites a GiST index on theirs, one partial index per kind) and runs
the equivalent query in each of two forms a competent PostGIS user would write:

- ``dwithin``: per ping and site kind, ``LEFT JOIN LATERAL`` over the sites of that
  kind with ``ST_DWithin(site, ping, cap)`` (index-assisted), ``ORDER BY ST_Distance``
  and ``LIMIT 1``;
- ``knn``: per ping and kind, ``LEFT JOIN LATERAL`` ordered by the GiST KNN operator
  ``site <-> ping`` with ``LIMIT 1`` (the index walks to the nearest site directly),
  kept when within the cap.

Both then aggregate per person (the owner of the phone, as ``tianluo.detectors.keys``
resolves it: the latest subscription's valid identity number, else the phone) and
Beijing day: pings, and per kind the smallest distance with its site (ties by site id).
Distances are on the sphere (``use_spheroid => false``), as ours are, so the answers
can be compared: the script matches the two tables row for row and reports the
person-day counts, the largest distance difference (ours is documented to be within
39.3 m of the exact value) and the share of nearest-site ids that agree.

Reported separately: our ingest and query; PostGIS's load (COPY), index build,
ANALYZE and each query (``CREATE UNLOGGED TABLE ... AS``, the counterpart of our
Parquet write). The ratio is PostGIS query time over ours, and end to end (load,
index and query against ingest and query). PostGIS leaves out the city test that our
step also does, so the ratio is, if anything, in PostGIS's favour. Sessions use
``work_mem`` 256 MB and one parallel worker besides the leader (two cores). The
machine may be shared, so load averages are recorded, and CPU seconds next to wall
time: ours from the process, the server's from ``/proc`` (its backend and the reaped
parallel workers; run as root or postgres, with the server on this machine).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from benchmarks import presence as presence_benchmark
from tianluo.contract.sources import SITE_KINDS
from tianluo.detectors.presence import PresenceSettings
from tianluo.ingest import load_feed
from tianluo.workspace import Workspace

DEFAULT_DSN = "host=/var/run/postgresql user=postgres"
DATABASE = "tianluo_bench"
BOUND_M = 39.3  # Grid.max_offset_m at the default cells_per_degree
SESSION = (
    "SET work_mem = '256MB'",
    "SET maintenance_work_mem = '1GB'",
    "SET max_parallel_workers_per_gather = 1",  # the leader plus one worker: two cores
    "SET max_parallel_maintenance_workers = 1",
    # each ping costs index probes: let the planner split the pings between both cores
    "SET parallel_setup_cost = 100",
    "SET parallel_tuple_cost = 0.01",
    "SET TIME ZONE 'Asia/Shanghai'",
)
SCHEMA = """
DROP TABLE IF EXISTS pings, phones, sites, presence_dwithin, presence_knn;
CREATE UNLOGGED TABLE pings (
    phone bigint NOT NULL,
    ts timestamptz NOT NULL,
    lon float8 NOT NULL,
    lat float8 NOT NULL,
    geog geography(Point, 4326)
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED
);
CREATE UNLOGGED TABLE phones (
    phone bigint NOT NULL,
    id_number text,
    id_number_status text,
    activated_at timestamptz
);
CREATE UNLOGGED TABLE sites (
    site_id text PRIMARY KEY,
    kind text NOT NULL,
    lon float8 NOT NULL,
    lat float8 NOT NULL,
    geog geography(Point, 4326)
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED
);
"""
OWNERS = """
owners AS (
    SELECT DISTINCT ON (phone) phone, person_key
    FROM (
        SELECT phone, activated_at,
               CASE WHEN id_number_status IN ('valid', 'legacy') AND id_number IS NOT NULL
                    THEN id_number ELSE phone::text END AS person_key
        FROM phones
    ) keyed
    ORDER BY phone, activated_at DESC, person_key DESC
)"""


def _nearest(form: str, kind: str, cap_m: float) -> str:
    """The LATERAL subquery that finds the nearest site of one kind to ping ``p``."""
    alias = f"n_{kind}"
    if form == "dwithin":
        return f"""
    LEFT JOIN LATERAL (
        SELECT s.site_id, ST_Distance(s.geog, p.geog, false) AS d
        FROM sites s
        WHERE s.kind = '{kind}' AND ST_DWithin(s.geog, p.geog, {cap_m}, false)
        ORDER BY d, s.site_id
        LIMIT 1
    ) {alias} ON true"""
    if form == "knn":
        return f"""
    LEFT JOIN LATERAL (
        SELECT site_id, d FROM (
            SELECT s.site_id, s.geog <-> p.geog AS d
            FROM sites s
            WHERE s.kind = '{kind}'
            ORDER BY s.geog <-> p.geog
            LIMIT 1
        ) knn WHERE d <= {cap_m}
    ) {alias} ON true"""
    raise ValueError(form)


def presence_sql(form: str, cap_m: float) -> str:
    """The PostGIS daily presence query (pings and per kind nearest site within the cap)."""
    lateral = "".join(_nearest(form, k, cap_m) for k in SITE_KINDS)
    per_ping = ", ".join(f"n_{k}.site_id AS id_{k}, n_{k}.d AS d_{k}" for k in SITE_KINDS)
    per_day = ",\n    ".join(
        f"round(min(d_{k})::numeric, 3)::float8 AS min_dist_{k}_m, "
        f"(array_agg(id_{k} ORDER BY d_{k}, id_{k}) FILTER (WHERE d_{k} IS NOT NULL))[1] "
        f"AS nearest_{k}"
        for k in SITE_KINDS
    )
    return f"""
WITH {OWNERS},
located AS (
    SELECT coalesce(o.person_key, p.phone::text) AS person_key,
           (p.ts AT TIME ZONE 'Asia/Shanghai')::date AS day,
           {per_ping}
    FROM pings p
    LEFT JOIN owners o ON o.phone = p.phone{lateral}
)
SELECT person_key, day, count(*) AS pings,
    {per_day}
FROM located
GROUP BY person_key, day"""


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _ticks(pid: int, *, children: bool) -> float:
    """CPU seconds of a local process (``children``: those of its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    first = 13 if children else 11  # utime, stime or cutime, cstime (0-based after the name)
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


class ServerCpu:
    """CPU seconds the server spends on one session: its backend plus its parallel workers.

    Workers are children of the postmaster, whose reaped-children times include them
    once they exit (along with any other backend that ends meanwhile: an upper bound).
    Needs the server on this machine and /proc readable (root or the postgres user).
    """

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        row = conn.execute("SELECT pg_backend_pid(), current_setting('data_directory')").fetchone()
        assert row is not None
        self.backend = int(row[0])
        pid_file = Path(row[1]) / "postmaster.pid"
        self.postmaster = int(pid_file.read_text().split()[0])

    def now(self) -> float:
        try:
            own = _ticks(self.backend, children=False)
            return own + _ticks(self.postmaster, children=True)
        except (OSError, IndexError, ValueError):
            return float("nan")


def sample_feed(feed: Path, out: Path, pings: int) -> Path:
    """A feed with the first ``pings`` pings of ``feed`` (files in name order) and all else."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "pings").mkdir(parents=True)
    for name in ("phones.parquet", "sites.parquet"):
        shutil.copy(feed / name, out / name)
    wanted = pings
    writer: pq.ParquetWriter | None = None
    for path in sorted((feed / "pings").glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1 << 20):
            piece = batch.slice(0, wanted)
            if writer is None:
                writer = pq.ParquetWriter(
                    out / "pings" / "part-00000.parquet", piece.schema, compression="zstd"
                )
            writer.write_batch(piece)
            wanted -= piece.num_rows
            if not wanted:
                break
        if not wanted:
            break
    if writer is not None:
        writer.close()
    if wanted:
        raise ValueError(f"{feed} has fewer than {pings} pings")
    return out


def _csv_chunks(
    files: list[Path], columns: list[str], cast: dict[str, pa.DataType]
) -> Iterator[bytes]:
    """The rows of Parquet ``files`` as CSV text (no header), a million rows at a time."""
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1 << 20, columns=columns):
            table = pa.Table.from_batches([batch])
            for name, type_ in cast.items():
                index = table.schema.get_field_index(name)
                table = table.set_column(index, name, pc.cast(table[name], type_))
            sink = io.BytesIO()
            pacsv.write_csv(
                table.select(columns),
                sink,
                pacsv.WriteOptions(include_header=False, quoting_style="needed"),
            )
            yield sink.getvalue()


def _copy(
    cur: psycopg.Cursor[Any], table: str, columns: list[str], chunks: Iterator[bytes]
) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
        for chunk in chunks:
            copy.write(chunk)


def _ensure_database(dsn: str) -> None:
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(f"{dsn} dbname={DATABASE}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def postgis_load(conn: psycopg.Connection[Any], workspace: Workspace) -> dict[str, float]:
    """Load pings, phones and sites from the workspace's lake; build indexes; ANALYZE."""
    timings: dict[str, float] = {}
    with conn.cursor() as cur:
        cur.execute(SCHEMA)
        started = time.perf_counter()
        ping_columns = ["phone", "ts", "lon", "lat"]
        _copy(
            cur,
            "pings",
            ping_columns,
            _csv_chunks(workspace.lake_files("pings"), ping_columns, {"phone": pa.int64()}),
        )
        phone_columns = ["phone", "id_number", "id_number_status", "activated_at"]
        _copy(
            cur,
            "phones",
            phone_columns,
            _csv_chunks(workspace.lake_files("phones"), phone_columns, {"phone": pa.int64()}),
        )
        site_columns = ["site_id", "kind", "lon", "lat"]
        _copy(
            cur, "sites", site_columns, _csv_chunks(workspace.lake_files("sites"), site_columns, {})
        )
        timings["load_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute("CREATE INDEX sites_geog ON sites USING gist (geog)")
        for kind in SITE_KINDS:
            cur.execute(
                f"CREATE INDEX sites_geog_{kind} ON sites USING gist (geog) WHERE kind = '{kind}'"
            )
        cur.execute("CREATE INDEX phones_phone ON phones (phone)")
        timings["index_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute("ANALYZE pings")
        cur.execute("ANALYZE phones")
        cur.execute("ANALYZE sites")
        timings["analyze_seconds"] = time.perf_counter() - started
    return {k: round(v, 2) for k, v in timings.items()}


def postgis_query(
    conn: psycopg.Connection[Any], form: str, cap_m: float, cpu: ServerCpu
) -> dict[str, Any]:
    """Run one form into an unlogged table; return its time, rows and plan outline."""
    sql = presence_sql(form, cap_m)
    with conn.cursor() as cur:
        plan = [r[0] for r in cur.execute(f"EXPLAIN {sql}").fetchall()]
        cur.execute(f"DROP TABLE IF EXISTS presence_{form}")
        load_before = _load()
        cpu_started = cpu.now()
        started = time.perf_counter()
        cur.execute(f"CREATE UNLOGGED TABLE presence_{form} AS {sql}")
        seconds = time.perf_counter() - started
        cpu_seconds = cpu.now() - cpu_started
        rows = cur.execute(f"SELECT count(*) FROM presence_{form}").fetchone()
    parallel = any("Gather" in line for line in plan)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 1),
        "rows_out": rows[0] if rows else None,
        "parallel_plan": parallel,
        "plan_top": [line.strip() for line in plan[:3]],
        "load_before": load_before,
        "load_after": _load(),
    }


def fetch_result(conn: psycopg.Connection[Any], form: str, path: Path) -> Path:
    """Write a PostGIS result table to Parquet (through CSV) for the comparison."""
    columns = ["person_key", "day", "pings"] + [
        c for k in SITE_KINDS for c in (f"min_dist_{k}_m", f"nearest_{k}")
    ]
    sink = io.BytesIO()
    with (
        conn.cursor() as cur,
        cur.copy(
            f"COPY (SELECT {', '.join(columns)} FROM presence_{form}) "
            "TO STDOUT WITH (FORMAT csv, HEADER)"
        ) as copy,
    ):
        for block in copy:
            sink.write(block)
    sink.seek(0)
    types = {"person_key": pa.string(), "day": pa.date32(), "pings": pa.int64()}
    types |= {f"min_dist_{k}_m": pa.float64() for k in SITE_KINDS}
    types |= {f"nearest_{k}": pa.string() for k in SITE_KINDS}
    table = pacsv.read_csv(sink, convert_options=pacsv.ConvertOptions(column_types=types))
    pq.write_table(table, path)
    return path


def compare(ours: Path, theirs: Path) -> dict[str, Any]:
    """Row-for-row agreement of our presence table with a PostGIS one."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW a AS SELECT * FROM read_parquet('{ours}')")
    con.execute(f"CREATE VIEW b AS SELECT * FROM read_parquet('{theirs}')")
    on = "a.person_key = b.person_key AND a.day = b.day"
    one = con.execute(
        f"""SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b),
                   count(*), count(*) FILTER (WHERE a.pings <> b.pings)
            FROM a JOIN b ON {on}"""
    ).fetchone()
    assert one is not None
    figures: dict[str, Any] = {
        "person_days_ours": one[0],
        "person_days_postgis": one[1],
        "person_days_matched": one[2],
        "ping_count_mismatches": one[3],
        "per_kind": {},
    }
    worst = 0.0
    for k in SITE_KINDS:
        da, db = f"a.min_dist_{k}_m", f"b.min_dist_{k}_m"
        row = con.execute(
            f"""SELECT
                  count(*) FILTER (WHERE {da} IS NOT NULL AND {db} IS NOT NULL),
                  max(abs({da} - {db})),
                  avg(CASE WHEN a.nearest_{k} = b.nearest_{k} THEN 1.0 ELSE 0.0 END)
                      FILTER (WHERE {da} IS NOT NULL AND {db} IS NOT NULL),
                  count(*) FILTER (WHERE ({da} IS NULL) <> ({db} IS NULL)),
                  count(*) FILTER (WHERE ({da} IS NULL) <> ({db} IS NULL)
                      AND abs(coalesce({da}, {db}) - {PresenceSettings().cap_m}) > {BOUND_M})
                FROM a JOIN b ON {on}"""
        ).fetchone()
        assert row is not None
        worst = max(worst, row[1] or 0.0)
        figures["per_kind"][k] = {
            "both_found": row[0],
            "max_abs_diff_m": round(row[1] or 0.0, 3),
            "same_nearest_share": round(float(row[2] or 0.0), 6),
            "found_by_one_only": row[3],
            "found_by_one_only_not_near_cap": row[4],
        }
    figures["max_abs_diff_m"] = round(worst, 3)
    figures["within_bound"] = bool(
        worst <= BOUND_M
        and figures["person_days_ours"] == figures["person_days_postgis"] == one[2]
        and not one[3]
        and all(v["found_by_one_only_not_near_cap"] == 0 for v in figures["per_kind"].values())
    )
    return figures


def run(
    feed: Path, pings: int, *, work: Path, dsn: str, forms: tuple[str, ...], cap_m: float
) -> dict[str, Any]:
    """Both sides on the first ``pings`` pings of ``feed``, back to back."""
    sample = sample_feed(feed, work / "feed", pings)
    workspace_dir = work / "ws"
    shutil.rmtree(workspace_dir, ignore_errors=True)
    started = time.perf_counter()
    cpu_started = presence_benchmark._cpu_seconds()
    load_feed(sample, Workspace.at(workspace_dir))
    ingest_seconds = round(time.perf_counter() - started, 2)
    ingest_cpu = round(presence_benchmark._cpu_seconds() - cpu_started, 1)
    workspace = Workspace.at(workspace_dir, create=False)
    ours = presence_benchmark.run(workspace, settings=PresenceSettings(cap_m=cap_m))

    _ensure_database(dsn)
    figures: dict[str, Any] = {
        "benchmark": "postgis",
        "feed": str(feed),
        "pings": ours["pings"],
        "sites": ours["sites"],
        "cap_m": cap_m,
        "ours": {"ingest_seconds": ingest_seconds, "ingest_cpu_seconds": ingest_cpu, **ours},
    }
    with psycopg.connect(f"{dsn} dbname={DATABASE}", autocommit=True) as conn:
        for statement in SESSION:
            conn.execute(statement)
        cpu = ServerCpu(conn)
        server = conn.execute("SELECT version(), postgis_lib_version()").fetchone()
        assert server is not None
        figures["postgis"] = {
            "server": f"{server[0].split(' on ')[0]}, PostGIS {server[1]}",
            "session": [s.removeprefix("SET ") for s in SESSION],
            **postgis_load(conn, workspace),
        }
        setup = figures["postgis"]["load_seconds"] + figures["postgis"]["index_seconds"]
        setup += figures["postgis"]["analyze_seconds"]
        for form in forms:
            result = postgis_query(conn, form, cap_m, cpu)
            theirs = fetch_result(conn, form, work / f"postgis_{form}.parquet")
            result["agreement"] = compare(workspace.derived_path("presence_daily"), theirs)
            result["ratio_query"] = round(result["seconds"] / ours["seconds"], 1)
            result["ratio_query_cpu"] = round(result["cpu_seconds"] / ours["cpu_seconds"], 1)
            result["ratio_end_to_end"] = round(
                (setup + result["seconds"]) / (ingest_seconds + ours["seconds"]), 1
            )
            figures["postgis"][form] = result
            print(json.dumps({form: result}), file=sys.stderr, flush=True)
    figures["cores"] = os.cpu_count()
    figures["machine_shared"] = True
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed", type=Path, help="a feed written by benchmarks.gen_feed")
    parser.add_argument("--pings", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=None, help="default: bench-data/postgis-N")
    parser.add_argument("--dsn", default=DEFAULT_DSN, help="libpq keywords, without dbname")
    parser.add_argument("--forms", default="knn,dwithin")
    parser.add_argument("--cap-m", type=float, default=PresenceSettings().cap_m)
    args = parser.parse_args()
    work = args.work or Path("bench-data") / f"postgis-{args.pings}"
    figures = run(
        args.feed,
        args.pings,
        work=work,
        dsn=args.dsn,
        forms=tuple(args.forms.split(",")),
        cap_m=args.cap_m,
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Daily presence on a small hand-made city, checked against brute force over every ping and site.

The expected table is computed here without the grid: local day with pandas, owner
with pandas, exact haversine from every ping to every site, exact point-in-polygon.
The detector measures from cell centres, so its distances may differ by at most the
grid's bound; where a ping lies within that bound of the cap or of the city border,
either answer is accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import Polygon

from tianluo.detectors.grid import Grid
from tianluo.detectors.presence import (
    PresenceSettings,
    daily_presence,
    presence_columns,
    write_daily_presence,
)
from tianluo.engine import Engine, SourceNotLoadedError, open_engine
from tianluo.workspace import Workspace

LakeWriter = Callable[..., Path]
KINDS = ("compound", "venue", "den", "other")
RADIUS_M = 6_371_008.8
CAP_M = 3000.0

CITY = Polygon(
    [(108.25, 22.72), (108.45, 22.72), (108.48, 22.82), (108.35, 22.90), (108.22, 22.82)]
)
shapely.prepare(CITY)

SITES = pd.DataFrame(
    [
        ("C-3", "compound", 22.80, 108.30),
        ("C-1", "compound", 22.83, 108.40),
        ("C-2", "compound", 22.76, 108.36),
        ("V-1", "venue", 22.81, 108.33),
        ("V-2", "venue", 22.78, 108.42),
        ("D-1", "den", 22.79, 108.31),
        ("D-2", "den", 22.99, 108.99),  # moved by the second load, below
        ("O-1", "other", 22.70, 108.20),
    ],
    columns=["site_id", "kind", "lat", "lon"],
)
D2_MOVED = (22.85, 108.37)

PHONES = pd.DataFrame(
    [
        ("13800000001", "450102199001011234", "valid", "2021-01-01"),  # two phones, one person
        ("13800000002", "450102199001011234", "valid", "2022-01-01"),
        ("13800000003", "430102198501011111", "valid", "2020-01-01"),  # re-issued: latest wins
        ("13800000003", "110101197001012222", "valid", "2023-06-01"),
        ("13800000004", "12345", "invalid", "2022-01-01"),  # bad number: key is the phone
        ("13800000005", "450102800101123", "legacy", "2019-01-01"),  # legacy number kept
        ("13800000007", None, "missing", "2022-01-01"),
        ("13800000008", "360102199202023333", "valid", "2022-01-01"),
    ],
    columns=["phone", "id_number", "id_number_status", "activated_at"],
)


def in_city(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    return np.asarray(shapely.contains_xy(CITY, lons, lats))


def haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2, dphi = np.radians(lat1), np.radians(lat2), np.radians(lat2 - lat1)
    dlmb = np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * RADIUS_M * np.arcsin(np.sqrt(h))


def north_of(lat: float, lon: float, metres: float) -> tuple[float, float]:
    return lat + metres / (RADIUS_M * np.pi / 180), lon


def make_pings() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows: list[tuple[str, pd.Timestamp, float, float]] = []
    start = pd.Timestamp("2024-03-01", tz="Asia/Shanghai")
    for phone in [f"1380000000{i}" for i in range(1, 8)]:
        n = 40
        minutes = rng.integers(0, 3 * 24 * 60, n)
        lat, lon = rng.uniform(22.70, 22.90, n), rng.uniform(108.20, 108.50, n)
        rows += [
            (phone, start + pd.Timedelta(minutes=int(m)), a, o)
            for m, a, o in zip(minutes, lat, lon, strict=True)
        ]
    # far from every site and outside the city: NULL distances
    rows += [("13800000008", start + pd.Timedelta(hours=h), 23.30, 108.90) for h in (3, 30)]
    # 23:30 and 00:30 Beijing time: one UTC date, two local days; no subscription
    rows += [
        ("13900000009", pd.Timestamp("2024-03-01T23:30:00+08:00"), 22.80, 108.30),
        ("13900000009", pd.Timestamp("2024-03-02T00:30:00+08:00"), 22.80, 108.30),
    ]
    # just inside and just outside the cap of the only "other" site
    lat, lon = SITES.loc[SITES.site_id == "O-1", ["lat", "lon"]].iloc[0]
    rows.append(("13900000010", start + pd.Timedelta(hours=12), *north_of(lat, lon, CAP_M - 100)))
    rows.append(("13900000011", start + pd.Timedelta(hours=12), *north_of(lat, lon, CAP_M + 100)))
    frame = pd.DataFrame(rows, columns=["phone", "ts", "lat", "lon"])
    frame["ts"] = pd.to_datetime(frame.ts, utc=True)
    # keep random pings clear of the city border, where the cell centre may fall either way
    border = np.array(
        [
            CITY.exterior.distance(shapely.Point(o, a))
            for a, o in zip(frame.lat, frame.lon, strict=True)
        ]
    )
    return frame[border > 0.001].reset_index(drop=True)


def load_city(lake: LakeWriter) -> pd.DataFrame:
    pings = make_pings()
    ts = pa.array(pings.ts.dt.tz_convert("UTC"), pa.timestamp("us", tz="UTC"))
    lake(
        "pings",
        pa.table({"phone": pings.phone, "ts": ts, "lat": pings.lat, "lon": pings.lon}),
        load_id="L1",
        part=0,
    )
    phones = PHONES.assign(
        activated_at=pd.to_datetime(PHONES.activated_at).dt.tz_localize("Asia/Shanghai")
    )
    table = pa.Table.from_pandas(phones, preserve_index=False)
    lake(
        "phones",
        table.set_column(
            3, "activated_at", table["activated_at"].cast(pa.timestamp("us", tz="UTC"))
        ),
    )
    lake(
        "sites", pa.Table.from_pandas(SITES.assign(name="site"), preserve_index=False), load_id="L1"
    )
    moved = SITES[SITES.site_id == "D-2"].assign(lat=D2_MOVED[0], lon=D2_MOVED[1], name="site")
    lake("sites", pa.Table.from_pandas(moved, preserve_index=False), load_id="L2")
    return pings


def current_sites() -> pd.DataFrame:
    sites = SITES.copy()
    sites.loc[sites.site_id == "D-2", ["lat", "lon"]] = D2_MOVED
    return sites


def brute_force(pings: pd.DataFrame) -> pd.DataFrame:
    """Per person and day: pings, in_city, and per kind the exact distance to each site."""
    subs = PHONES.sort_values("activated_at").groupby("phone").tail(1)
    known = subs.id_number_status.isin(["valid", "legacy"]) & subs.id_number.notna()
    owner = dict(zip(subs.phone, np.where(known, subs.id_number, subs.phone), strict=True))
    frame = pings.assign(
        person_key=pings.phone.map(owner).fillna(pings.phone),
        day=pings.ts.dt.tz_convert("Asia/Shanghai").dt.date,
        in_city=in_city(pings.lat.to_numpy(), pings.lon.to_numpy()),
    )
    sites = current_sites()
    dist = haversine(
        frame.lat.to_numpy()[:, None],
        frame.lon.to_numpy()[:, None],
        sites.lat.to_numpy()[None, :],
        sites.lon.to_numpy()[None, :],
    )
    for i, site in enumerate(sites.site_id):
        frame[site] = dist[:, i]
    agg = {"pings": ("phone", "size"), "in_city": ("in_city", "any")} | {
        s: (s, "min") for s in sites.site_id
    }
    return frame.groupby(["person_key", "day"]).agg(**agg).reset_index()


def check_against_brute_force(
    got: pd.DataFrame, pings: pd.DataFrame, grid: Grid, cap_m: float
) -> None:
    want = brute_force(pings)
    slack = grid.max_offset_m()
    assert list(got.columns) == presence_columns()
    assert len(got) == len(want)
    merged = want.merge(got, on=["person_key", "day"], suffixes=("", "_got"), validate="one_to_one")
    assert len(merged) == len(want)
    assert (merged.pings == merged.pings_got).all()
    assert (merged.in_city == merged.in_city_got).all()
    sites = current_sites()
    for kind in KINDS:
        ids = sites.site_id[sites.kind == kind].tolist()
        exact = merged[ids].min(axis=1)
        reported, named = merged[f"min_dist_{kind}_m"], merged[f"nearest_{kind}"]
        inside, outside = exact < cap_m - slack, exact > cap_m + slack
        assert reported[outside].isna().all() and named[outside].isna().all()
        assert reported[inside].notna().all()
        assert (reported[inside] - exact[inside]).abs().max() <= slack
        for row, site in named[inside].items():
            # the named site is the nearest, or as near as makes no difference at this grid size
            assert site in ids and merged.at[row, site] <= exact[row] + 2 * slack


def as_frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas().sort_values(["person_key", "day"]).reset_index(drop=True)


def test_presence_matches_brute_force(engine: Engine, lake: LakeWriter) -> None:
    pings = load_city(lake)
    settings = PresenceSettings(cap_m=CAP_M)
    got = as_frame(engine.to_arrow(daily_presence(engine, settings, in_city=in_city)))
    check_against_brute_force(got, pings, Grid(settings.cells_per_degree), CAP_M)
    # the hand-placed cases, spelled out
    by_key = got.set_index(["person_key", "day"])
    two_phones = got[got.person_key == "450102199001011234"]
    assert two_phones.pings.sum() == (pings.phone.isin(["13800000001", "13800000002"])).sum()
    assert "110101197001012222" in set(got.person_key) and "430102198501011111" not in set(
        got.person_key
    )
    assert {"13800000004", "13800000007", "450102800101123"} <= set(got.person_key)
    far = got[got.person_key == "360102199202023333"]
    assert len(far) == 2 and not far.in_city.any()
    assert far[[f"min_dist_{k}_m" for k in KINDS]].isna().all().all()
    midnight = got[got.person_key == "13900000009"]
    assert midnight.day.tolist() == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]
    assert midnight.nearest_compound.tolist() == ["C-3", "C-3"]
    assert midnight.min_dist_compound_m.max() <= Grid(2000).max_offset_m()
    inside = by_key.loc[("13900000010", dt.date(2024, 3, 1))]
    assert inside.nearest_other == "O-1" and abs(inside.min_dist_other_m - (CAP_M - 100)) < 40
    outside = by_key.loc[("13900000011", dt.date(2024, 3, 1))]
    assert pd.isna(outside.min_dist_other_m) and pd.isna(outside.nearest_other)


def test_a_fine_grid_is_nearly_exact(lake: LakeWriter, workspace: Workspace) -> None:
    pings = load_city(lake)
    settings = PresenceSettings(cap_m=CAP_M, cells_per_degree=100_000)
    with open_engine(workspace) as engine:
        got = as_frame(engine.to_arrow(daily_presence(engine, settings, in_city=in_city)))
    assert Grid(100_000).max_offset_m() < 1.0
    check_against_brute_force(got, pings, Grid(100_000), CAP_M)


def test_the_moved_den_is_measured_where_it_is_now(lake: LakeWriter, workspace: Workspace) -> None:
    load_city(lake)
    with open_engine(workspace) as engine:
        got = as_frame(
            engine.to_arrow(daily_presence(engine, PresenceSettings(cap_m=CAP_M), in_city=in_city))
        )
    assert "D-2" in set(got.nearest_den.dropna())


@pytest.mark.spark
def test_duckdb_and_spark_agree_row_for_row(
    lake: LakeWriter, workspace: Workspace, spark: object
) -> None:
    load_city(lake)
    settings = PresenceSettings(cap_m=CAP_M)
    results = {}
    for kind in ("duckdb", "spark"):
        with open_engine(workspace, kind, spark=spark) as engine:  # type: ignore[arg-type]
            results[kind] = as_frame(
                engine.to_arrow(daily_presence(engine, settings, in_city=in_city))
            )
    duck, spark_rows = results["duckdb"], results["spark"]
    assert duck.dtypes.to_dict() == spark_rows.dtypes.to_dict()
    assert len(duck) == len(spark_rows) > 0
    for column in duck.columns:
        if column.startswith("min_dist_"):
            np.testing.assert_allclose(duck[column], spark_rows[column], rtol=1e-6, equal_nan=True)
        else:
            assert duck[column].tolist() == spark_rows[column].tolist(), column


def test_the_table_is_written_to_the_workspace(
    engine: Engine, lake: LakeWriter, workspace: Workspace
) -> None:
    load_city(lake)
    path = write_daily_presence(engine, PresenceSettings(cap_m=CAP_M), in_city=in_city)
    assert path == workspace.derived_path("presence_daily")
    written = pq.read_table(path)
    assert written.column_names == presence_columns()
    assert written.schema.field("day").type == pa.date32()
    assert written.schema.field("pings").type == pa.int64()
    assert written.num_rows == len(brute_force(make_pings()))


def test_without_phones_or_sites_every_phone_is_its_own_person(
    engine: Engine, lake: LakeWriter
) -> None:
    ts = pa.array([dt.datetime(2024, 3, 1, 2, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC"))
    lake("pings", pa.table({"phone": ["13800000001"], "ts": ts, "lat": [22.8], "lon": [108.3]}))
    got = engine.to_arrow(daily_presence(engine, in_city=in_city)).to_pylist()
    assert len(got) == 1
    assert got[0]["person_key"] == "13800000001" and got[0]["in_city"] is True
    assert all(got[0][f"nearest_{k}"] is None for k in KINDS)


def test_without_pings_the_source_is_named(engine: Engine) -> None:
    with pytest.raises(SourceNotLoadedError, match="pings"):
        daily_presence(engine, in_city=in_city)


def test_the_cap_must_fit_the_encoding() -> None:
    with pytest.raises(ValueError, match="cap_m"):
        PresenceSettings(cap_m=2e7)

"""From a CSV feed through ingest to daily presence, on both engines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from tianluo.detectors.presence import PresenceSettings, daily_presence
from tianluo.engine import Engine
from tianluo.ingest import load_feed
from tianluo.workspace import Workspace

PINGS = """phone,ts,lat,lon
+86 138-0000-0001,2024-03-01T23:30:00,22.8000,108.3000
13800000001,2024-03-01T16:30:00Z,22.8000,108.3000
13800000002,2024-03-02 09:00:00+08:00,22.8100,108.3300
13900000009,2024-03-02T10:00:00,23.5000,109.5000
13900000009,2024-03-02T10:00:00,200,109.5
"""
# the last row is refused (latitude 200) and quarantined; it must not be counted
PHONES = """phone,id_number,activated_at
13800000001,11010519491231002X,2021-01-01T00:00:00
13800000002,11010519491231002X,2022-01-01T00:00:00
"""
SITES = """site_id,name,kind,lat,lon
C-1,compound one,compound,22.8000,108.3000
V-1,venue one,venue,22.8100,108.3300
"""


def in_city(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    return (lats < 23.0) & (lons < 108.6)


@pytest.fixture
def ingested(tmp_path: Path, workspace: Workspace) -> Workspace:
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, text in {"pings": PINGS, "phones": PHONES, "sites": SITES}.items():
        (feed / f"{name}.csv").write_text(text, encoding="utf-8")
    load_feed(feed, workspace)
    return workspace


def test_presence_after_ingest(ingested: Workspace, engine: Engine) -> None:
    rows = engine.to_arrow(daily_presence(engine, PresenceSettings(cap_m=3000), in_city=in_city))
    got = sorted(rows.to_pylist(), key=lambda r: (r["person_key"], r["day"]))
    person = "11010519491231002X"
    # 23:30 local (no offset) and 16:30Z = 00:30 local next day; the second phone on day 2
    assert [(r["person_key"], r["day"], r["pings"]) for r in got] == [
        ("11010519491231002X", dt.date(2024, 3, 1), 1),
        ("11010519491231002X", dt.date(2024, 3, 2), 2),
        ("13900000009", dt.date(2024, 3, 2), 1),
    ]
    day1, day2, far = got
    assert day1["nearest_compound"] == "C-1" and day1["min_dist_compound_m"] < 40
    assert day2["nearest_venue"] == "V-1" and day2["min_dist_venue_m"] < 40
    assert day1["min_dist_venue_m"] is None  # 3,270 m away: beyond the 3 km cap
    assert day2["nearest_compound"] == "C-1" and day2["min_dist_compound_m"] < 40  # 00:30 ping
    assert far["person_key"] != person and far["in_city"] is False
    assert far["min_dist_compound_m"] is None and far["nearest_den"] is None

"""Heat maps: participants' pings per H3 hexagon and per district, counted by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import h3
import pyarrow as pa
import pyarrow.parquet as pq
from stats_people import P1, P3, P4, at, write_suspects

from tianluo.detectors.pyramid.stats.detectors import STATISTICS_DETECTORS
from tianluo.engine import Engine, open_engine
from tianluo.geo import city_districts, district_of
from tianluo.results import read_result
from tianluo.rules import load_rules
from tianluo.workspace import Workspace

LakeWriter = Callable[..., Path]
# the centre of a resolution-7 hexagon in Nanning is also the centre of its resolution-8
# centre child, so pings there are far from both hexagons' edges
HEX7 = h3.latlng_to_cell(22.817, 108.366, 7)
X_LAT, X_LON = h3.cell_to_latlng(HEX7)
BEIJING_LAT, BEIJING_LON = 39.9042, 116.4074  # outside the city: hexagons, no district


def _load(workspace: Workspace, lake: LakeWriter) -> None:
    write_suspects(workspace)  # participants P1 and P2 (scores), P3 needs a seizure: not here
    lake(
        "phones",
        pa.table(
            {
                "phone": ["13900000001", "13900000003", "13900000004"],
                "id_number": [P1, P3, P4],
                "id_number_status": ["valid"] * 3,
                "activated_at": pa.array([at(1)] * 3, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    pings = [
        ("13900000001", at(1, 9), X_LAT, X_LON),
        ("13900000001", at(1, 23), X_LAT, X_LON),
        ("13900000001", at(2, 0), X_LAT, X_LON),  # 00:00 Beijing: another local day
        ("13900000001", at(1, 12), BEIJING_LAT, BEIJING_LON),
        ("13900000003", at(1, 9), X_LAT, X_LON),  # P3 scores 0.3 and was not seized
        ("13900000004", at(1, 9), X_LAT, X_LON),  # P4 scores 0.2
        ("13900000009", at(1, 9), X_LAT, X_LON),  # nobody's phone
    ]
    lake(
        "pings",
        pa.table(
            {
                "phone": [p[0] for p in pings],
                "ts": pa.array([p[1] for p in pings], pa.timestamp("us", tz="UTC")),
                "lat": [p[2] for p in pings],
                "lon": [p[3] for p in pings],
            }
        ),
    )


def _run(engine: Engine) -> list[dict[str, object]]:
    detector = next(d for d in STATISTICS_DETECTORS if d.name == "heat_cells")
    detector.run(engine, load_rules())
    return read_result(engine.workspace, "heat_cells").to_pylist()


def test_cells_and_districts_on_both_engines(engine: Engine, lake: LakeWriter) -> None:
    _load(engine.workspace, lake)
    rows = {(r["layer"], r["cell"]): r for r in _run(engine)}
    district = str(district_of([X_LAT], [X_LON])[0])
    code = next(d.code for d in city_districts() if d.name == district)
    beijing8 = h3.latlng_to_cell(BEIJING_LAT, BEIJING_LON, 8)
    assert set(rows) == {
        ("district", code),
        ("h3_res7", HEX7),
        ("h3_res7", h3.cell_to_parent(beijing8, 7)),
        ("h3_res8", h3.cell_to_center_child(HEX7, 8)),
        ("h3_res8", beijing8),
    }
    for key in [
        ("district", code),
        ("h3_res7", HEX7),
        ("h3_res8", h3.cell_to_center_child(HEX7, 8)),
    ]:
        # P1 alone: two days there (1 and 2 March), three pings
        assert (rows[key]["persons"], rows[key]["person_days"], rows[key]["pings"]) == (1, 2, 3)
    assert rows[("district", code)]["name"] == district
    assert rows[("h3_res7", HEX7)]["name"] == district
    hexagon = rows[("h3_res8", beijing8)]
    assert (hexagon["persons"], hexagon["person_days"], hexagon["pings"], hexagon["name"]) == (
        1,
        1,
        1,
        "",
    )
    assert abs(hexagon["lat"] - BEIJING_LAT) < 0.01  # type: ignore[operator]


def test_weeks_split_the_same_counts(engine: Engine, lake: LakeWriter) -> None:
    """1 and 2 March 2024 (Friday, Saturday) are in the week of Monday 26 February; a ping on
    Monday 4 March starts the next week, and the whole period counts both."""
    _load(engine.workspace, lake)
    lake(
        "pings",
        pa.table(
            {
                "phone": ["13900000001"],
                "ts": pa.array([at(4, 10)], pa.timestamp("us", tz="UTC")),
                "lat": [X_LAT],
                "lon": [X_LON],
            }
        ),
        part=1,
    )
    whole = {(r["layer"], r["cell"]): r for r in _run(engine)}
    weeks = pq.read_table(engine.workspace.derived_path("heat_weeks")).to_pylist()
    centre = [r for r in weeks if (r["layer"], r["cell"]) == ("h3_res7", HEX7)]
    assert [(r["week"], r["persons"], r["person_days"], r["pings"]) for r in centre] == [
        (dt.date(2024, 2, 26), 1, 2, 3),
        (dt.date(2024, 3, 4), 1, 1, 1),
    ]
    total = whole[("h3_res7", HEX7)]
    assert (total["persons"], total["person_days"], total["pings"]) == (1, 3, 4)
    assert {r["layer"] for r in weeks} == {r[0] for r in whole}


def test_seized_persons_count_too(workspace: Workspace, lake: LakeWriter) -> None:
    _load(workspace, lake)
    lake(
        "seizures",
        pa.table(
            {
                "record_id": ["Z3"],
                "id_number": [P3],
                "id_number_status": ["valid"],
                "seized_at": pa.array([at(20)], pa.timestamp("us", tz="UTC")),
                "disposition": ["fine"],
            }
        ),
    )
    rows = {(r["layer"], r["cell"]): r for r in _run(open_engine(workspace))}
    centre = rows[("h3_res7", HEX7)]
    assert (centre["persons"], centre["person_days"], centre["pings"]) == (2, 3, 4)


def test_no_participant_pings_gives_an_empty_result(workspace: Workspace, lake: LakeWriter) -> None:
    _load(workspace, lake)
    (workspace.result_path("suspects")).unlink()
    rows = _run(open_engine(workspace))
    assert rows == []

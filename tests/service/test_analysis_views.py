"""The overview's figures, the heat map's areas and the map's places, from a small workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import h3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from service_data import P1, P2

from tianluo.service.analysis import heatmap, overview, places
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import InvalidInput
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

MASKED = Masker("test-secret", unmasked=False)


def test_key_figures_count_the_results(workspace: Workspace) -> None:
    figures = overview.key_figures(ResultsStore(workspace))
    assert figures.suspects == overview.Scored(scored=3, likely=2)  # 0.95 and 0.70, not 0.40
    assert figures.participants == 3  # the origin bars of participant_stats
    assert (figures.organizations, figures.criminal_organizations) == (1, 0)
    assert figures.organized_members == 2
    assert figures.fraud_numbers == overview.Scored(1, 1)
    assert figures.mule_accounts == overview.Scored(0, 0)  # no such result: none
    assert (figures.dens, figures.traced_transfers) == (0, 1)


def test_bars_keep_the_results_order(workspace: Workspace) -> None:
    results = ResultsStore(workspace)
    assert [(b.key, b.persons) for b in overview.bars(results, "origin_province")] == [
        ("43", 2),
        ("45", 1),
    ]
    assert overview.bars(results, "disposition") == []
    assert overview.as_of(results) is None  # the small workspace has no as_of column


def test_heat_layers_and_hexagon_outlines(workspace: Workspace) -> None:
    results = ResultsStore(workspace)
    assert heatmap.layers(results) == ["district", "h3_res8"]
    [hexagon] = heatmap.cells(results, "h3_res8")
    assert hexagon.outline == tuple(h3.cell_to_boundary("8841a8a5a5fffff"))
    assert len(hexagon.outline) == 6 and hexagon.metric("pings") == 400
    [district] = heatmap.cells(results, "district")
    assert district.outline == () and district.name == "青秀区"
    with pytest.raises(InvalidInput) as refused:
        heatmap.cells(results, "h3_res99")
    assert refused.value.field == "layer"


def test_a_weeks_areas_carry_that_weeks_counts(workspace: Workspace) -> None:
    results = ResultsStore(workspace)
    assert heatmap.weeks(results) == [dt.date(2024, 3, 4), dt.date(2024, 3, 11)]
    [hexagon] = heatmap.cells(results, "h3_res8", dt.date(2024, 3, 11))
    assert (hexagon.persons, hexagon.person_days, hexagon.pings) == (1, 6, 100)
    assert len(hexagon.outline) == 6 and hexagon.name == "青秀区"
    assert heatmap.cells(results, "district", dt.date(2024, 3, 11)) == []  # quiet that week
    with pytest.raises(InvalidInput) as refused:
        heatmap.cells(results, "h3_res8", dt.date(2024, 3, 18))
    assert refused.value.field == "week"


def _sites(workspace: Workspace, load: str, rows: dict[str, list[object]]) -> None:
    folder = workspace.lake_dir("sites") / f"load={load}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows), folder / "part-0.parquet")


def test_watched_sites_take_the_latest_load_of_each(workspace: Workspace) -> None:
    assert places.watched_sites(workspace) == []
    _sites(
        workspace,
        "20260101T000000",
        {
            "site_id": ["S1", "S2"],
            "name": ["阳光家园", "会场"],
            "kind": ["compound", "venue"],
            "lat": [22.81, 22.82],
            "lon": [108.37, 108.38],
        },
    )
    first = places.watched_sites(workspace)
    assert [(s.site_id, s.kind, s.radius_m, s.address) for s in first] == [
        ("S1", "compound", None, ""),  # optional columns absent: empty
        ("S2", "venue", None, ""),
    ]
    _sites(
        workspace,
        "20260201T000000",
        {
            "site_id": ["S2"],
            "name": ["会场"],
            "kind": ["venue"],
            "lat": [22.83],
            "lon": [108.39],
            "radius_m": [150.0],
            "address": ["青秀区某路1号"],
        },
    )
    moved = {s.site_id: s for s in places.watched_sites(workspace)}
    assert moved["S2"].lat == 22.83 and moved["S2"].radius_m == 150.0
    assert moved["S1"].lat == 22.81


def test_dens_are_masked_and_filtered_by_score(workspace: Workspace) -> None:
    pq.write_table(
        pa.table(
            {
                "den_id": ["D1", "D2"],
                "lat": [22.81, 22.9],
                "lon": [108.37, 108.4],
                "members": [[P1, P2], [P2]],
                "score": [0.9, 0.3],
                "reasons": [f"rented by member {P1}", "two share a flat"],
                "address": ["青秀区某小区3栋", ""],
            }
        ),
        workspace.result_path("dens"),
    )
    found = places.dens(ResultsStore(workspace), MASKED)
    assert [(d.den_id, d.members) for d in found] == [("D1", 2), ("D2", 1)]
    assert P1 not in found[0].reasons and "430102********0011" in found[0].reasons
    assert [d.den_id for d in places.dens(ResultsStore(workspace), MASKED, min_score=0.5)] == ["D1"]


def test_no_results_no_figures(tmp_path: Path) -> None:
    empty = Workspace.at(tmp_path / "empty")
    results = ResultsStore(empty)
    assert overview.key_figures(results).suspects == overview.Scored(0, 0)
    assert heatmap.layers(results) == [] and places.dens(results, MASKED) == []
    assert overview.as_of(results) is None

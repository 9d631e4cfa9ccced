"""The map: participants' activity by hexagon or district, watched sites and dens."""

from __future__ import annotations

import re

import pyarrow.compute as pc
import pyarrow.parquet as pq
from analyst_support import chart_options, client_as, wait_for_charts
from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect


def test_the_map_draws_hexagons_sites_and_dens_then_districts(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/map"))
    wait_for_charts(page)
    city = page.get_by_test_id("city-map")
    expect(city).to_have_attribute("data-layer", "h3_res8")
    expect(page.get_by_test_id("map-dens").locator("tbody tr").first).to_be_visible()
    shot(page, "map")
    page.get_by_test_id("map-layer").select_option("district")
    expect(page.get_by_test_id("city-map")).to_have_attribute("data-layer", "district")
    page.get_by_test_id("map-show-dens").uncheck()
    expect(page.get_by_test_id("map-dens")).to_have_count(0)
    wait_for_charts(page)
    assert "layer=district" in page.url  # the address keeps the filters
    shot(page, "map-districts")
    page.get_by_test_id("map-week").select_option(index=1)  # the first week with activity
    expect(page).to_have_url(re.compile(r"week=\d{4}-\d{2}-\d{2}"))
    wait_for_charts(page)
    shot(page, "map-one-week")


def test_map_layers_come_from_the_results(workbench: Workbench) -> None:
    heat = pq.read_table(workbench.workspace.result_path("heat_cells"))
    hexagons = heat.filter(pc.equal(heat["layer"], "h3_res7")).num_rows
    with client_as(workbench, "amr_analyst") as client:
        page = client.get("/map", params={"layer": "h3_res7", "filtered": "1", "dens": "true"})
    assert page.status_code == 200
    options = chart_options(page.text, "city-map")
    activity, *others = options["series"]
    assert activity["type"] == "custom" and len(activity["data"]) == hexagons
    assert all(len(item["coords"]) == 6 for item in activity["data"])
    dens = others[-1]
    assert dens["name"] == "疑似窝点" and dens["data"]
    assert all(item["href"].startswith("/alerts/") for item in dens["data"] if "href" in item)
    assert options["geo"]["map"] == "nanning"


def test_the_map_shows_one_week(workbench: Workbench) -> None:
    weekly = pq.read_table(workbench.workspace.derived_path("heat_weeks"))
    weeks = sorted(set(weekly["week"].to_pylist()))
    busiest = max(weeks, key=lambda w: pc.sum(pc.equal(weekly["week"], w)).as_py())
    chosen = weekly.filter(
        pc.and_(pc.equal(weekly["week"], busiest), pc.equal(weekly["layer"], "h3_res7"))
    )
    with client_as(workbench, "amr_analyst") as client:
        page = client.get(
            "/map", params={"layer": "h3_res7", "week": busiest.isoformat(), "filtered": "1"}
        )
        whole = client.get("/map", params={"layer": "h3_res7", "filtered": "1"})
    assert page.status_code == 200 and f'value="{busiest.isoformat()}" selected' in page.text
    [activity] = chart_options(page.text, "city-map")["series"]
    shown = {item["name"]: item["value"][2] for item in activity["data"]}
    assert shown == dict(
        zip(chosen["cell"].to_pylist(), chosen["persons"].to_pylist(), strict=True)
    )
    [over_all] = chart_options(whole.text, "city-map")["series"]
    assert len(over_all["data"]) >= len(shown) and len(weeks) > 1


def test_bad_map_filters_are_a_page_with_a_4xx(workbench: Workbench) -> None:
    with client_as(workbench, "amr_analyst") as client:
        unknown = client.get("/map", params={"layer": "h3_res99"})
        metric = client.get("/map", params={"metric": "noise"})
        score = client.get("/map", params={"min_score": "2"})
        week = client.get("/map", params={"week": "last-week"})
        quiet = client.get("/map", params={"week": "1999-01-04"})
    for answer in (unknown, metric, score, week, quiet):
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("text/html")
        assert "Traceback" not in answer.text
    with client_as(workbench, "auditor") as client:
        assert client.get("/map").status_code == 403


def test_the_map_opens_on_a_den_asked_for(workbench: Workbench) -> None:
    dens = pq.read_table(workbench.workspace.result_path("dens"), columns=["den_id", "lat", "lon"])
    den = dens.slice(0, 1).to_pylist()[0]
    with client_as(workbench, "amr_analyst") as client:
        page = client.get("/map", params={"den": den["den_id"]})
    [[west, north], [east, south]] = chart_options(page.text, "city-map")["geo"]["boundingCoords"]
    assert west < den["lon"] < east and south < den["lat"] < north
    assert east - west < 0.1 and north - south < 0.1  # a few streets, not the whole city

"""The overview: key figures, the participants' origins on the map of China, the charts."""

from __future__ import annotations

import json

from analyst_support import chart_options, client_as, wait_for_charts
from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect

from tianluo.geo import geojson_path


def test_the_overview_draws_its_map_and_charts(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/"))
    expect(page.locator("h1")).to_have_text("总览")
    wait_for_charts(page)
    for name in ("origins", "arrivals", "ages", "dispositions", "alerts_trend", "waiting"):
        expect(page.get_by_test_id(f"chart-{name}")).to_have_attribute("data-ready", "1")
    assert int(page.get_by_test_id("kpi-organizations").locator(".value").inner_text()) > 0
    assert int(page.get_by_test_id("kpi-alerts").locator(".value").inner_text()) > 0
    shot(page, "overview")
    page.click("[data-lang-link=en]")
    expect(page.locator("h1")).to_have_text("Overview")
    wait_for_charts(page)
    shot(page, "overview-en")


def test_province_names_match_the_shipped_map(workbench: Workbench) -> None:
    features = json.loads(geojson_path("china_provinces").read_text(encoding="utf-8"))["features"]
    with client_as(workbench, "amr_analyst") as client:
        page = client.get("/")
        english = client.get("/?lang=en")
    assert page.status_code == 200
    [series] = chart_options(page.text, "chart-origins")["series"]
    assert series["map"] == "china"
    names = {f["properties"]["name"] for f in features}
    assert {d["name"] for d in series["data"]} == names  # every province, by its map name
    assert sum(d["value"] for d in series["data"]) > 0
    [in_english] = chart_options(english.text, "chart-origins")["series"]
    assert set(in_english["nameMap"]) == names
    assert {d["name"] for d in in_english["data"]} == set(in_english["nameMap"].values())


def test_a_role_without_analysis_goes_to_its_own_first_page(workbench: Workbench) -> None:
    with client_as(workbench, "auditor") as client:
        answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/screening"
    with client_as(workbench, "bank_liaison") as client:
        answer = client.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/cases"

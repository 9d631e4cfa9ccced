"""The analysts' day in one walk through the workbench, as issue #8 describes it.

The market regulator's analyst logs in, reads the overview, opens an alert, follows it to
the person and to their organisation, and makes a case of it. The anti-fraud analyst
sends freeze requests from a trace. The bank's liaison, of another agency, is refused the
market regulator's case. Each step saves a screenshot (``journey-*.png``).
"""

from __future__ import annotations

import re
from typing import Any

from analyst_support import client_as
from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Browser, Page, expect


def _refs(nodes: list[dict[str, Any]]) -> set[str]:
    """The person references of a nested recruitment tree."""
    return {n["ref"] for n in nodes} | {r for n in nodes for r in _refs(n["children"])}


def _alert_of_an_organisation_member(workbench: Workbench) -> int:
    """An open suspect alert about someone in the largest organisation (via the JSON API)."""
    with client_as(workbench, "amr_analyst") as client:
        organisations = client.get("/api/organizations").json()
        largest = max(organisations, key=lambda o: o["members"])
        tree = client.get(f"/api/organizations/{largest['org_id']}").json()
        refs = _refs(tree["tree"])
        params = {"kind": "pyramid_suspect", "status": "open", "limit": 500}
        alerts = client.get("/api/alerts", params=params).json()["alerts"]
    chosen = [a["id"] for a in alerts if a["subject_ref"] in refs]
    assert chosen, "no open suspect alert about a member of the largest organisation"
    return int(chosen[0])


def _charts_drawn(page: Page) -> None:
    charts = page.locator("[data-chart]")
    assert charts.count() > 0
    expect(page.locator("[data-chart]:not([data-ready='1'])")).to_have_count(0)


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_alert_to_person_to_organisation_to_case_then_freeze_and_a_refusal(
    page: Page, browser: Browser, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/"))
    _charts_drawn(page)
    shot(page, "journey-1-overview")

    alert_id = _alert_of_an_organisation_member(workbench)
    page.goto(workbench.at("/alerts?kind=pyramid_suspect&status=open&sort=score"))
    expect(page.get_by_test_id("alert-row").first).to_be_visible()
    page.goto(workbench.at(f"/alerts/{alert_id}"))
    expect(page.get_by_test_id("alert-page")).to_have_attribute("data-kind", "pyramid_suspect")
    expect(page.get_by_test_id("alert-reasons").locator("li").first).to_be_visible()
    alert_url = page.url
    shot(page, "journey-2-alert")

    page.get_by_test_id("related-person").first.click()
    expect(page.get_by_test_id("person-title")).to_be_visible()
    expect(page.get_by_test_id("presence-chart")).to_have_attribute("data-ready", "1")
    shot(page, "journey-3-person")

    page.get_by_test_id("memberships").locator("a[href^='/organizations/']").first.click()
    expect(page).to_have_url(re.compile(r"/organizations/ORG-\d+$"))
    expect(page.get_by_test_id("org-tree")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("threshold-badge")).to_be_visible()
    shot(page, "journey-4-organization")

    page.goto(alert_url)
    escalate = page.get_by_test_id("escalate-form")
    escalate.locator("input[name=title]").fill("青秀区传销线索核查")
    escalate.locator("button").click()
    page.get_by_test_id("case-link").click()
    expect(page.locator("h1")).to_contain_text("青秀区传销线索核查")
    case_url = page.url
    shot(page, "journey-5-case")

    police = _new_page(browser)
    log_in(police, "police_analyst")
    police.goto(workbench.at("/traces"))
    police.get_by_test_id("traces-table").locator("a[href^='/traces/']").first.click()
    expect(police.get_by_test_id("trace-graph")).to_have_attribute("data-ready", "1")
    police.get_by_test_id("create-freeze").click()
    created = police.get_by_test_id("freeze-result")
    created.get_by_test_id("send-drafts").click()
    expect(created.get_by_test_id("action-status").first).to_have_text("已发送")
    shot(police, "journey-6-freeze-sent")
    police.context.close()

    bank = _new_page(browser)
    log_in(bank, "bank_liaison")
    bank.goto(case_url)
    expect(bank.locator(".error-page")).to_have_attribute("data-status", "403")
    shot(bank, "journey-7-bank-refused")
    bank.context.close()

"""The alert queue and an alert's page: filter, open, assign, dismiss with a reason,
escalate to a case; each agency sees only its own queue."""

from __future__ import annotations

import re
from typing import Any

from analyst_support import client_as
from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect


def _first_alert(
    workbench: Workbench, user: str, kind: str, status: str = "open"
) -> dict[str, Any]:
    """An alert of ``kind`` in ``user``'s queue, through the JSON API."""
    params = {"kind": kind, "limit": 1} | ({"status": status} if status else {})
    with client_as(workbench, user) as client:
        found = client.get("/api/alerts", params=params)
    found.raise_for_status()
    alerts: list[dict[str, Any]] = found.json()["alerts"]
    assert alerts, f"no {status} {kind} alert for {user}"
    return alerts[0]


def test_filter_open_assign_and_dismiss_with_a_reason(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/alerts"))
    rows = page.get_by_test_id("alert-row")
    expect(rows.first).to_be_visible()
    page.get_by_test_id("filter-kind").select_option("pyramid_organization")
    expect(page).to_have_url(re.compile(r"kind=pyramid_organization"))
    expect(rows.first).to_have_attribute("data-kind", "pyramid_organization")
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {"pyramid_organization"}
    shot(page, "alerts-filtered")

    page.get_by_test_id("filter-status").select_option("open")
    open_row = page.locator("[data-testid=alert-row][data-status=open]").first
    open_row.get_by_test_id("alert-link").click()
    expect(page.get_by_test_id("alert-page")).to_have_attribute("data-kind", "pyramid_organization")
    expect(page.get_by_test_id("alert-reasons").locator("li").first).to_be_visible()
    organisation = page.get_by_test_id("related-organization").first
    expect(organisation).to_have_attribute("href", re.compile(r"^/organizations/ORG-\d+$"))
    expect(page.get_by_test_id("related-person").first).to_have_attribute(
        "href", re.compile(r"^/persons/p_[0-9a-f]{20}$")
    )

    page.get_by_test_id("assign-user").select_option("me")
    page.get_by_test_id("assign-form").locator("button").click()
    status = page.get_by_test_id("alert-status")
    expect(status).to_have_attribute("data-status", "assigned")
    expect(page.get_by_test_id("alert-assignee")).to_have_text("amr_analyst")

    dismiss = page.get_by_test_id("dismiss-form")
    dismiss.locator("button").click()  # no reason: the form itself refuses
    assert dismiss.locator("textarea:invalid").count() == 1
    dismiss.locator("textarea").fill("   ")  # blanks pass the form; the service refuses them
    dismiss.locator("button").click()
    expect(page.locator("#flash .error")).to_have_attribute("data-status", "422")
    expect(page.locator("#flash .error")).to_contain_text("请检查后重试")
    expect(status).to_have_attribute("data-status", "assigned")
    shot(page, "alert-dismiss-refused")

    page.get_by_test_id("dismiss-form").locator("textarea").fill("known trader, checked on site")
    page.get_by_test_id("dismiss-form").locator("button").click()
    expect(page.get_by_test_id("alert-status")).to_have_attribute("data-status", "dismissed")
    expect(page.get_by_test_id("dismiss-reason")).to_have_text("known trader, checked on site")
    expect(page.get_by_test_id("alert-history").locator("tbody tr")).to_have_count(2)
    shot(page, "alert-dismissed")


def test_assign_from_the_queue_and_escalate_to_a_case(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/alerts?kind=pyramid_suspect&status=open&sort=time"))
    row = page.locator("[data-testid=alert-row][data-status=open]").first
    alert_id = row.get_attribute("data-alert-id")
    row.get_by_test_id("assign-me").click()
    assigned = page.locator(f"[data-testid=alert-row][data-alert-id='{alert_id}']")
    expect(assigned).to_have_attribute("data-status", "assigned")
    assigned.get_by_test_id("alert-link").click()
    expect(page.get_by_test_id("related-person").first).to_have_attribute(
        "href", re.compile(r"^/persons/p_")
    )
    page.get_by_test_id("escalate-form").locator("input[name=title]").fill("南宁 sweep 3")
    page.get_by_test_id("escalate-form").locator("button").click()
    link = page.get_by_test_id("case-link")
    expect(link).to_be_visible()
    expect(page.get_by_test_id("alert-status")).to_have_attribute("data-status", "escalated")
    case_id = link.get_attribute("data-case-id")
    case = page.request.get(workbench.at(f"/api/cases/{case_id}"))
    assert case.ok
    body = case.json()
    assert body["title"] == "南宁 sweep 3"
    assert {"alert", "person"} <= {item["kind"] for item in body["items"]}
    shot(page, "alert-escalated")


def test_the_police_do_not_see_the_market_regulators_alerts(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    pyramid = _first_alert(workbench, "amr_analyst", "pyramid_suspect")
    log_in(page, "police_analyst")
    page.goto(workbench.at("/alerts"))
    rows = page.get_by_test_id("alert-row")
    expect(rows.first).to_be_visible()
    kinds = set(rows.evaluate_all("rs => rs.map(r => r.dataset.kind)"))
    assert kinds and not any(k.startswith("pyramid") for k in kinds)
    options = (
        page.get_by_test_id("filter-kind")
        .locator("option")
        .evaluate_all("os => os.map(o => o.value)")
    )
    assert not any(o.startswith("pyramid") for o in options)
    shot(page, "alerts-police")
    page.goto(workbench.at(f"/alerts/{pyramid['id']}"))
    expect(page.locator("h1")).to_contain_text("403")


def test_alert_pages_link_organisations_persons_and_traces(workbench: Workbench) -> None:
    organisation = _first_alert(workbench, "amr_analyst", "pyramid_organization", "")
    freeze = _first_alert(workbench, "police_analyst", "freeze", "")
    with client_as(workbench, "amr_analyst") as amr:
        org_page = amr.get(f"/alerts/{organisation['id']}").text
    assert re.search(r'href="/organizations/ORG-\d+"', org_page)
    assert f'href="/persons/{organisation["subject_ref"]}"' in org_page
    with client_as(workbench, "police_analyst") as police:
        freeze_page = police.get(f"/alerts/{freeze['id']}").text
    assert re.search(r'href="/traces/[^"]+" data-testid="related-trace"', freeze_page)


def test_reasons_and_subjects_are_masked_for_an_analyst(workbench: Workbench) -> None:
    suspect = _first_alert(workbench, "amr_analyst", "pyramid_suspect", "")
    with client_as(workbench, "amr_analyst") as amr:
        queue = amr.get("/alerts", params={"kind": "pyramid_suspect"}).text
        refused = amr.get(f"/alerts/{suspect['id']}", params={"unmask": "true"})
    assert suspect["subject"] in queue and "********" in suspect["subject"]
    assert not re.search(r"\b\d{17}[\dX]\b", queue)  # no identity number in full
    assert refused.status_code == 403
    with client_as(workbench, "amr_supervisor") as supervisor:
        unmasked = supervisor.get(f"/alerts/{suspect['id']}", params={"unmask": "true"})
    assert unmasked.status_code == 200 and re.search(r"\b\d{17}[\dX]\b", unmasked.text)


def test_bad_queue_requests_are_pages_with_a_4xx(workbench: Workbench) -> None:
    suspect = _first_alert(workbench, "amr_analyst", "pyramid_den")
    with client_as(workbench, "amr_analyst") as client:
        for params in ({"min_score": "high"}, {"min_score": "3"}, {"status": "lost"}, {"page": 0}):
            answer = client.get("/alerts", params=params)
            assert answer.status_code == 422, params
            assert answer.headers["content-type"].startswith("text/html")
        assert client.get("/alerts/99999999").status_code == 404
        assert client.get("/alerts/first").status_code == 422
        blank = client.post(f"/alerts/{suspect['id']}/dismiss", data={"reason": "  "})
        assert blank.status_code == 422 and "Traceback" not in blank.text
        stranger = client.post(f"/alerts/{suspect['id']}/assign", data={"user_id": "999999"})
        assert stranger.status_code == 422
        state = client.get(f"/api/alerts/{suspect['id']}").json()
    assert state["status"] == "open"
    with client_as(workbench, "bank_liaison") as client:
        assert client.get("/alerts").status_code == 403


def test_without_javascript_actions_post_forms_and_come_back(workbench: Workbench) -> None:
    den = _first_alert(workbench, "amr_analyst", "pyramid_den")
    with client_as(workbench, "amr_analyst") as client:
        page = client.get(f"/alerts/{den['id']}").text
        snoozed = client.post(f"/alerts/{den['id']}/snooze", data={"days": "3"})
        hidden = client.get("/api/alerts", params={"kind": "pyramid_den", "limit": 500}).json()
        reopened = client.post(f"/alerts/{den['id']}/reopen")
        state = client.get(f"/api/alerts/{den['id']}").json()
    assert 'href="/map?den=' in page  # a den alert opens the map on its den
    assert snoozed.status_code == 303 and snoozed.headers["location"] == f"/alerts/{den['id']}"
    assert den["id"] not in {a["id"] for a in hidden["alerts"]}  # a snoozed alert waits
    assert reopened.status_code == 303 and state["status"] == "open"
    assert [h["change"] for h in state["history"]][-2:] == ["snooze", "reopen"]

"""A person's profile: drawn charts and links, unmasking by role (audited either way)."""

from __future__ import annotations

import re

from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect
from profile_support import MASKED_NUMBER, audit_entries

FULL_NUMBER = re.compile(r"^\d{17}[\dX]$")


def organiser_profile(page: Page, workbench: Workbench) -> str:
    """Open the largest organisation's organiser's profile; its masked number."""
    page.goto(workbench.at("/organizations"))
    page.get_by_test_id("org-link").first.click()
    page.get_by_test_id("organizer-link").click()
    expect(page.get_by_test_id("person-title")).to_be_visible()
    return page.get_by_test_id("person-number").inner_text()


def test_the_profile_draws_presence_and_links_and_a_link_opens_a_profile(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    shown = organiser_profile(page, workbench)
    assert MASKED_NUMBER.match(shown), shown
    expect(page.get_by_test_id("presence-chart")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("links-graph")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("origin")).not_to_be_empty()
    expect(page.get_by_test_id("suspect-reasons").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("memberships")).to_contain_text("组织者")
    expect(page.get_by_test_id("unmask-link")).to_have_count(0)  # an analyst may not unmask
    shot(page, "person-profile")

    first = page.evaluate("() => window.tianluoGraphs['links-graph'].nodes()[1].data('href')")
    page.evaluate("() => window.tianluoGraphs['links-graph'].nodes()[1].emit('tap')")
    page.wait_for_url(workbench.at(first))
    expect(page.get_by_test_id("person-title")).to_be_visible()
    shot(page, "person-linked-profile")


def test_a_supervisor_unmasks_and_an_analyst_is_refused(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_supervisor")
    masked = organiser_profile(page, workbench)
    profile_url = page.url
    page.get_by_test_id("unmask-link").click()
    expect(page.get_by_test_id("unmasked-note")).to_be_visible()
    full = page.get_by_test_id("person-number").inner_text()
    assert FULL_NUMBER.match(full) and full[:6] == masked[:6] and full[-4:] == masked[-4:]
    shot(page, "person-unmasked")
    unmasks = audit_entries(workbench, "unmask", "amr_supervisor")
    assert unmasks[-1]["outcome"] == "ok"
    lookups = audit_entries(workbench, "person.lookup", "amr_supervisor")
    assert lookups[-1]["detail"]["unmasked"] is True and lookups[-1]["subject"] == masked

    page.context.clear_cookies()
    log_in(page, "amr_analyst")
    response = page.goto(profile_url + "?unmask=true")
    assert response is not None and response.status == 403
    expect(page.locator(".error-page")).to_have_attribute("data-status", "403")
    expect(page.locator(".error-page")).to_contain_text("您的角色或所属机构无权")  # said in Chinese
    shot(page, "person-unmask-refused")
    refused = audit_entries(workbench, "unmask", "amr_analyst")
    assert refused[-1]["outcome"] == "denied"

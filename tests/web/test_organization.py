"""The organisations: the list, a recruitment tree drawn, a member's profile, the evidence pack."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect
from profile_support import MASKED_NUMBER, audit_entries


def test_an_organisation_from_the_list_to_a_members_profile(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/organizations"))
    expect(page.get_by_test_id("org-table")).to_be_visible()
    shot(page, "organizations-list")
    page.get_by_test_id("sort-levels").click()
    expect(page.get_by_test_id("sort-levels")).to_contain_text("▼")
    page.get_by_test_id("sort-members").click()  # back to the largest first
    page.get_by_test_id("org-link").first.click()

    tree = page.get_by_test_id("org-tree")
    expect(tree).to_have_attribute("data-ready", "1")
    badge = page.get_by_test_id("threshold-badge")
    members = int(page.get_by_test_id("members-count").inner_text())
    assert page.get_by_test_id("member-row").count() == members
    meets = badge.get_attribute("data-meets") == "1"
    expect(badge).to_have_text("达到刑事立案标准" if meets else "未达到刑事立案标准")
    drawn = page.evaluate(
        "() => { const chart = echarts.getInstanceByDom(document.getElementById('org-tree'));"
        " const count = (n) => 1 + (n.children || []).reduce((s, c) => s + count(c), 0);"
        " return count(chart.getOption().series[0].data[0]); }"
    )
    assert drawn == members
    expect(page.get_by_test_id("org-reasons")).to_contain_text("刑事立案标准")
    shot(page, "organization-tree")

    with_payments = page.get_by_test_id("show-payments")
    if with_payments.count():
        with_payments.first.click()
        expect(page.get_by_test_id("link-payments").first).to_be_visible()
        shot(page, "organization-link-payments")

    member = page.get_by_test_id("member-link").nth(1)
    shown = member.inner_text()
    assert MASKED_NUMBER.match(shown), shown
    member.click()
    expect(page.get_by_test_id("person-number")).to_have_text(shown)
    expect(page.get_by_test_id("memberships")).to_be_visible()
    shot(page, "organization-member-profile")
    lookups = audit_entries(workbench, "person.lookup", "amr_analyst")
    assert lookups and lookups[-1]["subject"] == shown and lookups[-1]["detail"]["found"] is True


def test_the_evidence_pack_downloads_with_the_tree_and_the_payments(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/organizations"))
    page.get_by_test_id("org-link").first.click()
    org_id = page.url.rsplit("/", 1)[-1]
    members = int(page.get_by_test_id("members-count").inner_text())
    with page.expect_download() as download:
        page.get_by_test_id("export-pack").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith(f"{org_id}-evidence-")
    archive = zipfile.ZipFile(path)
    manifest = json.loads(archive.read(f"{org_id}/manifest.json"))
    assert manifest["members"] == members and manifest["numbers"] == "masked"
    rows = list(
        csv.DictReader(io.StringIO(archive.read(f"{org_id}/members.csv").decode("utf-8-sig")))
    )
    assert len(rows) == members and all(MASKED_NUMBER.match(r["person"]) for r in rows)
    payments = list(
        csv.DictReader(io.StringIO(archive.read(f"{org_id}/payments.csv").decode("utf-8-sig")))
    )
    assert len(payments) == manifest["payments"]
    assert all("*" in p["from_account"] and float(p["amount_yuan"]) > 0 for p in payments)
    report = archive.read(f"{org_id}/evidence.html").decode("utf-8")
    assert report.count("<circle") == members and "刑事立案标准" in report
    exports = audit_entries(workbench, "export", "amr_analyst")
    assert exports[-1]["subject"] == f"organization:{org_id}"
    digest = manifest["files"]["payments.csv"]["sha256"]
    assert exports[-1]["detail"]["files"]["payments.csv"] == digest
    report_page = page.context.new_page()
    report_page.set_content(report)
    shot(report_page, "organization-evidence-report")
    report_page.close()

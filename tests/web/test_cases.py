"""Cases: opened and noted by the market regulator; other agencies get a 403 page."""

from __future__ import annotations

from browser_support import LogIn, Shot, Workbench
from casework_support import ServiceApi
from playwright.sync_api import Page, expect


def test_a_case_is_opened_noted_and_refused_to_other_agencies(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/cases"))
    form = page.get_by_test_id("open-case")
    form.locator("input[name=title]").fill("青秀区某小区传销窝点")
    form.locator("select[name=kind]").select_option("pyramid")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("青秀区某小区传销窝点")
    case_path = page.url.removeprefix(workbench.url)
    notes = page.get_by_test_id("note-form")
    notes.locator("textarea[name=text]").fill("3栋2单元夜间聚集约30人，待核实。")
    notes.locator("button[type=submit]").click()
    expect(page.get_by_test_id("case-notes")).to_contain_text("3栋2单元夜间聚集约30人")
    expect(notes.locator("textarea[name=text]")).to_have_value("")
    expect(page.get_by_test_id("case-history")).to_contain_text("添加笔记")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "现场照片说明.txt", "mimeType": "text/plain", "buffer": "3栋2单元".encode()}
        ],
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.get_by_test_id("case-files")).to_contain_text("现场照片说明.txt")
    with page.expect_download() as download:
        page.get_by_test_id("case-files").locator("a").first.click()
    assert download.value.suggested_filename == "现场照片说明.txt"
    shot(page, "case-page")
    page.goto(workbench.at("/cases"))
    expect(page.get_by_test_id("cases-table")).to_contain_text("青秀区某小区传销窝点")
    shot(page, "cases-list")

    for outsider in ("bank_liaison", "police_analyst"):
        log_in(page, outsider)
        response = page.goto(workbench.at(case_path))
        assert response is not None and response.status == 403
        expect(page.locator(".error-page")).to_have_attribute("data-status", "403")
        shot(page, f"case-refused-{outsider}")
    refusals = ServiceApi(workbench, "auditor").get(
        "/api/audit", params={"action": "case.read", "limit": 1000}
    )
    subject = "case:" + case_path.rsplit("/", 1)[1]
    refused = {e["username"] for e in refusals if e["subject"] == subject}
    assert refused == {"bank_liaison", "police_analyst"}

"""Actions: the bank answers a freeze request; the police see its status and time to freeze."""

from __future__ import annotations

from browser_support import LogIn, Shot, Workbench
from casework_support import sent_freeze_request
from playwright.sync_api import Page, expect


def test_the_bank_freezes_and_the_police_see_the_time_to_freeze(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    number = sent_freeze_request(workbench)
    log_in(page, "bank_liaison")
    page.goto(workbench.at("/actions?direction=received"))
    row = page.locator(f"tr[data-action-id='{number}']")
    expect(row.get_by_test_id("action-status")).to_have_text("已发送")
    shot(page, "actions-bank-inbox")
    row.locator(f"a[href='/actions/{number}']").click()
    form = page.get_by_test_id("answer-form")
    form.locator("select[name=status]").select_option("frozen")
    form.locator("textarea[name=note]").fill("已对全部账户止付")
    form.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("action-status")).to_have_text("已冻结")
    expect(page.get_by_test_id("time-to-freeze")).not_to_be_empty()
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
    shot(page, "actions-bank-frozen")

    log_in(page, "police_analyst")
    page.goto(workbench.at("/actions?direction=sent"))
    row = page.locator(f"tr[data-action-id='{number}']")
    expect(row.get_by_test_id("action-status")).to_have_text("已冻结")
    expect(row.get_by_test_id("time-to-freeze")).not_to_be_empty()
    shot(page, "actions-police-sent")


def test_a_notice_to_a_home_province_is_written_sent_and_printed(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "amr_analyst")
    page.goto(workbench.at("/actions"))
    notice = page.get_by_test_id("notice-form")
    notice.locator("select[name=to_agency]").select_option("nn-police")
    notice.locator("button[type=submit]").click()
    expect(page.get_by_test_id("action-status")).to_have_text("草稿")
    page.get_by_test_id("send-action").click()
    expect(page.get_by_test_id("action-status")).to_have_text("已发送")
    document = page.get_by_test_id("action-document")
    expect(document).to_contain_text("流出地通报")
    expect(document.locator("tbody tr").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    shot(page, "actions-home-notice-print")

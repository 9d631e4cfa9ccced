"""Log-in and log-out in the browser, in Chinese and English."""

from __future__ import annotations

from browser_support import LogIn, Shot, Workbench
from playwright.sync_api import Page, expect


def test_a_page_asks_for_log_in_then_returns_to_it(page: Page, workbench: Workbench) -> None:
    page.goto(workbench.at("/account"))
    assert "/login?next=/account" in page.url
    expect(page.locator("h1")).to_have_text("登录")


def test_a_wrong_password_is_refused_on_the_form(
    page: Page, workbench: Workbench, shot: Shot
) -> None:
    page.goto(workbench.at("/login"))
    page.fill("input[name=username]", "amr_analyst")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    shot(page, "login-refused")


def test_log_in_shows_the_user_and_english_is_available(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    log_in(page, "auditor")
    page.goto(workbench.at("/account"))
    expect(page.get_by_test_id("current-user")).to_contain_text("auditor")
    expect(page.locator("h1")).to_have_text("我的账户")
    page.click("[data-lang-link=en]")
    expect(page.locator("h1")).to_have_text("My account")
    shot(page, "account-en")
    page.click("button:has-text('Log out')")
    page.goto(workbench.at("/account"))
    assert "/login" in page.url

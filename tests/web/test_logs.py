"""The audit log (the actions taken, the chain verified) and the screening log with approvals."""

from __future__ import annotations

from browser_support import LogIn, Shot, Workbench
from casework_support import ServiceApi, screening_terminal, sent_freeze_request
from playwright.sync_api import Page, expect


def test_the_auditor_sees_the_actions_and_a_verified_chain(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    number = sent_freeze_request(workbench)
    bank = ServiceApi(workbench, "bank_liaison")
    bank.post(f"/api/actions/{number}/answer", json={"status": "frozen", "note": "ok"})
    log_in(page, "auditor")
    page.goto(workbench.at("/audit"))
    verdict = page.get_by_test_id("chain-verdict")
    expect(verdict).to_have_attribute("data-ok", "1")
    page.locator("select[name=action]").select_option("action.")
    page.locator("form.filters button[type=submit]").click()
    table = page.get_by_test_id("audit-table")
    subject = table.locator("tr", has_text=f"action:{number}")
    for step in ("action.create", "action.send", "action.answer"):
        expect(subject.filter(has_text=step)).to_have_count(1)
    expect(page.get_by_test_id("chain-verdict")).to_have_attribute("data-ok", "1")
    shot(page, "audit-log")


def test_screening_checks_are_logged_and_a_supervisor_approves_an_entry(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    analyst = ServiceApi(workbench, "amr_analyst")
    entry = analyst.post(
        "/api/watchlists/entries",
        json={
            "list_name": "rental",
            "risk": "high",
            "reason": "organiser seen at a den",
            "id_number": "450103199001011238",
        },
    )
    terminal = screening_terminal(workbench)
    check = terminal.post(
        "/api/screen",
        json={"purpose": "rental", "id_number": "450103199001011238", "name": "李四"},
    )
    assert check["risk"] == "none"
    log_in(page, "amr_supervisor")
    page.goto(workbench.at("/screening?purpose=rental&caller=rental_terminal"))
    checks = page.get_by_test_id("checks-table")
    expect(checks.locator("tbody tr").first).to_contain_text("450103********1238")
    expect(checks.locator("tbody tr").first).to_contain_text("李*")
    row = page.locator(f"tr[data-entry-id='{entry['id']}']")
    expect(row).to_contain_text("450103********1238")
    shot(page, "screening-pending")
    row.get_by_test_id("approve").click()
    expect(page.locator(f"tr[data-entry-id='{entry['id']}']")).to_have_count(0)
    page.goto(workbench.at("/screening?watch=active"))
    expect(page.locator(f"tr[data-entry-id='{entry['id']}']")).to_contain_text("生效")
    shot(page, "screening-log")

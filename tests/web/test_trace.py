"""The trace page: the money's path drawn, the freeze list, requests created and sent."""

from __future__ import annotations

from browser_support import LogIn, Shot, Workbench
from casework_support import busiest_trace
from playwright.sync_api import Page, expect


def test_a_trace_is_drawn_and_its_freeze_requests_created_and_sent(
    page: Page, workbench: Workbench, log_in: LogIn, shot: Shot
) -> None:
    txn = busiest_trace(workbench)
    log_in(page, "police_analyst")
    page.goto(workbench.at("/traces"))
    expect(page.get_by_test_id("traces-table")).to_be_visible()
    expect(page.get_by_test_id("trace-totals")).to_contain_text("已追踪转账")
    shot(page, "traces-list")

    page.goto(workbench.at(f"/traces/{txn}"))
    graph = page.get_by_test_id("trace-graph")
    expect(graph).to_have_attribute("data-ready", "1")
    drawn = page.evaluate(
        "() => { const g = window.tianluoGraphs['trace-graph'];"
        " return [g.nodes().length, g.edges().length, g.nodes('.victim').length]; }"
    )
    ranked = page.get_by_test_id("freeze-list").locator("tbody tr")
    holdings = ranked.count()
    assert drawn[0] >= holdings + 1 and drawn[1] >= holdings and drawn[2] == 1, drawn
    expect(ranked.first.locator("td").first).to_have_text("1")
    shot(page, "trace-graph")

    page.get_by_test_id("create-freeze").click()
    created = page.get_by_test_id("freeze-result")
    expect(created.get_by_test_id("action-status").first).to_have_text("草稿")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "trace-freeze-created")
    created.get_by_test_id("send-drafts").click()
    expect(created.get_by_test_id("action-status").first).to_have_text("已发送")
    expect(created.get_by_test_id("send-drafts")).to_have_count(0)
    number = created.locator("tr[data-action-id]").first.get_attribute("data-action-id")
    page.evaluate("window.scrollTo(0, 0)")  # the sticky menu bar stays on top of the shot
    shot(page, "trace-freeze-sent")

    page.goto(workbench.at(f"/actions/{number}"))
    expect(page.get_by_test_id("action-status")).to_have_text("已发送")
    expect(page.get_by_test_id("action-history")).to_contain_text("发送")

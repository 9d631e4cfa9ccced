"""The service functions behind the case-work pages: traces, lists of logs, recipients, kinds."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from casework_data import PAID, VICTIM, write_ledger
from service_api import Api
from service_data import P1

from tianluo.service.actions.recipients import bank_agency
from tianluo.service.analysis import traces
from tianluo.service.audit.listing import AuditFilter, action_names, entries_page
from tianluo.service.auth.accounts import user_id_of, usernames
from tianluo.service.privacy.masking import Masker, mask_account
from tianluo.service.screening.log import CheckFilter, checks_page, mask_name, public
from tianluo.workspace import Workspace


def _context(api: Api) -> Any:
    return api.client.app.state.context  # type: ignore[attr-defined]


def test_a_money_path_dates_and_sums_each_hop_from_the_lake(api: Api, workspace: Workspace) -> None:
    write_ledger(workspace)
    path = traces.money_path(_context(api).results, workspace, "TX1")
    assert path["victim_account"] == VICTIM and path["total_amount"] == 1000.0
    hops = {(h["from_account"], h["to_account"]): h for h in path["hops"]}
    assert hops[(VICTIM, "AC0")]["amount"] == 1000.0 and hops[(VICTIM, "AC0")]["depth"] == 0
    later = hops[("AC1", "AC2")]  # the transfer made before the money arrived is left out
    assert (later["amount"], later["transfers"]) == (400.0, 2)
    assert later["first_at"] == PAID + dt.timedelta(hours=2)
    held = {h["account_id"]: h for h in path["holdings"]}
    assert [h["rank"] for h in path["holdings"]] == [1, 2]
    assert held["AC1"]["arrived_at"] == PAID + dt.timedelta(hours=1)
    assert held["AC2"]["bank"] == "中国建设银行" and held["AC2"]["holder_id_number"] == P1


def test_trace_summaries_have_the_reported_transfer_and_totals(
    api: Api, workspace: Workspace
) -> None:
    write_ledger(workspace)
    rows = traces.summaries(_context(api).results, workspace)
    assert [(r["txn_id"], r["accounts"], r["held_amount"]) for r in rows] == [("TX1", 2, 1000.0)]
    assert rows[0]["reported_at"] == PAID and rows[0]["held_share"] == 1.0
    assert traces.totals(rows) == {
        "transfers": 1,
        "reported_amount": 1000.0,
        "held_amount": 1000.0,
        "accounts": 2,
    }


def test_the_audit_log_is_paged_newest_first_and_filtered(api: Api) -> None:
    for title in ("a", "b", "c"):
        api.post("/api/cases", as_="police_analyst", json={"title": title})
    api.get("/api/cases/1", as_="bank_liaison")  # refused
    with _context(api).session() as session:
        first, more = entries_page(session, AuditFilter(action="case.open"), limit=2)
        assert [e.subject for e in first] == ["case:3", "case:2"] and more == first[-1].seq
        rest, end = entries_page(session, AuditFilter(action="case.open"), before=more, limit=2)
        assert [e.subject for e in rest] == ["case:1"] and end is None
        family, _ = entries_page(session, AuditFilter(action="case."))
        assert {e.action for e in family} == {"case.open", "case.read"}
        denied, _ = entries_page(session, AuditFilter(outcome="denied", username="bank_liaison"))
        assert [e.action for e in denied] == ["case.read"]
        future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        assert entries_page(session, AuditFilter(since=future))[0] == []
        assert "case.open" in action_names(session)


def test_the_screening_log_lists_checks_with_subjects_masked(api: Api) -> None:
    for purpose in ("rental", "gate", "rental"):
        body = {"purpose": purpose, "id_number": P1, "name": "张三"}
        assert api.post("/api/screen", as_="gate", json=body).status_code == 200
    with _context(api).session() as session:
        gate = user_id_of(session, "gate")
        assert gate is not None and usernames(session, {gate}) == {gate: "gate"}
        rentals, more = checks_page(session, CheckFilter(purpose="rental", user_id=gate), limit=1)
        assert len(rentals) == 1 and more
        rows, more = checks_page(session, CheckFilter(risk=rentals[0].risk), limit=10)
        assert len(rows) == 3 and not more
        shown = public(rows[0], Masker("k", unmasked=False))
        assert shown["id_number"] == "430102********0011" and shown["name"] == "张*"
        assert public(rows[0], Masker("k", unmasked=True))["id_number"] == P1
        assert user_id_of(session, "nobody") is None


def test_accounts_and_names_are_masked_for_roles_that_may_not_see_them() -> None:
    assert mask_account("6217000007919218066") == "6217***********8066"
    assert mask_account("CASH-ICBC-7") == "CASH-ICBC-7"  # a cash machine names no one
    assert Masker("k", unmasked=True).account("6217000007919218066") == "6217000007919218066"
    assert mask_name("欧阳娜娜", Masker("k", unmasked=False)) == "欧***"


def test_a_bank_agency_is_found_by_the_bank_name() -> None:
    icbc = SimpleNamespace(name="中国工商银行南宁分行")
    boc = SimpleNamespace(name="中国银行南宁分行")
    banks: list[Any] = [icbc, boc]
    assert bank_agency("中国工商银行", banks) is icbc
    assert bank_agency("桂林银行", banks) is None  # the analyst chooses
    assert bank_agency("桂林银行", [boc]) is boc  # the only bank there is
    assert bank_agency(None, banks) is None


def test_a_case_has_a_kind_and_a_refusal_a_reason(api: Api) -> None:
    made = api.post("/api/cases", as_="amr_analyst", json={"title": "窝点", "kind": "pyramid"})
    assert made.status_code == 201 and made.json()["kind"] == "pyramid"
    assert api.post("/api/cases", as_="amr_analyst", json={"title": "x"}).json()["kind"] == "other"
    wrong = api.post("/api/cases", as_="amr_analyst", json={"title": "x", "kind": "theft"})
    assert wrong.status_code == 422
    action = api.post(
        "/api/actions",
        as_="police_analyst",
        json={"kind": "freeze_request", "to_agency": "bank", "txn_id": "TX1"},
    ).json()
    api.post(f"/api/actions/{action['id']}/send", as_="police_analyst")
    silent = api.post(
        f"/api/actions/{action['id']}/answer", as_="bank_liaison", json={"status": "refused"}
    )
    assert silent.status_code == 422 and silent.json()["error"]["field"] == "note"


def test_an_alert_escalated_into_a_new_case_gives_it_its_kind(api: Api) -> None:
    alerts = api.get("/api/alerts", as_="amr_analyst").json()["alerts"]
    made = api.post(f"/api/alerts/{alerts[0]['id']}/escalate", as_="amr_analyst", json={})
    assert made.status_code == 201
    case = api.get(f"/api/cases/{made.json()['case_id']}", as_="amr_analyst").json()
    assert case["kind"] == "pyramid"

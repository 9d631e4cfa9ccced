"""The case-work pages over HTTP: traces, freeze requests, actions, cases, the two logs.

Pages accept bearer tokens like the API, so these run on the service's small workspace
(both databases) without a browser; the browser tests (tests/web) walk the same flows
on a simulated city.
"""

from __future__ import annotations

import json
import re

import httpx2
import pytest
from casework_data import VICTIM, write_ledger
from service_api import Api
from service_data import P1

from tianluo.workspace import Workspace


@pytest.fixture
def ledger(workspace: Workspace) -> None:
    write_ledger(workspace)


def _form_post(api: Api, path: str, user: str, data: dict[str, object]) -> httpx2.Response:
    """A form sent as a browser would, without following the redirect that answers it."""
    return api.post(path, as_=user, data=data, follow_redirects=False)


@pytest.mark.usefixtures("ledger")
def test_the_trace_pages_show_the_path_and_the_freeze_list(api: Api) -> None:
    listing = api.get("/traces", as_="police_analyst")
    assert listing.status_code == 200
    assert 'href="/traces/TX1"' in listing.text and "1,000.00" in listing.text
    page = api.get("/traces/TX1", as_="police_analyst")
    assert page.status_code == 200
    graph = re.search(r'<script type="application/json">(.*?)</script>', page.text, re.S)
    assert graph is not None
    assert VICTIM not in page.text and "6217***********0001" in page.text  # masked
    elements = json.loads(graph.group(1))["elements"]
    hops = [e["data"]["label"] for e in elements if "source" in e["data"]]
    assert hops[0] == "¥1,000.00\n03-06 16:00"  # the reported transfer, in local time
    assert elements[0]["classes"] == "victim" and "¥600.00 (#1)" in elements[2]["data"]["label"]
    assert "中国工商银行" in page.text and 'value="0:bank" selected' in page.text
    shown = api.get("/traces/TX1", as_="police_inv", params={"unmask": "true"})
    assert VICTIM in shown.text


@pytest.mark.usefixtures("ledger")
def test_freeze_requests_from_the_trace_to_the_bank_and_back(api: Api) -> None:
    made = _form_post(
        api, "/traces/TX1/freeze", "police_analyst", {"rank": ["1", "2"], "recipient": ["0:bank"]}
    )
    assert made.status_code == 200, made.text
    numbers = re.findall(r'data-action-id="(\d+)"', made.text)
    assert len(numbers) == 1 and "草稿" in made.text
    number = numbers[0]
    draft = api.get(f"/api/actions/{number}", as_="police_analyst").json()
    assert [a["bank"] for a in draft["body"]["accounts"]] == ["中国工商银行", "中国建设银行"]
    assert api.get(f"/actions/{number}", as_="bank_liaison").status_code == 404  # a draft
    sent = _form_post(api, "/actions/send", "police_analyst", {"action_id": [number]})
    assert sent.status_code == 200 and "已发送" in sent.text
    inbox = api.get("/actions", as_="bank_liaison", params={"direction": "received"})
    assert f'href="/actions/{number}"' in inbox.text
    document = api.get(f"/actions/{number}", as_="bank_liaison")
    assert document.status_code == 200 and 'data-testid="answer-form"' in document.text
    assert "AC1" in document.text and "中国建设银行" in document.text
    refused = _form_post(api, f"/actions/{number}/answer", "bank_liaison", {"status": "refused"})
    assert refused.status_code == 422  # a refusal says why
    frozen = _form_post(
        api, f"/actions/{number}/answer", "bank_liaison", {"status": "frozen", "note": "done"}
    )
    assert frozen.status_code == 303 and frozen.headers["location"] == f"/actions/{number}"
    police = api.get("/actions", as_="police_analyst").text
    row = re.search(rf'data-action-id="{number}".*?</tr>', police, re.S)
    assert row is not None and "已冻结" in row.group(0)
    assert re.search(r'data-testid="time-to-freeze">\d', row.group(0))
    assert "已冻结" in api.get("/traces", as_="police_analyst").text


@pytest.mark.usefixtures("ledger")
def test_a_freeze_request_needs_ticked_accounts_and_a_bank(api: Api) -> None:
    none = _form_post(api, "/traces/TX1/freeze", "police_analyst", {"recipient": ["0:bank"]})
    assert none.status_code == 422 and "<html" in none.text  # a page, not a stack trace
    wrong = _form_post(
        api, "/traces/TX1/freeze", "police_analyst", {"rank": "1", "recipient": ["0:carrier"]}
    )
    assert wrong.status_code == 422
    unset = _form_post(
        api, "/traces/TX1/freeze", "police_analyst", {"rank": "1", "recipient": ["0:"]}
    )
    assert unset.status_code == 422
    assert (
        _form_post(api, "/traces/TX404/freeze", "police_analyst", {"rank": "1"}).status_code == 404
    )
    assert api.get("/traces/TX1", as_="auditor").status_code == 403
    assert api.get("/traces/TX1", as_="bank_liaison").status_code == 403


def test_a_case_opened_on_its_page_with_a_note_and_refused_to_other_agencies(api: Api) -> None:
    opened = _form_post(
        api, "/cases", "amr_analyst", {"title": "青秀区传销窝点", "kind": "pyramid"}
    )
    assert opened.status_code == 303
    path = opened.headers["location"]
    case = int(path.rsplit("/", 1)[1])
    assert api.get(f"/api/cases/{case}", as_="amr_analyst").json()["kind"] == "pyramid"
    as_htmx = {"Authorization": f"Bearer {api.tokens['amr_analyst']}", "HX-Request": "true"}
    note = api.client.post(f"{path}/notes", data={"text": f"met {P1}"}, headers=as_htmx)
    assert note.status_code == 200 and 'id="case-notes"' in note.text
    assert P1 not in note.text and "430102********0011" in note.text
    _form_post(api, f"{path}/items", "amr_analyst", {"kind": "person", "value": P1})
    page = api.get(path, as_="amr_analyst")
    assert page.status_code == 200 and 'href="/persons/p_' in page.text and P1 not in page.text
    for outsider in ("bank_liaison", "police_analyst"):
        refused = api.get(path, as_=outsider)
        assert refused.status_code == 403 and 'data-status="403"' in refused.text
    denied = api.get("/api/audit", as_="auditor", params={"action": "case.read"}).json()
    assert [e["username"] for e in denied[-2:]] == ["bank_liaison", "police_analyst"]
    assert all(e["outcome"] == "denied" for e in denied[-2:])
    listing = api.get("/cases", as_="amr_analyst", params={"kind": "pyramid"})
    assert f'href="/cases/{case}"' in listing.text
    assert f'href="/cases/{case}"' not in api.get("/cases", as_="bank_liaison").text


def test_a_case_is_shared_files_kept_and_closed(api: Api) -> None:
    path = _form_post(api, "/cases", "police_analyst", {"title": "TX1", "kind": "fraud"}).headers[
        "location"
    ]
    upload = api.post(
        f"{path}/files",
        as_="police_analyst",
        files={"file": ("statement.txt", b"bank statement", "text/plain")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    assert (
        _form_post(api, f"{path}/shares", "police_analyst", {"agency": "bank"}).status_code == 303
    )
    shared = api.get(path, as_="bank_liaison")
    assert shared.status_code == 200 and "statement.txt" in shared.text
    assert 'action="/cases/' not in shared.text  # read-only: no forms for the bank
    assert _form_post(api, f"{path}/notes", "bank_liaison", {"text": "x"}).status_code == 403
    closed = _form_post(api, f"{path}/status", "police_analyst", {"status": "closed"})
    assert closed.status_code == 303
    assert "已结案" in api.get(path, as_="police_analyst").text
    assert _form_post(api, "/cases", "police_analyst", {"title": " "}).status_code == 422


def test_bad_addresses_are_pages_with_a_status(api: Api) -> None:
    for path, status in (
        ("/cases/abc", 422),
        ("/cases/999", 404),
        ("/actions/999", 404),
        ("/actions?status=lost", 422),
        ("/traces/TX404", 404),
        ("/audit?since=yesterday", 422),
    ):
        user = "auditor" if path.startswith("/audit") else "police_analyst"
        response = api.get(path, as_=user)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_a_home_notice_is_written_sent_and_printable(api: Api) -> None:
    made = _form_post(
        api,
        "/actions",
        "amr_analyst",
        {"kind": "home_notice", "province": "43", "min_score": "0.5", "to_agency": "hunan-amr"},
    )
    assert made.status_code == 303
    path = made.headers["location"]
    page = api.get(path, as_="amr_analyst")
    assert "流出地通报" in page.text and "湖南省" in page.text and "教育遣散" in page.text
    assert P1 not in page.text  # the sender reads it masked
    assert _form_post(api, f"{path}/send", "amr_analyst", {}).status_code == 303
    received = api.get(path, as_="hunan_analyst")
    assert received.status_code == 200 and P1 in received.text
    assert 'onclick="window.print()"' in received.text
    done = _form_post(api, f"{path}/answer", "hunan_analyst", {"status": "done"})
    assert done.status_code == 303
    assert "已办结" in api.get(path, as_="amr_analyst").text


def test_the_audit_log_page_filters_and_verifies_the_chain(api: Api) -> None:
    case = api.post("/api/cases", as_="police_analyst", json={"title": "TX1"}).json()["id"]
    assert api.get(f"/cases/{case}", as_="bank_liaison").status_code == 403
    page = api.get("/audit", as_="auditor", params={"username": "bank_liaison"})
    assert page.status_code == 200 and "case.read" in page.text
    assert 'hx-get="/audit/verify"' in page.text
    verdict = api.get("/audit/verify", as_="auditor")
    assert 'data-ok="1"' in verdict.text
    family = api.get("/audit", as_="auditor", params={"action": "case."}).text
    table = family[family.index('data-testid="audit-table"') :]
    assert "<code>case.read</code>" in table and "<code>case.open</code>" in table
    assert "<code>login</code>" not in table and "<code>unmask</code>" not in table
    assert api.get("/audit", as_="amr_super").status_code == 403


def test_the_screening_log_and_a_second_persons_approval(api: Api) -> None:
    checked = api.post(
        "/api/screen", as_="gate", json={"purpose": "rental", "id_number": P1, "name": "张三"}
    )
    assert checked.status_code == 200
    proposed = api.post(
        "/api/watchlists/entries",
        as_="amr_analyst",
        json={"list_name": "rental", "risk": "high", "reason": "organiser", "id_number": P1},
    ).json()
    page = api.get("/screening", as_="amr_super")
    assert page.status_code == 200
    assert "430102********0011" in page.text and P1 not in page.text and "张*" in page.text
    assert f'data-entry-id="{proposed["id"]}"' in page.text
    approve = _form_post(
        api, f"/screening/watch/{proposed['id']}/decision", "amr_super", {"approve": "true"}
    )
    assert approve.status_code == 303
    active = api.get("/screening", as_="auditor", params={"watch": "active"})
    assert active.status_code == 200 and f'data-entry-id="{proposed["id"]}"' in active.text
    assert 'data-testid="approve"' not in active.text  # auditors read, supervisors decide
    by_purpose = api.get("/screening", as_="auditor", params={"purpose": "gate"}).text
    assert "430102********0011" not in by_purpose
    assert api.get("/screening", as_="police_analyst").status_code == 403
    assert (
        _form_post(
            api, f"/screening/watch/{proposed['id']}/decision", "auditor", {"approve": "true"}
        ).status_code
        == 403
    )

"""Cases: open, read, items, notes, files, shares, status; another agency's case is forbidden."""

from __future__ import annotations

from service_api import Api


def _open(api: Api, user: str = "police_analyst", title: str = "TX1 fraud ring") -> int:
    response = api.post("/api/cases", as_=user, json={"title": title, "summary": "victim paid AC0"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_bank_user_cannot_read_a_police_case(api: Api) -> None:
    case = _open(api)
    refused = api.get(f"/api/cases/{case}", as_="bank_liaison")
    assert refused.status_code == 403
    assert api.get("/api/cases", as_="bank_liaison").json() == []
    denied = api.get("/api/audit", as_="auditor", params={"action": "case.read"}).json()
    assert denied[-1]["outcome"] == "denied" and denied[-1]["username"] == "bank_liaison"


def test_a_shared_case_is_readable_but_read_only(api: Api) -> None:
    case = _open(api)
    shared = api.post(f"/api/cases/{case}/shares", as_="police_analyst", json={"agency": "bank"})
    assert shared.status_code == 201
    assert api.get(f"/api/cases/{case}", as_="bank_liaison").json()["shared_with"] == ["bank"]
    assert [c["id"] for c in api.get("/api/cases", as_="bank_liaison").json()] == [case]
    assert (
        api.post(f"/api/cases/{case}/notes", as_="amr_analyst", json={"text": "x"}).status_code
        == 403
    )
    again = api.post(f"/api/cases/{case}/shares", as_="police_analyst", json={"agency": "bank"})
    assert again.status_code == 409
    nowhere = api.post(f"/api/cases/{case}/shares", as_="police_analyst", json={"agency": "mars"})
    assert nowhere.status_code == 404


def test_items_notes_files_status_and_history(api: Api) -> None:
    case = _open(api)
    for kind, value in (("account", "AC1"), ("phone", "13800000001"), ("organization", "ORG1")):
        assert (
            api.post(
                f"/api/cases/{case}/items",
                as_="police_analyst",
                json={"kind": kind, "value": value},
            ).status_code
            == 201
        )
    bad = api.post(
        f"/api/cases/{case}/items", as_="police_analyst", json={"kind": "car", "value": "x"}
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "kind"
    note = api.post(
        f"/api/cases/{case}/notes", as_="police_analyst", json={"text": "called 13800000001"}
    )
    assert note.status_code == 201
    upload = api.post(
        f"/api/cases/{case}/files",
        as_="police_analyst",
        files={"file": ("statement.txt", b"bank statement", "text/plain")},
    )
    assert upload.status_code == 201
    file_id = upload.json()["id"]
    download = api.get(f"/api/cases/{case}/files/{file_id}", as_="police_analyst")
    assert download.content == b"bank statement"
    assert api.get(f"/api/cases/{case}/files/999", as_="police_analyst").status_code == 404
    closed = api.post(f"/api/cases/{case}/status", as_="police_analyst", json={"status": "closed"})
    assert closed.json()["status"] == "closed"
    assert (
        api.post(
            f"/api/cases/{case}/status", as_="police_analyst", json={"status": "gone"}
        ).status_code
        == 422
    )
    detail = api.get(f"/api/cases/{case}", as_="police_analyst").json()
    assert detail["items"][1]["value"] == "138****0001"  # masked
    assert detail["notes"][0]["text"] == "called 138****0001"
    changes = [h["change"] for h in detail["history"]]
    assert changes == ["open", "add_item", "add_item", "add_item", "add_note", "add_file", "status"]
    assert [
        c["id"]
        for c in api.get("/api/cases", as_="police_analyst", params={"status": "closed"}).json()
    ] == [case]


def test_case_bad_input_and_missing(api: Api) -> None:
    assert (
        api.post("/api/cases", as_="police_analyst", json={"title": ""}).json()["error"]["field"]
        == "title"
    )
    assert api.get("/api/cases/424242", as_="police_analyst").status_code == 404
    assert api.get("/api/cases/abc", as_="police_analyst").json()["error"]["field"] == "case_id"
    assert api.post("/api/cases", as_="gate", json={"title": "x"}).status_code == 403

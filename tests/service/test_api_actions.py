"""Actions to other agencies: freeze (time to freeze), block, home-province notice, rental."""

from __future__ import annotations

from service_api import Api
from service_data import F1, P1


def _create(api: Api, user: str, **body: object) -> dict:
    response = api.post("/api/actions", as_=user, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_freeze_request_from_created_to_frozen(api: Api) -> None:
    action = _create(api, "police_analyst", kind="freeze_request", to_agency="bank", txn_id="TX1")
    assert action["status"] == "created" and action["body"]["total_amount"] == 1000.0
    assert [a["account_id"] for a in action["body"]["accounts"]] == ["AC1", "AC2"]
    number = action["id"]
    assert api.get(f"/api/actions/{number}", as_="bank_liaison").status_code == 404  # a draft
    early = api.post(f"/api/actions/{number}/answer", as_="bank_liaison", json={"status": "frozen"})
    assert early.status_code == 404
    sent = api.post(f"/api/actions/{number}/send", as_="police_analyst").json()
    assert sent["status"] == "sent" and sent["clock"]["waiting_seconds"] is not None
    received = api.get("/api/actions", as_="bank_liaison", params={"direction": "received"}).json()
    assert [a["id"] for a in received] == [number]
    ack = api.post(
        f"/api/actions/{number}/answer", as_="bank_liaison", json={"status": "acknowledged"}
    )
    assert ack.json()["status"] == "acknowledged"
    frozen = api.post(
        f"/api/actions/{number}/answer",
        as_="bank_liaison",
        json={"status": "frozen", "note": "AC1, AC2 frozen"},
    )
    doc = frozen.json()
    assert doc["status"] == "frozen" and doc["clock"]["time_to_freeze_seconds"] >= 0
    again = api.post(
        f"/api/actions/{number}/answer", as_="bank_liaison", json={"status": "refused"}
    )
    assert again.status_code == 409
    page = api.get(f"/api/actions/{number}/document.html", as_="bank_liaison")
    assert (
        page.headers["content-type"].startswith("text/html")
        and "AC1" in page.text
        and "止付" in page.text
    )


def test_only_the_right_agencies_act(api: Api) -> None:
    action = _create(
        api,
        "police_analyst",
        kind="freeze_request",
        to_agency="bank",
        txn_id="TX1",
        account_ids=["AC1"],
    )
    assert len(action["body"]["accounts"]) == 1
    number = action["id"]
    assert api.post(f"/api/actions/{number}/send", as_="amr_analyst").status_code == 404  # a draft
    api.post(f"/api/actions/{number}/send", as_="police_analyst")
    assert api.post(f"/api/actions/{number}/send", as_="police_analyst").status_code == 409
    assert api.get(f"/api/actions/{number}", as_="amr_analyst").status_code == 403
    assert api.get(f"/api/actions/{number}", as_="carrier_liaison").status_code == 403
    assert (
        api.post(
            f"/api/actions/{number}/answer", as_="police_analyst", json={"status": "frozen"}
        ).status_code
        == 403
    )
    wrong = api.post(
        f"/api/actions/{number}/answer", as_="bank_liaison", json={"status": "blocked"}
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "status"
    assert (
        api.post(
            "/api/actions",
            as_="bank_liaison",
            json={"kind": "block_request", "to_agency": "carrier"},
        ).status_code
        == 403
    )


def test_bad_action_input(api: Api) -> None:
    def refused(**body: object) -> dict:
        response = api.post("/api/actions", as_="police_analyst", json=body)
        assert response.status_code in (404, 422), response.text
        return response.json()["error"]

    assert refused(kind="freeze_request", to_agency="carrier", txn_id="TX1")["field"] == "to_agency"
    assert refused(kind="freeze_request", to_agency="bank")["field"] == "txn_id"
    assert refused(kind="freeze_request", to_agency="bank", txn_id="TX404")["field"] == "txn_id"
    assert refused(kind="freeze_request", to_agency="nobank", txn_id="TX1")["field"] == "to_agency"
    assert refused(kind="block_request", to_agency="carrier", phones=["12"])["field"] == "phones.0"
    assert refused(kind="teleport", to_agency="bank")["field"] == "kind"
    assert api.get("/api/actions/999", as_="police_analyst").status_code == 404


def test_block_request_to_a_carrier(api: Api) -> None:
    action = _create(api, "police_analyst", kind="block_request", to_agency="carrier", phones=[F1])
    assert action["body"]["numbers"][0]["phone"] == "138****0001"  # the sender reads it masked
    api.post(f"/api/actions/{action['id']}/send", as_="police_analyst")
    seen = api.get(f"/api/actions/{action['id']}", as_="carrier_liaison").json()
    assert seen["body"]["numbers"][0]["phone"] == F1  # the recipient must act on the number
    blocked = api.post(
        f"/api/actions/{action['id']}/answer", as_="carrier_liaison", json={"status": "blocked"}
    )
    assert (
        blocked.json()["status"] == "blocked"
        and blocked.json()["clock"]["time_to_freeze_seconds"] is None
    )


def test_home_province_notice_lists_people_and_dispositions(api: Api) -> None:
    action = _create(api, "amr_analyst", kind="home_notice", to_agency="hunan-amr", province="43")
    api.post(f"/api/actions/{action['id']}/send", as_="amr_analyst")
    seen = api.get(f"/api/actions/{action['id']}", as_="hunan_analyst").json()
    first = seen["body"]["persons"][0]
    assert (
        first["id_number"] == P1 and first["disposition"] == "education" and first["name"] == "张三"
    )
    assert len(seen["body"]["persons"]) == 2
    page = api.get(f"/api/actions/{action['id']}/document.html", as_="hunan_analyst").text
    assert "流出地通报" in page and "education" in page
    done = api.post(
        f"/api/actions/{action['id']}/answer", as_="hunan_analyst", json={"status": "done"}
    )
    assert done.json()["status"] == "done"
    none = api.post(
        "/api/actions",
        as_="amr_analyst",
        json={"kind": "home_notice", "to_agency": "hunan-amr", "province": "11"},
    )
    assert none.status_code == 422 and none.json()["error"]["field"] == "province"


def test_rental_warning_linked_to_a_case(api: Api) -> None:
    case = api.post("/api/cases", as_="amr_analyst", json={"title": "den at 3栋"}).json()["id"]
    action = _create(
        api,
        "amr_analyst",
        kind="rental_warning",
        to_agency="police",
        case_id=case,
        id_number=P1,
        address="青秀区某小区3栋",
        reason="organiser of ORG1",
    )
    assert action["case_id"] == case and action["body"]["id_number"] == "430102********0011"
    missing = api.post(
        "/api/actions",
        as_="amr_analyst",
        json={"kind": "rental_warning", "to_agency": "police", "id_number": P1},
    )
    assert missing.json()["error"]["field"] == "address"
    police_case = api.post("/api/cases", as_="police_analyst", json={"title": "theirs"}).json()[
        "id"
    ]
    foreign = api.post(
        "/api/actions",
        as_="amr_analyst",
        json={
            "kind": "rental_warning",
            "to_agency": "police",
            "case_id": police_case,
            "id_number": P1,
            "address": "x",
            "reason": "y",
        },
    )
    assert foreign.status_code == 403
    history = [e["action"] for e in api.get("/api/audit", as_="auditor").json()]
    assert "action.create" in history

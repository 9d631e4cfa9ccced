"""The alert queue: each agency sees its own; filter, assign, snooze, dismiss, reopen, escalate."""

from __future__ import annotations

import datetime as dt

from service_api import Api
from service_data import P1


def _alerts(api: Api, user: str, **params: object) -> dict:
    response = api.get("/api/alerts", as_=user, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _id_of(api: Api, user: str, kind: str) -> int:
    return next(a["id"] for a in _alerts(api, user)["alerts"] if a["kind"] == kind)


def test_each_agency_sees_its_own_queue(api: Api) -> None:
    amr = _alerts(api, "amr_analyst")
    police = _alerts(api, "police_analyst")
    assert amr["total"] == 2 and {a["kind"] for a in amr["alerts"]} == {"pyramid_suspect"}
    assert {a["kind"] for a in police["alerts"]} == {"fraud_number", "mule_account"}
    assert [a["score"] for a in amr["alerts"]] == [0.95, 0.7]  # highest first


def test_alerts_are_masked(api: Api) -> None:
    first = _alerts(api, "amr_analyst")["alerts"][0]
    assert first["subject"] == "430102********0011"
    assert P1 not in first["reasons"] and first["subject_ref"].startswith("p_")


def test_filters(api: Api) -> None:
    assert _alerts(api, "amr_analyst", min_score=0.9)["total"] == 1
    assert _alerts(api, "police_analyst", kind="mule_account")["total"] == 1
    bad = api.get("/api/alerts", as_="amr_analyst", params={"status": "lost"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"
    assert api.get("/api/alerts", as_="amr_analyst", params={"limit": 0}).status_code == 422


def test_assign_snooze_dismiss_reopen_with_history(api: Api) -> None:
    alert = _id_of(api, "amr_analyst", "pyramid_suspect")
    me = api.user_ids["amr_analyst"]
    assigned = api.post(f"/api/alerts/{alert}/assign", as_="amr_analyst", json={"user_id": me})
    assert assigned.json()["status"] == "assigned"
    assert _alerts(api, "amr_analyst", assignee_id=me)["total"] == 1
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    assert (
        api.post(f"/api/alerts/{alert}/snooze", as_="amr_analyst", json={"until": until}).json()[
            "status"
        ]
        == "snoozed"
    )
    assert _alerts(api, "amr_analyst")["total"] == 1  # snoozed alerts leave the queue
    assert _alerts(api, "amr_analyst", include_snoozed=True)["total"] == 2
    dismissed = api.post(
        f"/api/alerts/{alert}/dismiss", as_="amr_analyst", json={"reason": "a known trader"}
    )
    assert dismissed.json()["dismiss_reason"] == "a known trader"
    again = api.post(f"/api/alerts/{alert}/dismiss", as_="amr_analyst", json={"reason": "twice"})
    assert again.status_code == 409
    assert api.post(f"/api/alerts/{alert}/reopen", as_="amr_analyst").json()["status"] == "open"
    history = api.get(f"/api/alerts/{alert}", as_="amr_analyst").json()["history"]
    assert [h["change"] for h in history] == ["assign", "snooze", "dismiss", "reopen"]


def test_bad_requests_on_alerts(api: Api) -> None:
    alert = _id_of(api, "amr_analyst", "pyramid_suspect")
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    snooze = api.post(f"/api/alerts/{alert}/snooze", as_="amr_analyst", json={"until": past})
    assert snooze.status_code == 422 and snooze.json()["error"]["field"] == "until"
    naive = api.post(
        f"/api/alerts/{alert}/snooze", as_="amr_analyst", json={"until": "2030-01-01T00:00:00"}
    )
    assert naive.status_code == 422
    short = api.post(f"/api/alerts/{alert}/dismiss", as_="amr_analyst", json={"reason": ""})
    assert short.json()["error"]["field"] == "reason"
    other = api.post(
        f"/api/alerts/{alert}/assign",
        as_="amr_analyst",
        json={"user_id": api.user_ids["police_analyst"]},
    )
    assert other.status_code == 422 and other.json()["error"]["field"] == "user_id"
    assert api.get("/api/alerts/9999", as_="amr_analyst").status_code == 404


def test_another_agencys_alert_is_forbidden(api: Api) -> None:
    alert = _id_of(api, "police_analyst", "fraud_number")
    assert api.get(f"/api/alerts/{alert}", as_="amr_analyst").status_code == 403
    assert api.get("/api/alerts", as_="bank_liaison").status_code == 403


def test_escalate_to_a_new_case_then_to_an_existing_one(api: Api) -> None:
    first, second = (a["id"] for a in _alerts(api, "amr_analyst")["alerts"])
    made = api.post(
        f"/api/alerts/{first}/escalate", as_="amr_analyst", json={"title": "ORG1 sweep"}
    )
    assert made.status_code == 201
    case_id = made.json()["case_id"]
    joined = api.post(
        f"/api/alerts/{second}/escalate", as_="amr_analyst", json={"case_id": case_id}
    )
    assert joined.json()["case_id"] == case_id
    case = api.get(f"/api/cases/{case_id}", as_="amr_analyst").json()
    assert {i["kind"] for i in case["items"]} == {"alert", "person"}
    assert api.post(f"/api/alerts/{first}/escalate", as_="amr_analyst", json={}).status_code == 409


def test_reload_reads_the_results_again(api: Api) -> None:
    assert api.post("/api/alerts/reload", as_="amr_analyst").json() == {"alerts": 4}

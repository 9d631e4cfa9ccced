"""Screening answers from watch lists and suspects and records every check; two-person approval."""

from __future__ import annotations

import sqlalchemy as sa
from service_api import Api
from service_data import F1, P1, P3
from starlette.routing import Route

from tianluo.service.db import make_engine
from tianluo.service.settings import database_url


def _screen(api: Api, **body: object) -> dict:
    response = api.post("/api/screen", as_="gate", json={"purpose": "gate", **body})
    assert response.status_code == 200, response.text
    return response.json()


def _checks(api: Api, workspace) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url(api.settings, workspace))
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM screen_checks")).scalar_one()
    engine.dispose()
    return int(count)


def test_a_suspect_organiser_is_high_risk(api: Api) -> None:
    answer = _screen(api, id_number=P1)
    assert answer["risk"] == "high"
    assert {h["source"] for h in answer["hits"]} == {"suspects", "organizations"}
    assert "organizer" in answer["reason"]


def test_a_fraud_number_and_a_clean_person(api: Api) -> None:
    assert _screen(api, phone="+86 138-0000-0001")["hits"][0]["source"] == "fraud_numbers"
    clean = _screen(api, id_number="110101199001011234", name="李四")
    assert clean["risk"] == "none" and clean["hits"] == []
    assert _screen(api, id_number=P3)["risk"] == "low"


def test_every_check_is_recorded(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _screen(api, id_number=P1, phone=F1)
    assert _checks(api, workspace) == 5


def test_bad_screening_input_names_the_field(api: Api) -> None:
    cases = [
        ({"purpose": "gate", "id_number": "123"}, "id_number"),
        ({"purpose": "gate", "phone": "999"}, "phone"),
        ({"purpose": "casino", "id_number": P1}, "purpose"),
        ({"id_number": P1}, "purpose"),
    ]
    for body, field in cases:
        response = api.post("/api/screen", as_="gate", json=body)
        assert response.status_code == 422 and response.json()["error"]["field"] == field, body
    nothing = api.post("/api/screen", as_="gate", json={"purpose": "hotel"})
    assert nothing.status_code == 422 and "at least one" in nothing.json()["error"]["message"]


def test_screening_needs_the_right(api: Api) -> None:
    assert (
        api.post(
            "/api/screen", as_="auditor", json={"purpose": "gate", "id_number": P1}
        ).status_code
        == 403
    )
    assert (
        api.post("/api/screen", as_=None, json={"purpose": "gate", "id_number": P1}).status_code
        == 401
    )


def test_watch_list_addition_needs_a_second_person(api: Api) -> None:
    person = "450103199505050055"
    proposed = api.post(
        "/api/watchlists/entries",
        as_="amr_super",
        json={
            "list_name": "pyramid",
            "id_number": person,
            "name": "王五",
            "risk": "high",
            "reason": "recruiter seen at S1",
        },
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "pending"
    entry = proposed.json()["id"]
    assert _screen(api, id_number=person)["risk"] == "none"  # not in force yet
    own = api.post(
        f"/api/watchlists/entries/{entry}/decision", as_="amr_super", json={"approve": True}
    )
    assert own.status_code == 403
    analyst = api.post(
        f"/api/watchlists/entries/{entry}/decision", as_="amr_analyst", json={"approve": True}
    )
    assert analyst.status_code == 403
    approved = api.post(
        f"/api/watchlists/entries/{entry}/decision", as_="amr_super2", json={"approve": True}
    )
    assert approved.json()["status"] == "active"
    hit = _screen(api, id_number=person)
    assert hit["risk"] == "high" and hit["hits"][0]["source"] == "watchlist:pyramid"
    assert _screen(api, name="王五")["risk"] == "medium"  # a name alone is weaker
    twice = api.post(
        f"/api/watchlists/entries/{entry}/decision", as_="amr_super2", json={"approve": True}
    )
    assert twice.status_code == 409
    listed = api.get(
        "/api/watchlists/entries", as_="amr_analyst", params={"status": "active"}
    ).json()
    assert listed[0]["id_number"] == "450103********0055"
    removed = api.post(
        f"/api/watchlists/entries/{entry}/removal",
        as_="amr_super",
        json={"reason": "cleared by court"},
    )
    assert removed.json()["status"] == "removed"
    assert _screen(api, id_number=person)["risk"] == "none"
    actions = [e["action"] for e in api.get("/api/audit", as_="auditor").json()]
    assert {"watchlist.propose", "watchlist.approve", "watchlist.remove"} <= set(actions)


def test_watch_list_bad_input(api: Api) -> None:
    body = {"list_name": "x", "id_number": P1, "risk": "extreme", "reason": "why not"}
    response = api.post("/api/watchlists/entries", as_="amr_analyst", json=body)
    assert response.status_code == 422 and response.json()["error"]["field"] == "risk"
    rejected = api.post(
        "/api/watchlists/entries/999/decision", as_="amr_super", json={"approve": False}
    )
    assert rejected.status_code == 404
    assert (
        api.post(
            "/api/watchlists/entries/999/removal", as_="amr_super", json={"reason": "gone"}
        ).status_code
        == 404
    )


def test_the_purposes_of_the_schema_are_those_of_the_service() -> None:
    from tianluo.service.routers.screening import ScreenIn  # noqa: PLC0415 - one test
    from tianluo.service.screening.screen import Purpose  # noqa: PLC0415

    schema = ScreenIn.model_json_schema()["properties"]["purpose"]["enum"]
    assert sorted(schema) == sorted(Purpose)


def test_screening_refuses_malformed_json(api: Api) -> None:
    response = api.client.post(
        "/api/screen",
        content=b"{purpose",
        headers={
            "Authorization": f"Bearer {api.tokens['gate']}",
            "content-type": "application/json",
        },
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"


def test_a_check_that_cannot_be_recorded_is_not_answered(api: Api, workspace) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url(api.settings, workspace))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE screen_checks"))
    engine.dispose()
    response = api.post("/api/screen", as_="gate", json={"purpose": "gate", "id_number": P1})
    assert response.status_code == 503 and response.json()["error"]["code"] == "not_recorded"
    assert "risk" not in response.json()


def test_screening_is_served_by_a_bare_route_ahead_of_its_documented_twin(api: Api) -> None:
    routes = [r for r in api.client.app.router.routes if getattr(r, "path", "") == "/api/screen"]  # type: ignore[attr-defined]
    assert type(routes[0]) is Route  # skips FastAPI's dependency solving (decision 7)
    assert (
        "requestBody" in api.get("/openapi.json", as_=None).json()["paths"]["/api/screen"]["post"]
    )

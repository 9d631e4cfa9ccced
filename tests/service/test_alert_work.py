"""What the workbench's alert pages ask of the queue: order by time, a dismissal's reason,
whom to assign to, the agency's workload, and where an alert leads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from service_api import Api
from service_data import F1, P1, P2
from sqlalchemy.orm import Session

from tianluo.service.alerts import subjects, workload
from tianluo.service.alerts.queue import assignees
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.tokens import principal_for
from tianluo.service.db.models import Alert
from tianluo.service.privacy.masking import Masker


@pytest.fixture
def session(api: Api) -> Iterator[Session]:
    with api.client.app.state.context.sessions() as opened:  # type: ignore[attr-defined]
        yield opened


def _principal(api: Api, session: Session, user: str) -> Principal:
    found = principal_for(session, api.tokens[user])
    assert found is not None
    session.rollback()  # end the read: SQLite lets one transaction write at a time
    return found


def _ids(api: Api, user: str, **params: object) -> list[int]:
    answer = api.get("/api/alerts", as_=user, params=params)
    assert answer.status_code == 200, answer.text
    return [a["id"] for a in answer.json()["alerts"]]


def test_the_queue_sorts_by_time_newest_first(api: Api, session: Session) -> None:
    by_score = _ids(api, "amr_analyst")
    newest = session.get(Alert, by_score[-1])
    assert newest is not None
    newest.created_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    session.commit()
    assert _ids(api, "amr_analyst", sort="time") == by_score[::-1]
    refused = api.get("/api/alerts", as_="amr_analyst", params={"sort": "loudest"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "sort"


def test_a_dismissal_needs_a_reason_not_blanks(api: Api) -> None:
    alert = _ids(api, "amr_analyst")[0]
    blank = api.post(f"/api/alerts/{alert}/dismiss", as_="amr_analyst", json={"reason": "    "})
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "reason"
    kept = api.post(f"/api/alerts/{alert}/dismiss", as_="amr_analyst", json={"reason": " ok! "})
    assert kept.status_code == 200 and kept.json()["dismiss_reason"] == "ok!"


def test_assignees_are_the_agencys_users_who_work_alerts(api: Api, session: Session) -> None:
    amr = _principal(api, session, "amr_analyst")
    assert [u.username for u in assignees(session, amr)] == [
        "amr_analyst",
        "amr_super",
        "amr_super2",
    ]  # not the administrator of the same agency
    police = _principal(api, session, "police_analyst")
    assert [u.username for u in assignees(session, police)] == ["police_analyst", "police_inv"]


def test_workload_counts_the_agencys_alerts_and_cases(api: Api, session: Session) -> None:
    amr = _principal(api, session, "amr_analyst")
    counts = workload.alerts_by_kind(session, amr)
    assert counts == {"pyramid_suspect": {"open": 2}} and workload.waiting(counts) == 2
    assert workload.alerts_per_week(session, amr) == {"2026-02-23": {"pyramid_suspect": 2}}
    assert workload.open_cases(session, amr) == 0
    session.rollback()  # end the read: SQLite lets one transaction write at a time
    first = _ids(api, "amr_analyst")[0]
    assert api.post(f"/api/alerts/{first}/escalate", as_="amr_analyst", json={}).status_code == 201
    after = workload.alerts_by_kind(session, amr)
    assert after["pyramid_suspect"] == {"open": 1, "escalated": 1}
    assert workload.waiting(after) == 1
    assert workload.open_cases_by_kind(session, amr) == {"pyramid": 1}
    assert workload.open_cases(session, amr) == 1
    police = _principal(api, session, "police_analyst")
    assert workload.open_cases(session, police) == 0
    assert set(workload.alerts_by_kind(session, police)) == {"fraud_number", "mule_account"}


def test_an_alert_leads_to_its_person_organisation_and_trace(api: Api) -> None:
    context = api.client.app.state.context  # type: ignore[attr-defined]
    masker = Masker(context.secret, unmasked=False)

    def leads(alert: Alert) -> list[tuple[str, str, str, int | None]]:
        return [
            (r.kind, r.key, r.role, r.level)
            for r in subjects.related(alert, context.results, masker)
        ]

    suspect = Alert(alert_id=f"pyramid_suspect:{P2}", kind="pyramid_suspect", subject=P2)
    assert leads(suspect) == [
        ("person", masker.ref(P2), "subject", None),
        ("organization", "ORG1", "member", 2),
    ]
    organisation = Alert(alert_id=f"org:{P1}", kind="pyramid_organization", subject=P1)
    assert leads(organisation) == [
        ("person", masker.ref(P1), "organizer", None),
        ("organization", "ORG1", "organizer", 1),
    ]
    freeze = Alert(alert_id="freeze:TX1:AC2", kind="freeze", subject="AC2")
    assert leads(freeze) == [("trace", "TX1", "reported_transfer", None)]
    mule = Alert(alert_id="mule_account:AC1", kind="mule_account", subject="AC1")
    assert leads(mule) == [("trace", "TX1", "money_held", None)]
    number = Alert(alert_id=f"fraud_number:{F1}", kind="fraud_number", subject=F1)
    [person] = subjects.related(number, context.results, masker)
    assert person.label == "138****0001" and F1 not in person.label
    # The reference is the one the person route resolves.
    assert context.refs.resolve(person.key) == F1


def test_den_alert_ids_by_subject_stay_in_the_agency(api: Api, session: Session) -> None:
    amr = _principal(api, session, "amr_analyst")
    police = _principal(api, session, "police_analyst")
    assert set(subjects.alert_ids_by_subject(session, amr, "pyramid_suspect")) == {P1, P2}
    assert subjects.alert_ids_by_subject(session, police, "pyramid_suspect") == {}

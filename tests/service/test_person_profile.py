"""A person's profile from resolved records, presence, links, accounts, alerts and cases.

The small workspace of ``service_data`` gets the detectors' tables for P1 (resolved
records, daily presence, call and transfer pairs, night locations) and a second gate
pass that carries no number, only P1's phone: resolution joined it to P1, so the profile
counts it.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from service_api import Api
from service_data import P1, P2, P3, WHEN

from tianluo.model import idnumber
from tianluo.service.analysis.identity import number_facts
from tianluo.service.analysis.presence import DAILY_UP_TO, presence_series
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

PHONE = "13800000011"
ACCOUNT = "6222020000000000011"
P1_MASKED = "430102********0011"


def _write(path: object, columns: dict[str, object]) -> None:
    assert hasattr(path, "parent")
    path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
    pq.write_table(pa.table(columns), path)  # type: ignore[arg-type]


@pytest.fixture
def detected(workspace: Workspace) -> None:
    """What the resolve stage and the detectors would have written about P1."""
    _write(
        workspace.derived_path("person_records"),
        {
            "source": [
                "seizures",
                "rentals",
                "access_events",
                "access_events",
                "phones",
                "accounts",
            ],
            "record_id": ["R1", "T1", "E1", "E2", PHONE, ACCOUNT],
            "person_key": [P1] * 6,
            "name": ["张三", "张三", None, "张叁", "张三", "张三"],
            "phone": [None, None, None, PHONE, PHONE, None],
            "address": [None, "青秀区某小区3栋", None, None, None, None],
            "seen_at": pa.array([None] * 6, pa.timestamp("us", tz="UTC")),
            "id_number": [P1, P1, P1, None, P1, P1],
        },
    )
    _write(
        workspace.lake_dir("access_events") / "load=L2" / "part-0.parquet",
        {
            "event_id": ["E2"],
            "site_id": ["S1"],
            "ts": pa.array([dt.datetime(2026, 2, 2, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")),
            "phone": [PHONE],
            "direction": ["in"],
        },
    )
    _write(
        workspace.lake_dir("accounts") / "load=L1" / "part-0.parquet",
        {
            "account_id": [ACCOUNT],
            "holder_id_number": [P1],
            "opened_at": pa.array([WHEN], pa.timestamp("us", tz="UTC")),
            "bank": ["中国工商银行"],
        },
    )
    days = [dt.date(2026, 2, 1) + dt.timedelta(days=i) for i in range(3)]
    _write(
        workspace.derived_path("presence_daily"),
        {
            "person_key": [P1] * 3,
            "day": pa.array(days, pa.date32()),
            "pings": [4, 6, 2],
            "in_city": [True, True, False],
            **{f"min_dist_{k}_m": [None, None, None] for k in ("compound", "other")},
            **{f"nearest_{k}": [None, None, None] for k in ("compound", "other")},
            "min_dist_venue_m": [300.0, 2500.0, None],
            "nearest_venue": ["S1", "S1", None],
            "min_dist_den_m": [None, 1500.0, None],
            "nearest_den": [None, "S9", None],
        },
    )
    _write(
        workspace.derived_path("call_links"),
        {
            "caller_key": [P1, P3],
            "callee_key": [P2, P1],
            "calls": [5, 2],
            "answered": [4, 2],
            "first_at": [0, 0],
            "last_at": [0, 0],
        },
    )
    _write(
        workspace.derived_path("transfer_links"),
        {
            "payer_key": [P2],
            "payee_key": [P1],
            "transfers": [2],
            "yuan": [7600.0],
            "fees": [2],
            "fee_yuan": [7600.0],
            "refunds": [0],
            "refund_yuan": [0.0],
            "first_at": [0],
        },
    )
    _write(
        workspace.derived_path("activity_profile"),
        {
            "person_key": [P1, P3, P2],
            "night_lat": [22.8, 22.80015, 22.9],  # P3 sleeps about 17 m away, P2 11 km
            "night_lon": [108.3, 108.3, 108.3],
            "night_pings": [30, 30, 30],
        },
    )


def _profile(api: Api, user: str, **params: str) -> dict:  # type: ignore[type-arg]
    response = api.get(f"/api/persons/{P1}", as_=user, params=params)
    assert response.status_code == 200, response.text
    body: dict = response.json()  # type: ignore[type-arg]
    return body


@pytest.mark.usefixtures("detected")
def test_identity_records_and_presence_come_from_the_resolved_records(api: Api) -> None:
    profile = _profile(api, "amr_analyst")
    who = profile["identity"]
    # the service data's numbers carry made-up check characters: no origin, age or sex
    assert who["valid_number"] is False and who["origin"] is None and who["age"] is None
    assert sorted(who["names"]) == sorted(["张三", "张叁"])
    assert who["phones"] == [
        {"phone": "138****0011", "subscribed": True, "sources": ["access_events", "phones"]}
    ]
    assert profile["accounts"][0]["account_id"] == "6222***********0011"
    sites = profile["places"]["sites"]
    assert sites[0]["site_id"] == "S1" and sites[0]["passes"] == 2  # E2 has no number
    assert sites[0]["near_days"] == 1  # 300 m on the first day; 2.5 km is beyond the 2 km rule
    presence = profile["presence"]
    assert (presence["days_seen"], presence["days_in_city"], presence["days_near"]) == (3, 2, 2)
    assert [p["nearest_m"] for p in presence["points"]] == [300, 1500, None]
    assert profile["places"]["rentals"][0]["address"] == "青秀区某小区3栋"
    gate_passes = [e for e in profile["timeline"] if e["source"] == "access_events"]
    assert [e["what"] for e in gate_passes] == ["gate  at S1", "gate in at S1"]
    assert gate_passes[0]["at"].endswith("+08")  # times in the city's time


@pytest.mark.usefixtures("detected")
def test_links_count_calls_transfers_and_a_shared_roof(api: Api) -> None:
    links = {link["person"]: link for link in _profile(api, "amr_analyst")["links"]["links"]}
    p2, p3 = links["430102********0022"], links["450103********0033"]
    assert (p2["calls_out"], p2["transfers_in"], p2["yuan_in"], p2["fees_in"]) == (5, 2, 7600.0, 2)
    assert p2["coresident_m"] is None  # 11 km away at night
    assert p3["calls_in"] == 2 and 15 < p3["coresident_m"] < 20
    assert p2["suspect_score"] == 0.7
    assert P2 not in str(links) and p2["ref"].startswith("p_")
    # a linked person's reference opens their profile too
    assert api.get(f"/api/persons/{p3['ref']}", as_="amr_analyst").status_code == 200


@pytest.mark.usefixtures("detected")
def test_unmasking_shows_full_numbers(api: Api) -> None:
    profile = _profile(api, "amr_super", unmask="true")
    assert profile["person"] == P1
    assert profile["accounts"][0]["account_id"] == ACCOUNT
    assert profile["identity"]["phones"][0]["phone"] == PHONE


def test_alerts_and_cases_are_those_of_the_users_agency(api: Api) -> None:
    mine = _profile(api, "amr_analyst")
    assert [a["kind"] for a in mine["alerts"]] == ["pyramid_suspect"]
    assert P1 not in mine["alerts"][0]["reasons"]
    assert _profile(api, "police_analyst")["alerts"] == []  # not in the police queue
    alert_id = mine["alerts"][0]["id"]
    escalated = api.post(f"/api/alerts/{alert_id}/escalate", as_="amr_analyst", json={})
    assert escalated.status_code == 201, escalated.text
    cases = _profile(api, "amr_analyst")["cases"]
    assert [(c["id"], c["as"]) for c in cases] == [(escalated.json()["case_id"], ["person"])]
    assert _profile(api, "police_analyst")["cases"] == []  # not shared with the police


def test_every_look_up_is_audited_found_or_not(api: Api) -> None:
    _profile(api, "amr_analyst")
    assert api.get("/api/persons/p_00000000", as_="amr_analyst").status_code == 404
    entries = api.get("/api/audit", as_="auditor", params={"action": "person.lookup"}).json()
    assert [(e["subject"], e["detail"]["found"]) for e in entries[-2:]] == [
        (P1_MASKED, True),
        ("p_00000000", False),
    ]


def test_origin_age_and_sex_come_from_a_valid_number() -> None:
    masked, unmasked = Masker("k", unmasked=False), Masker("k", unmasked=True)
    guangxi = idnumber.make("450103", dt.date(1992, 2, 2), 32)  # an even sequence: a woman
    facts = number_facts(guangxi, masked, today=dt.date(2026, 2, 1))
    assert facts["origin"]["province"] == "广西壮族自治区" and facts["origin"]["local"]
    assert facts["origin"]["city"] == "南宁市"
    assert (facts["age"], facts["sex"], facts["birth"]) == (33, "F", None)  # birth is masked
    assert number_facts(guangxi, unmasked, today=dt.date(2026, 2, 2))["age"] == 34
    assert number_facts(guangxi, unmasked)["birth"] == "1992-02-02"
    hunan = number_facts(idnumber.make("430102", dt.date(1990, 1, 1), 11), masked)
    assert hunan["origin"]["province"] == "湖南省" and not hunan["origin"]["local"]
    assert number_facts(P3, masked)["valid_number"] is False  # a wrong check character


def test_long_stays_are_charted_by_week() -> None:
    start = dt.date(2026, 1, 5)  # a Monday
    days = [
        {
            "day": start + dt.timedelta(days=i),
            "pings": 1,
            "in_city": True,
            "min_dist_den_m": 10.0,
            "nearest_den": "S9",
        }
        for i in range(DAILY_UP_TO + 10)
    ]
    series = presence_series(days, ("den",), 2000.0)
    assert series["bucket"] == "week" and series["points"][0]["start"] == "2026-01-05"
    assert series["points"][0]["in_city"] == 7 and series["days_near"] == DAILY_UP_TO + 10


@pytest.mark.usefixtures("detected")
def test_a_phones_profile_names_who_it_is_registered_to(api: Api) -> None:
    profile = api.get(f"/api/persons/{PHONE}", as_="amr_analyst").json()
    assert profile["person"] == "138****0011" and profile["identity"]["key_kind"] == "phone"
    assert [h["person"] for h in profile["identity"]["subscribers"]] == [P1_MASKED]
    assert profile["identity"]["subscribers"][0]["ref"] == _profile(api, "amr_analyst")["ref"]


def test_a_case_holding_their_organisation_is_shared_to_be_seen(api: Api) -> None:
    case = api.post("/api/cases", as_="amr_analyst", json={"title": "ORG1 sweep"}).json()
    item = {"kind": "organization", "value": "ORG1"}
    assert api.post(f"/api/cases/{case['id']}/items", as_="amr_analyst", json=item).is_success
    seen = _profile(api, "amr_analyst")["cases"]
    assert [(c["title"], c["as"]) for c in seen] == [("ORG1 sweep", ["organization"])]
    assert _profile(api, "police_analyst")["cases"] == []
    shared = api.post(
        f"/api/cases/{case['id']}/shares", as_="amr_analyst", json={"agency": "police"}
    )
    assert shared.status_code == 201, shared.text
    assert [c["id"] for c in _profile(api, "police_analyst")["cases"]] == [case["id"]]

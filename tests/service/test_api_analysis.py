"""Statistics, heat cells, a person's profile and timeline, organisations, traces."""

from __future__ import annotations

from service_api import Api
from service_data import P1, P2


def test_statistics_and_heat_cells(api: Api) -> None:
    rows = api.get(
        "/api/statistics", as_="amr_analyst", params={"dimension": "origin_province"}
    ).json()
    assert [r["label"] for r in rows] == ["湖南省", "广西壮族自治区"]
    cells = api.get("/api/heat-cells", as_="amr_analyst", params={"layer": "district"}).json()
    assert cells[0]["persons"] == 3
    assert api.get("/api/statistics", as_="bank_liaison").status_code == 403


def test_heat_cells_of_one_week(api: Api) -> None:
    week = api.get(
        "/api/heat-cells", as_="amr_analyst", params={"layer": "h3_res8", "week": "2024-03-11"}
    ).json()
    assert [(c["cell"], c["persons"], c["pings"]) for c in week] == [("8841a8a5a5fffff", 1, 100)]
    quiet = api.get("/api/heat-cells", as_="amr_analyst", params={"week": "2024-03-18"})
    assert quiet.status_code == 422 and quiet.json()["error"]["field"] == "week"
    assert api.get("/api/heat-cells", as_="amr_analyst", params={"week": "soon"}).status_code == 422


def test_a_persons_profile_and_timeline_is_audited(api: Api) -> None:
    profile = api.get(f"/api/persons/{P1}", as_="amr_analyst").json()
    assert profile["person"] == "430102********0011"
    assert (
        profile["suspect"]["score"] == 0.95 and profile["organizations"][0]["role"] == "organizer"
    )
    timeline = profile["timeline"]
    assert [e["source"] for e in timeline] == ["rentals", "access_events", "seizures"]
    assert timeline[1]["what"] == "gate  at S1"
    lookups = api.get("/api/audit", as_="auditor", params={"action": "person.lookup"}).json()
    assert lookups[-1]["subject"] == "430102********0011"  # the log itself holds no full number


def test_a_profile_by_reference(api: Api) -> None:
    ref = api.get("/api/alerts", as_="amr_analyst").json()["alerts"][1]["subject_ref"]
    assert api.get(f"/api/persons/{ref}", as_="amr_analyst").json()["suspect"]["score"] == 0.7
    assert api.get("/api/persons/p_0000", as_="amr_analyst").status_code == 404
    full = api.get(f"/api/persons/{ref}", as_="amr_super", params={"unmask": "true"}).json()
    assert full["person"] == P2


def test_organisation_tree(api: Api) -> None:
    listed = api.get("/api/organizations", as_="amr_analyst").json()
    assert listed[0]["org_id"] == "ORG1" and listed[0]["top_id_number"] == "430102********0011"
    tree = api.get("/api/organizations/ORG1", as_="amr_analyst").json()
    root = tree["tree"][0]
    assert root["role"] == "organizer" and root["children"][0]["person"] == "430102********0022"
    assert api.get("/api/organizations/ORG9", as_="amr_analyst").status_code == 404


def test_trace(api: Api) -> None:
    trace = api.get("/api/traces/TX1", as_="police_analyst").json()
    assert [a["account_id"] for a in trace["accounts"]] == ["AC1", "AC2"] and trace[
        "total_amount"
    ] == 1000.0
    assert api.get("/api/traces/TX404", as_="police_analyst").status_code == 404

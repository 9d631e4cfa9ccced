"""Organisations and profiles over HTTP: the list, the tree, the evidence pack, the profile page.

Pages accept bearer tokens like the API, so these run on the service's small workspace
(ORG1: P1 organiser, P2 recruited by P1) on both databases; the browser tests
(tests/web) walk the same pages on a simulated city.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from service_api import Api
from service_data import P1, P2

from tianluo.detectors.pyramid.links import is_fee, is_refund
from tianluo.rules import load_rules
from tianluo.service.analysis import organizations
from tianluo.service.analysis.org_payments import listed_refund, on_fee_schedule
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import InvalidInput, NotFound
from tianluo.service.privacy.masking import Masker
from tianluo.workspace import Workspace

AC1, AC2, AC9 = "6222020000000000001", "6222020000000000002", "6222020000000000009"
PAID = dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)
RULES = load_rules().suspects
MASKED = Masker("test-secret", unmasked=False)


def _write(path: object, columns: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
    pq.write_table(pa.table(columns), path)  # type: ignore[arg-type]


@pytest.fixture
def money(workspace: Workspace) -> None:
    """P2 paid P1 an entry fee and a share; P1 refunded P2; a stranger paid P1."""
    _write(
        workspace.lake_dir("accounts") / "load=L1" / "part-0.parquet",
        {
            "account_id": [AC1, AC2, AC9],
            "holder_id_number": [P1, P2, "450103199202020044"],
            "opened_at": pa.array([PAID] * 3, pa.timestamp("us", tz="UTC")),
        },
    )
    _write(
        workspace.lake_dir("transactions") / "load=L1" / "part-0.parquet",
        {
            "txn_id": ["T1", "T2", "T3", "T4"],
            "ts": pa.array(
                [PAID + dt.timedelta(hours=h) for h in range(4)], pa.timestamp("us", tz="UTC")
            ),
            "from_account": [AC2, AC2, AC1, AC9],
            "to_account": [AC1, AC1, AC2, AC1],
            "amount": [3800.0, 1234.5, 19000.0, 3800.0],
        },
    )
    _write(
        workspace.derived_path("transfer_links"),
        {
            "payer_key": [P2],
            "payee_key": [P1],
            "transfers": [2],
            "yuan": [5034.5],
            "fees": [1],
            "fee_yuan": [3800.0],
        },
    )


def test_the_fee_schedule_is_the_detectors_own() -> None:
    amounts = [3800.0, 7600.0, 38000.0, 41800.0, 69800.0, 19000.0, 1234.5, 0.0, 3800.004]
    table = ibis.memtable({"amount": amounts})
    flags = table.select(fee=is_fee(table.amount, RULES), refund=is_refund(table.amount, RULES))
    expected = flags.to_pyarrow().to_pylist()
    assert [
        {"fee": on_fee_schedule(a, RULES), "refund": listed_refund(a, RULES)} for a in amounts
    ] == expected


def test_summaries_sort_by_any_column(workspace: Workspace) -> None:
    results = ResultsStore(workspace)
    assert [r["org_id"] for r in organizations.summaries(results, "levels")] == ["ORG1"]
    with pytest.raises(InvalidInput):
        organizations.summaries(results, "top_id_number")


@pytest.mark.usefixtures("money")
def test_the_list_and_the_tree_pages(api: Api) -> None:
    listing = api.get("/organizations", as_="amr_analyst", params={"sort": "funds_collected"})
    assert listing.status_code == 200
    assert (
        "ORG1" in listing.text and "430102********0011" in listing.text and P1 not in listing.text
    )
    page = api.get("/organizations/ORG1", as_="amr_analyst")
    assert page.status_code == 200 and 'data-meets="0"' in page.text
    assert "430102********0022" in page.text and P2 not in page.text
    assert "6222***********0002" not in page.text  # payments load on demand


@pytest.mark.usefixtures("money")
def test_each_members_money(workspace: Workspace) -> None:
    members = organizations.members(ResultsStore(workspace), workspace, "ORG1", MASKED)
    assert [(m["person"], m["upline"], m["role"]) for m in members] == [
        ("430102********0011", None, "organizer"),
        ("430102********0022", "430102********0011", "member"),
    ]
    assert [(m["paid_upline"], m["collected"], m["recruits"]) for m in members] == [
        (0.0, 3800.0, 1),
        (3800.0, 0.0, 0),
    ]
    with pytest.raises(NotFound):
        organizations.members(ResultsStore(workspace), workspace, "ORG9", MASKED)


@pytest.mark.usefixtures("money")
def test_a_links_payments_are_a_fragment(api: Api) -> None:
    ref = api.get(f"/api/persons/{P2}", as_="amr_analyst").json()["ref"]
    fragment = api.get(f"/organizations/ORG1/links/{ref}", as_="amr_analyst")
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<td")
    assert fragment.text.count("<tr>") == 4  # a header and T1, T2, T3 (not the stranger's T4)
    assert "6222***********0002" in fragment.text and AC2 not in fragment.text
    assert api.get("/organizations/ORG1/links/p_0000", as_="amr_analyst").status_code == 404


@pytest.mark.usefixtures("money")
def test_the_evidence_pack_is_a_zip_and_its_export_is_audited(api: Api) -> None:
    response = api.get("/organizations/ORG1/evidence.zip", as_="amr_analyst")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "ORG1-evidence-" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(n.split("/", 1)[1] for n in archive.namelist())
    assert names == ["evidence.html", "links.csv", "manifest.json", "members.csv", "payments.csv"]
    manifest = json.loads(archive.read("ORG1/manifest.json"))
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(archive.read(f"ORG1/{name}")).hexdigest() == entry["sha256"]
    assert manifest["numbers"] == "masked" and manifest["made_by"] == "amr_analyst"
    payments = list(
        csv.DictReader(io.StringIO(archive.read("ORG1/payments.csv").decode("utf-8-sig")))
    )
    assert [
        (p["txn_id"], p["direction"], p["fee_schedule"], p["listed_refund"]) for p in payments
    ] == [
        ("T1", "member_to_upline", "1", "0"),
        ("T2", "member_to_upline", "0", "0"),
        ("T3", "upline_to_member", "0", "1"),
    ]
    assert payments[0]["from_account"] == "6222***********0002"
    assert payments[0]["time_local"] == "2026-03-06 16:00:00"
    report = archive.read("ORG1/evidence.html").decode("utf-8")
    assert "<svg" in report and "430102********0022" in report and P2 not in report
    entry = api.get("/api/audit", as_="auditor", params={"action": "export"}).json()[-1]
    assert entry["subject"] == "organization:ORG1" and entry["detail"]["payments"] == 3
    assert entry["detail"]["files"]["payments.csv"] == manifest["files"]["payments.csv"]["sha256"]


@pytest.mark.usefixtures("money")
def test_unmasking_the_pack_needs_the_right(api: Api) -> None:
    refused = api.get(
        "/organizations/ORG1/evidence.zip", as_="amr_analyst", params={"unmask": "true"}
    )
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    full = api.get("/organizations/ORG1/evidence.zip", as_="amr_super", params={"unmask": "true"})
    archive = zipfile.ZipFile(io.BytesIO(full.content))
    assert P2 in archive.read("ORG1/members.csv").decode("utf-8-sig")
    assert AC2 in archive.read("ORG1/payments.csv").decode("utf-8-sig")
    unmasks = api.get("/api/audit", as_="auditor", params={"action": "unmask"}).json()
    assert [(e["username"], e["outcome"]) for e in unmasks[-2:]] == [
        ("amr_analyst", "denied"),
        ("amr_super", "ok"),
    ]


def test_bad_input_and_other_roles_get_pages_not_traces(api: Api) -> None:
    bad_sort = api.get("/organizations", as_="amr_analyst", params={"sort": "x"})
    assert bad_sort.status_code == 422 and "text/html" in bad_sort.headers["content-type"]
    assert api.get("/organizations/ORG9", as_="amr_analyst").status_code == 404
    assert api.get("/organizations/ORG%20;1", as_="amr_analyst").status_code == 422
    assert api.get("/organizations", as_="bank_liaison").status_code == 403
    assert api.get("/persons/p_0000", as_="amr_analyst").status_code == 404
    anonymous = api.get("/organizations/ORG1", as_=None, follow_redirects=False)
    assert anonymous.status_code == 303 and "/login?next=" in anonymous.headers["location"]


def test_the_profile_page_is_audited_and_numbers_redirect_to_references(api: Api) -> None:
    moved = api.get(f"/persons/{P1}", as_="amr_analyst", follow_redirects=False)
    assert moved.status_code == 303 and P1 not in moved.headers["location"]
    page = api.get(moved.headers["location"], as_="amr_analyst")
    assert page.status_code == 200 and "430102********0011" in page.text and P1 not in page.text
    assert 'data-testid="unmask-link"' not in page.text  # an analyst may not unmask
    lookup = api.get("/api/audit", as_="auditor", params={"action": "person.lookup"}).json()[-1]
    assert lookup["username"] == "amr_analyst" and lookup["subject"] == "430102********0011"
    assert (
        api.get(moved.headers["location"], as_="amr_analyst", params={"unmask": "true"}).status_code
        == 403
    )
    full = api.get(moved.headers["location"], as_="amr_super", params={"unmask": "true"})
    assert full.status_code == 200 and P1 in full.text


@pytest.mark.usefixtures("money")
def test_the_json_twins(api: Api) -> None:
    listed = api.get("/api/organizations", as_="amr_analyst", params={"order": "asc"}).json()
    assert listed[0]["top_id_number"] == "430102********0011" and listed[0]["top_ref"][:2] == "p_"
    members = api.get("/api/organizations/ORG1/members", as_="amr_analyst").json()
    assert [m["collected"] for m in members] == [3800.0, 0.0]
    evidence = api.get("/api/organizations/ORG1/evidence", as_="amr_analyst").json()
    assert [(e["evidence"], [p["txn_id"] for p in e["payments"]]) for e in evidence] == [
        ("12 calls with 430102********0011", ["T1", "T2", "T3"])
    ]
    assert api.get("/api/organizations/ORG9/members", as_="amr_analyst").status_code == 404

"""A profile's timeline and the evidence of each upline→member link in Chinese: the
``reason.timeline.*`` and ``reason.link.*`` templates, their coverage of every entry the
service and the detectors write on the test city, and the pages that show them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from analyst_support import client_as
from browser_support import Workbench

from tianluo.service.analysis import identity
from tianluo.service.analysis.lake import PERSON_RECORDS, PERSON_SOURCES, PersonLake, connect
from tianluo.service.analysis.persons import gate_events, timeline
from tianluo.service.privacy.masking import Masker
from tianluo.web.reasons import known, match, reasons_line, render_reason, split_reasons
from tianluo.workspace import Workspace

CITY = (2_000, 5)  # the workbench's city (tests/web/conftest.py), built once per run
TOP_SUSPECTS = 30
PER_SOURCE = 3
"""Besides the top suspects, the first few other persons with records of each lake source."""
VALUE = re.compile(r"[0-9][0-9,.*]*[0-9X]|[0-9]")

TIMELINE = [
    ("gate in at SC00006", "经门禁进入SC00006"),
    ("gate out at SV00001", "经门禁离开SV00001"),
    ("gate  at S1", "经门禁出入S1（未记录方向）"),  # a feed without the direction
    ("account opened: 6222***********9426", "开立账户6222***********9426"),
    ("phone activated: 185****5113", "手机号185****5113入网激活"),
    ("seized: repatriation", "被查获（遣返）"),
    ("seized: ", "被查获（无处置记录）"),
    ("rented: 南宁市青秀区青秀路381号", "租房登记：南宁市青秀区青秀路381号"),
    ("train: 南京南→南宁东", "乘坐火车：南京南→南宁东"),
    ("hotel: 锦江之星(民族大道店)", "入住酒店：锦江之星(民族大道店)"),
    ("flight: ", "乘坐航班（无行程地点）"),
]
LINKS = [
    ("3 calls with upline", "与上线通话3次"),
    ("1 call with upline", "与上线通话1次"),
    ("paid upline 1 time (3,200 yuan)", "向上线付款1次（3,200元）"),
    ("paid upline 4 times (12,800 yuan)", "向上线付款4次（12,800元）"),
    (
        "first call before first seen in the city (invitation)",
        "首次通话早于首次在本市出现（受邀而来）",
    ),
    ("first seen 12 days after upline", "比上线晚12天在本市出现"),
    ("linked to upline", "与上线有联系"),
    (
        "no link inside the organisation: placed under the organiser",
        "在组织内无直接联系：归于组织者名下",
    ),
]


@pytest.mark.parametrize(("english", "chinese"), TIMELINE + LINKS)
def test_an_entry_reads_in_chinese_with_its_values(english: str, chinese: str) -> None:
    assert render_reason(english, "zh") == chinese
    assert render_reason(english, "en") == english


def test_a_links_evidence_reads_part_by_part() -> None:
    evidence = (
        "below the suspect score; linked by calls or money to 4 members; 3 calls with upline; "
        "paid upline 1 time (3,200 yuan); first seen 12 days after upline"
    )
    assert reasons_line(evidence, "en") == evidence
    assert reasons_line(evidence, "zh") == (
        "嫌疑评分未达门槛；通过通话或资金与4名成员相联系；与上线通话3次；"
        "向上线付款1次（3,200元）；比上线晚12天在本市出现"
    )


def test_the_families_do_not_take_each_others_sentences() -> None:
    """A plural is not read as a singular, and a reason is not read as a timeline entry."""
    assert (found := match("3 calls with upline")) and found[0].key == "reason.link.calls"
    assert (found := match("1 call with upline")) and found[0].key == "reason.link.call"
    assert (found := match("seized: fine")) and found[0].key == "reason.timeline.seized"
    assert (found := match("seized in this period (fine)"))
    assert found[0].key == "reason.suspect.seized_now"
    assert render_reason("boat: 北海港", "zh") == "boat: 北海港"  # a kind of booking not known


def _sample(workspace: Workspace) -> list[str]:
    """The top suspects, and the first few others with records of each lake source."""
    scores = pq.read_table(workspace.results / "suspects.parquet").to_pylist()
    top = [s["id_number"] for s in sorted(scores, key=lambda s: -s["score"])[:TOP_SUSPECTS]]
    records = pq.read_table(
        workspace.derived_path(PERSON_RECORDS), columns=["source", "person_key"]
    )
    by_source: dict[str, set[str]] = {}
    for r in records.to_pylist():
        if r["person_key"] not in top:
            by_source.setdefault(r["source"], set()).add(r["person_key"])
    others = [
        key for source in PERSON_SOURCES for key in sorted(by_source.get(source, ()))[:PER_SOURCE]
    ]
    return top + others


@pytest.fixture(scope="module")
def city_timeline(
    analysed_city: Callable[[int, int], tuple[Path, Workspace]],
) -> dict[str, set[str]]:
    """Per lake source, the distinct timeline entries of the sampled persons, masked."""
    _, workspace = analysed_city(*CITY)
    masker = Masker("timeline-test", unmasked=False)
    found: dict[str, set[str]] = {}
    with connect() as con:
        for person in _sample(workspace):
            lake = PersonLake.open(con, workspace, person)
            events = timeline(lake, masker, gate_events(lake), identity.accounts(lake))
            for event in events:
                found.setdefault(event["source"], set()).add(event["what"])
    return found


@pytest.fixture(scope="module")
def city_links(
    analysed_city: Callable[[int, int], tuple[Path, Workspace]],
) -> set[str]:
    """Every distinct part of every link's evidence in the organisations result."""
    _, workspace = analysed_city(*CITY)
    evidence = pq.read_table(workspace.results / "organizations.parquet").column("evidence")
    return {part for text in evidence.to_pylist() for part in split_reasons(text)}


def test_every_timeline_entry_the_service_writes_is_in_the_catalogue(
    city_timeline: dict[str, set[str]],
) -> None:
    assert set(city_timeline) == {
        "access_events",
        "accounts",
        "phones",
        "rentals",
        "seizures",
        "bookings",
    }
    unmatched = sorted(
        f"{source}: {what!r}"
        for source, whats in city_timeline.items()
        for what in whats
        if not known(what)
    )
    assert not unmatched, "timeline entries with no template in locales/reasons.json:\n" + (
        "\n".join(unmatched)
    )


def test_every_part_of_a_links_evidence_is_in_the_catalogue(city_links: set[str]) -> None:
    assert city_links
    unmatched = sorted(part for part in city_links if not known(part))
    assert not unmatched, "link evidence with no template in locales/reasons.json:\n" + (
        "\n".join(unmatched)
    )


def test_every_value_reaches_the_chinese(
    city_timeline: dict[str, set[str]], city_links: set[str]
) -> None:
    garbled = []
    for text in set().union(*city_timeline.values(), city_links):
        shown = render_reason(text, "zh")
        lost = [v for v in VALUE.findall(text) if v not in shown]
        if lost or shown == text:
            garbled.append(f"{text} -> {shown} (lost {lost})")
    assert not garbled, "\n".join(sorted(garbled)[:20])


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


def test_the_pages_show_the_timeline_and_the_links_in_the_users_language(
    workbench: Workbench,
) -> None:
    scores = pq.read_table(workbench.workspace.results / "suspects.parquet").to_pylist()
    top = max(scores, key=lambda s: s["score"])["id_number"]
    with client_as(workbench, "amr_analyst") as client:
        profile = client.get(f"/persons/{top}", follow_redirects=True)
        chinese = _section(profile.text, "timeline")
        english = _section(client.get(profile.url, params={"lang": "en"}).text, "timeline")
        client.cookies.clear()
        org = client.get("/api/organizations").json()[0]  # the largest
        org_zh = _section(client.get(f"/organizations/{org['org_id']}").text, "evidence")
        org_en = client.get(f"/organizations/{org['org_id']}", params={"lang": "en"}).text
        client.cookies.clear()
        pack = client.get(f"/organizations/{org['org_id']}/evidence.zip")
    assert "经门禁进入" in chinese and "gate in at" not in chinese
    assert "gate in at" in english and "经门禁进入" not in english
    assert "与上线通话" in org_zh and "with upline" not in org_zh
    assert "with upline" in _section(org_en, "evidence") and "与上线通话" not in org_en
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    report = archive.read(f"{org['org_id']}/evidence.html").decode("utf-8")
    assert "与上线通话" in report and "with upline" not in report

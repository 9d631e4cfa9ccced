"""The detectors' reasons in Chinese: the catalogue, its rendering, and its coverage of every
reason the detectors write on the test city (a new sentence fails here until translated)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from string import Formatter

import pyarrow.parquet as pq
import pytest
from analyst_support import client_as
from browser_support import Workbench

from tianluo.service.privacy.masking import mask_text
from tianluo.web.reasons import (
    known,
    match,
    reasons_line,
    render_reason,
    render_reasons,
    split_reasons,
    templates,
)
from tianluo.workspace import Workspace

CITY = (2_000, 5)  # the workbench's city (tests/web/conftest.py), built once per run
VALUE = re.compile(r"[0-9][0-9,.*]*[0-9X]|[0-9]")
"""A number, an amount or a (masked) identity number, account or phone in a reason."""

RENDERED = [
    # pyramid suspects
    ("identity number from 河南省", "身份证号归属地：河南省"),
    ("calls with 5 other suspects", "与5名其他嫌疑人有通话往来"),
    (
        "100% of days within the rule's radius of a watched site",
        "100%的天数处于重点场所的规则半径内",
    ),
    ("seized in this period (repatriation)", "本期已被查获（遣返）"),
    ("seized in an earlier sweep (no disposition)", "往期清查中曾被查获（无处置记录）"),
    (
        "at venue SV00004 in lecture hours on 20 weekdays "
        "[score 1.00, learnt from 124 seized people]",
        "20个工作日的授课时段出现在场所SV00004［评分1.00，依据124名被查获人员学得］",
    ),
    (
        "seized in this period (fine) [score 0.93, fixed evidence strengths]",
        "本期已被查获（罚款）［评分0.93，采用固定证据权重］",
    ),
    # dens
    ("8 suspects from other provinces sleep here", "8名外省嫌疑人在此住宿"),
    ("from 江西省 2, 湖北省 1", "来自江西省 2, 湖北省 1"),
    ("known den site SD00002 72 m away", "已知窝点SD00002，相距72米"),
    ("known den site SD00005", "已知窝点SD00005"),
    (
        "known den site SD00006 (南宁市良庆区长湖路292号五象新城10栋3单元2703室)",
        "已知窝点SD00006（南宁市良庆区长湖路292号五象新城10栋3单元2703室）",
    ),
    (
        "rented by member 210603********912X, 350305********9801 (南宁市江南区长湖路215号), "
        "registration RT00000210, RT00000256",
        "由成员210603********912X, 350305********9801承租（南宁市江南区长湖路215号），"
        "租赁登记RT00000210, RT00000256",
    ),
    (
        "8.0 suspects expected in this flat from night locations "
        "(a median 17 m from it; they err by about 17 m)",
        "按夜间位置推算该房屋约住8.0名嫌疑人（距房屋中位距离17米；定位误差约17米）",
    ),
    # organisations: the summary and the alert
    (
        "20 members in 3 levels: the criminal threshold (30 members, 3 levels) is not met",
        "20人、3级：未达到刑事立案标准（30人、3级）",
    ),
    (
        "53 members in 7 levels (meets the criminal threshold of 30 members and 3 levels)",
        "53人、7级（达到30人、3级的刑事立案标准）",
    ),
    ("organiser 341271********1039", "组织者341271********1039"),
    ("fees collected 327,200 yuan", "收取入会费327,200元"),
    # fraud numbers
    ("called 615 distinct numbers on 6 days (102 a day)", "6天内呼叫615个不同号码（日均102个）"),
    ("27% of calls answered, 85% of those under 60 s", "27%的呼叫被接听，其中85%不足60秒"),
    ("named in 3 victim report(s)", "被3份受害人报案提及"),
    ("model learnt from 8 reported numbers: 1.00", "模型评分（依据8个被举报号码学得）：1.00"),
    # mule accounts
    (
        "money of 2 reported transfer(s) passed through it "
        "(17,100.00 yuan, 1 hop(s) from the victim)",
        "2笔被举报转账的资金流经该账户（17,100.00元，距受害人1层）",
    ),
    ("100% withdrawn at cash machines", "100%在自动取款机取现"),
    # trace and freeze
    (
        "freeze rank 1 for reported transfer TX000000027347: holds 11797.00 yuan of its 12200.00, "
        "2 hop(s) away via 6228481373687001292 > 6228481405363454640",
        "被举报交易TX000000027347的第1位止付对象：持有该笔12200.00元中的11797.00元，"
        "经6228481373687001292 > 6228481405363454640流转2层",
    ),
    # victim warning
    (
        "157****3189 talked 14 min with flagged number 171****3790 (fraud score 1.00)",
        "157****3189与涉诈号码171****3790（涉诈评分1.00）通话14分钟",
    ),
    (
        "65 min later paid 3,200.00 yuan from 6230589890972662642 to 6217991294495867922, "
        "a payee it never paid before (transfer TX000000027343): call the payer back",
        "65分钟后从6230589890972662642向此前从未付过款的6217991294495867922支付3,200.00元"
        "（交易TX000000027343）：请立即回访付款人",
    ),
]


@pytest.mark.parametrize(("english", "chinese"), RENDERED)
def test_a_reason_reads_in_chinese_with_its_values(english: str, chinese: str) -> None:
    assert render_reason(english, "zh") == chinese
    assert render_reason(english, "en") == english


def test_english_is_the_text_as_written() -> None:
    text = "53 members in 7 levels (meets the criminal threshold of 30 members and 3 levels); "
    text += "organiser 341271********1039; fees collected 327,200 yuan"
    assert reasons_line(text, "en") == text
    assert render_reasons(text, "en") == text.split("; ")
    assert reasons_line(text, "zh") == (
        "53人、7级（达到30人、3级的刑事立案标准）；组织者341271********1039；收取入会费327,200元"
    )


def test_an_unknown_reason_passes_through_unchanged() -> None:
    for text in ("seen at a wedding on 3 days", "organiser: met at a den", ""):
        assert render_reason(text, "zh") == text
        assert not known(text)
    # the note is known, the reason in it is not: the note is read, the reason kept as written
    noted = "seen at a wedding on 3 days [score 0.50, learnt from 10 seized people]"
    assert (
        render_reason(noted, "zh")
        == "seen at a wedding on 3 days［评分0.50，依据10名被查获人员学得］"
    )
    assert not known(noted)
    assert render_reasons("seen at a wedding; organiser 341271********1039", "zh") == [
        "seen at a wedding",
        "组织者341271********1039",
    ]


def test_masked_numbers_are_kept_as_they_are() -> None:
    masked = mask_text(
        "organiser 341271199711051039; 15710303189 talked 14 min with flagged "
        "number 17103673790 (fraud score 1.00)"
    )
    shown = render_reasons(masked, "zh")
    assert shown == [
        "组织者341271********1039",
        "157****3189与涉诈号码171****3790（涉诈评分1.00）通话14分钟",
    ]
    assert not re.search(r"\d{11}", "".join(shown))


def test_reasons_split_at_semicolons_outside_brackets() -> None:
    den = (
        "8 suspects from other provinces sleep here; 8.0 suspects expected in this flat from "
        "night locations (a median 17 m from it; they err by about 17 m); known den site SD00005"
    )
    assert split_reasons(den) == [
        "8 suspects from other provinces sleep here",
        "8.0 suspects expected in this flat from night locations "
        "(a median 17 m from it; they err by about 17 m)",
        "known den site SD00005",
    ]
    assert split_reasons("a (unclosed; b") == ["a (unclosed", "b"]
    assert split_reasons(None) == [] and split_reasons(" ; ") == []


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_every_template_is_complete_and_reached_by_its_own_sentence() -> None:
    """Both languages use the same values, and no other template takes a template's sentence."""
    samples = {"reason": "no evidence beyond presence", "disposition": "fine"}
    for template in templates():
        english, chinese = template.texts["en"], template.texts.get("zh", "")
        assert _fields(english) == _fields(chinese), template.key
        filled = english.format(**{f: samples.get(f, "12") for f in _fields(english)})
        found = match(filled)
        assert found is not None and found[0].key == template.key, (template.key, filled)


@pytest.fixture(scope="module")
def city_reasons(
    analysed_city: Callable[[int, int], tuple[Path, Workspace]],
) -> dict[str, set[str]]:
    """Per result with reasons on the test city, its distinct reasons."""
    _, workspace = analysed_city(*CITY)
    found: dict[str, set[str]] = {}
    for path in sorted(workspace.results.glob("*.parquet")):
        table = pq.read_table(path)
        if "reasons" in table.column_names:
            texts = table.column("reasons").to_pylist()
            found[path.stem] = {part for text in texts for part in split_reasons(text)}
    return found


def test_every_reason_the_detectors_write_is_in_the_catalogue(
    city_reasons: dict[str, set[str]],
) -> None:
    written = {"suspects", "dens", "org_summary", "fraud_numbers", "mule_accounts", "alerts"}
    assert written <= {result for result, parts in city_reasons.items() if parts}
    unmatched = sorted(
        f"{result}: {part}"
        for result, parts in city_reasons.items()
        for part in parts
        if not known(part)
    )
    assert not unmatched, "reasons with no template in locales/reasons.json:\n" + "\n".join(
        unmatched
    )


def test_every_value_of_a_reason_reaches_the_chinese(city_reasons: dict[str, set[str]]) -> None:
    garbled = []
    for part in set().union(*city_reasons.values()):
        masked = mask_text(part)
        shown = render_reason(masked, "zh")
        lost = [v for v in VALUE.findall(masked) if v not in shown]
        if lost or shown == masked:
            garbled.append(f"{masked} -> {shown} (lost {lost})")
    assert not garbled, "\n".join(garbled[:20])


def test_the_pages_show_reasons_in_the_users_language(workbench: Workbench) -> None:
    with client_as(workbench, "amr_analyst") as client:
        found = client.get("/api/alerts", params={"kind": "pyramid_organization", "limit": 1})
        (alert,) = found.json()["alerts"]
        chinese = client.get(f"/alerts/{alert['id']}").text
        english = client.get(f"/alerts/{alert['id']}", params={"lang": "en"}).text
        client.cookies.clear()
        queue = client.get("/alerts", params={"kind": "pyramid_organization"}).text
    assert "刑事立案标准" in chinese and "criminal threshold" not in chinese
    assert re.search(r"<li>组织者\d{6}\*{8}\d{3}[\dX]</li>", chinese)
    assert "criminal threshold" in english and "刑事立案标准" not in english
    assert "收取入会费" in queue and "fees collected" not in queue

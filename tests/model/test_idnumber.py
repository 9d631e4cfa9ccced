"""Identity numbers: the Python rules, and the ingest SQL held to the same answers."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pytest

from tianluo.ingest.rules import id_number_sql, install_functions
from tianluo.model import idnumber
from tianluo.model.idnumber import IdStatus


def test_make_builds_a_valid_number_with_its_check_character() -> None:
    number = idnumber.make("110101", dt.date(1990, 3, 7), 447)
    assert number == "110101199003074477"  # the textbook example of GB 11643
    parsed = idnumber.parse(number)
    assert (parsed.status, parsed.birth_date, parsed.sex) == (
        IdStatus.VALID,
        dt.date(1990, 3, 7),
        "M",
    )
    assert parsed.province_code == "110000"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("110101199003074477", IdStatus.VALID),
        (" 110101199003074477 ", IdStatus.VALID),
        ("110101199003074478", IdStatus.INVALID),  # wrong check character
        ("110101199002304475", IdStatus.INVALID),  # 30 February
        ("11010119900307447", IdStatus.INVALID),  # 17 characters
        ("1101011990030744X7", IdStatus.INVALID),
        ("110101900307447", IdStatus.LEGACY),
        ("110101901307447", IdStatus.INVALID),  # month 13 in a legacy number
        ("", IdStatus.MISSING),
        (None, IdStatus.MISSING),
    ],
)
def test_parse_statuses(raw: str | None, status: IdStatus) -> None:
    assert idnumber.parse(raw).status is status


def test_legacy_number_converts_to_the_18_character_form() -> None:
    number = idnumber.make("430102", dt.date(1975, 12, 24), 2)
    parsed = idnumber.parse(idnumber.to_legacy(number))
    assert parsed.status is IdStatus.LEGACY
    assert parsed.number == number
    assert parsed.sex == "F"


def _mistype(number: str, rng: random.Random) -> str:
    chars = list(number)
    if rng.random() < 0.5:
        i = rng.randrange(17)
        chars[i] = str((int(chars[i]) + rng.randrange(1, 10)) % 10)
    else:
        i = rng.randrange(16)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _random_numbers(seed: int, count: int) -> list[str]:
    """Valid numbers, some mistyped, some in legacy form, some with a random check character."""
    rng = random.Random(seed)
    samples: list[str] = []
    for _ in range(count):
        born = dt.date(1920, 1, 1) + dt.timedelta(days=rng.randrange(35_000))
        number = idnumber.make(f"{rng.randrange(110000, 659999):06d}", born, rng.randrange(1000))
        kind = rng.randrange(4)
        if kind == 1:
            number = _mistype(number, rng)
        elif kind == 2 and number[6:8] == "19":
            number = idnumber.to_legacy(number)
        elif kind == 3:
            number = number[:17] + rng.choice("0123456789X")
        samples.append(number)
    return samples


def test_sql_and_python_rules_agree_on_random_numbers() -> None:
    samples = _random_numbers(7, 600)
    sql = id_number_sql("x")
    number_sql = sql["number"].replace("{v}", f"({sql['status']})")
    with duckdb.connect() as con:
        install_functions(con)
        rows = con.execute(
            f"SELECT x, {sql['status']}, {number_sql} FROM (SELECT unnest($1) AS x)", [samples]
        ).fetchall()
    for raw, status, number in rows:
        parsed = idnumber.parse(raw)
        assert (status, number) == (parsed.status.value, parsed.number), raw
    assert {r[1] for r in rows} == {"valid", "invalid", "legacy"}


def test_vectorised_statuses_agree_with_parse() -> None:
    samples: list[str | None] = [None, "", "ABC", "110101199013014471", "110101211001014478"]
    samples += _random_numbers(3, 3000)
    got = idnumber.statuses(pa.array([idnumber.clean(s) for s in samples])).to_pylist()
    assert got == [idnumber.parse(s).status.value for s in samples]

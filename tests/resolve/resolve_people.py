"""A few people and their records across sources, dirtied the way agencies' records are."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tianluo.model.idnumber import make, parse, to_legacy
from tianluo.workspace import Workspace

WANG = make("450102", dt.date(1985, 3, 14), 123)  # 王伟 of Nanning
OTHER_WANG = make("430104", dt.date(1990, 7, 2), 456)  # another 王伟, from Hunan
LI = make("450103", dt.date(1978, 11, 30), 38)  # 李娜
WANG_PHONE, OTHER_WANG_PHONE, LI_PHONE = "13807710001", "13907310002", "15077100003"


def swap(number: str, i: int) -> str:
    """Digits ``i`` and ``i + 1`` swapped."""
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def one_digit_off(number: str, i: int) -> str:
    return number[:i] + str((int(number[i]) + 3) % 10) + number[i + 1 :]


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _lake_number(raw: str | None) -> tuple[str | None, str]:
    """The number and status as ingest writes them (legacy numbers widened to 18)."""
    parsed = parse(raw)
    return parsed.number, parsed.status.value


def _rows(rows: list[dict[str, str | None]], id_column: str) -> pa.Table:
    for row in rows:
        row[id_column], row[f"{id_column}_status"] = _lake_number(row[id_column])
    return pa.Table.from_pylist(rows)


RECORDS: dict[str, list[dict[str, str | None]]] = {
    "phones": [
        {"phone": WANG_PHONE, "id_number": WANG, "name": "王伟"},
        {"phone": OTHER_WANG_PHONE, "id_number": OTHER_WANG, "name": "王伟"},
        {"phone": LI_PHONE, "id_number": LI, "name": "李娜"},
    ],
    "seizures": [
        {"record_id": "S1", "id_number": WANG, "name": "王伟", "phone": None, "address": None},
        {"record_id": "S2", "id_number": LI, "name": "李娜", "phone": None, "address": None},
    ],
    "access_events": [
        # one digit wrong, adjacent digits swapped, a wrong check character
        {"event_id": "E1", "id_number": one_digit_off(WANG, 9), "name": "王伟", "phone": None},
        {"event_id": "E2", "id_number": swap(WANG, 12), "name": "王伟", "phone": None},
        {"event_id": "E3", "id_number": wrong_check(LI), "name": "李娜", "phone": None},
        {"event_id": "E4", "id_number": OTHER_WANG, "name": "王伟", "phone": None},
    ],
    "rentals": [
        # the legacy 15-digit form, and a homophone (汪 for 王) with the phone only
        {"record_id": "R1", "tenant_id_number": to_legacy(LI), "tenant_name": "李娜",
         "tenant_phone": None, "address": "南宁市青秀区民族大道1号"},
        {"record_id": "R2", "tenant_id_number": None, "tenant_name": "汪伟",
         "tenant_phone": WANG_PHONE, "address": "南宁市青秀区民族大道9号"},
    ],
    "accounts": [
        # a mistyped legacy number (15 digits, month made 41) and a homophone 李那
        {"account_id": "A1", "holder_id_number": one_digit_off(to_legacy(LI), 8),
         "holder_name": "李那"},
    ],
}  # fmt: skip

ID_COLUMNS = {
    "phones": "id_number",
    "seizures": "id_number",
    "access_events": "id_number",
    "rentals": "tenant_id_number",
    "accounts": "holder_id_number",
}

EXPECTED_KEYS = {
    ("phones", WANG_PHONE): WANG,
    ("phones", OTHER_WANG_PHONE): OTHER_WANG,
    ("phones", LI_PHONE): LI,
    ("seizures", "S1"): WANG,
    ("seizures", "S2"): LI,
    ("access_events", "E1"): WANG,
    ("access_events", "E2"): WANG,
    ("access_events", "E3"): LI,
    ("access_events", "E4"): OTHER_WANG,
    ("rentals", "R1"): LI,
    ("rentals", "R2"): WANG,
    ("accounts", "A1"): LI,
}


def write_people(workspace: Workspace, lake: object) -> None:
    """Write the records above into the lake with the ``lake`` fixture."""
    for source, rows in RECORDS.items():
        lake(source, _rows([dict(r) for r in rows], ID_COLUMNS[source]))  # type: ignore[operator]

"""Who a person is: what their identity number says, and the names, phones and accounts on file.

The origin (province, city, county), birth date and sex come from a valid number
(GB 11643). The birth date is a masked part of the number, so a masked answer gives
the age in years only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tianluo.model import idnumber, regions
from tianluo.service.analysis.lake import (
    PERSON_RECORDS,
    PersonLake,
    derived_scan,
    fetch,
    lake_scan,
)
from tianluo.service.privacy.masking import ID_NUMBER, PHONE, Masker


def key_kind(person: str) -> str:
    """What names the person: an identity number (valid or not), a phone, or something else."""
    if ID_NUMBER.fullmatch(person) or (len(person) == 15 and person.isdigit()):
        return "id_number"
    return "phone" if PHONE.fullmatch(person) else "other"


def subscribers(lake: PersonLake, masker: Masker) -> list[dict[str, Any]]:
    """For a person named by a phone: who the phone is registered to (``phones``)."""
    if key_kind(lake.person) != "phone":
        return []
    records = derived_scan(lake.workspace, PERSON_RECORDS)
    if records is not None:
        sql = (
            f"SELECT DISTINCT person_key AS holder FROM {records} "
            "WHERE source = 'phones' AND record_id = ?"
        )
    else:
        scan = lake_scan(lake.workspace, "phones")
        if scan is None:
            return []
        sql = f"SELECT DISTINCT id_number AS holder FROM {scan} WHERE phone = ?"
    holders = [r["holder"] for r in fetch(lake.con, sql, [lake.person]) if r["holder"]]
    return [
        {"person": masker.value(h), "ref": masker.ref(h)}
        for h in sorted(holders)
        if h != lake.person
    ]


def number_facts(person: str, masker: Masker, today: dt.date | None = None) -> dict[str, Any]:
    """Origin, age and sex from the number; empty values when it is not a valid one."""
    parsed = idnumber.parse(person, today)
    if parsed.status not in (idnumber.IdStatus.VALID, idnumber.IdStatus.LEGACY):
        return {"valid_number": False, "origin": None, "age": None, "sex": None, "birth": None}
    today = today or dt.date.today()
    born = parsed.birth_date
    assert born is not None and parsed.region_code is not None  # a valid number has both
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    region = regions.lookup(parsed.region_code)
    origin = None
    if region is not None:
        origin = {
            "province_code": parsed.region_code[:2],
            "province": region.province,
            "city": region.city,
            "county": region.county,
            "local": parsed.region_code[:2] == regions.LOCAL_PROVINCE_CODE,
        }
    return {
        "valid_number": True,
        "origin": origin,
        "age": age,
        "sex": parsed.sex,
        "birth": born.isoformat() if masker.unmasked else None,
    }


def identity(lake: PersonLake, masker: Masker) -> dict[str, Any]:
    """The number's facts, and the names, numbers as typed, phones and addresses on file."""
    typed: dict[str, int] = {}
    for r in lake.records:
        if r["id_number"] and r["id_number"] != lake.person:
            shown = masker.value(r["id_number"]) or ""
            typed[shown] = typed.get(shown, 0) + 1
    phones = []
    subscribed = set(lake.record_ids("phones"))
    for phone in sorted(subscribed | set(lake.values("phone"))):
        sources = sorted(
            {r["source"] for r in lake.records if phone in (r["phone"], r["record_id"])}
        )
        phones.append(
            {"phone": masker.value(phone), "subscribed": phone in subscribed, "sources": sources}
        )
    return {
        **number_facts(lake.person, masker),
        "key_kind": key_kind(lake.person),
        "subscribers": subscribers(lake, masker),
        "names": lake.values("name"),
        "numbers_as_typed": [{"number": n, "records": c} for n, c in sorted(typed.items())],
        "phones": phones,
        "addresses": [masker.text(a) for a in lake.values("address")],
        "records": len(lake.records),
        "records_by_source": _count_by_source(lake.records),
    }


def _count_by_source(records: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r["source"]] = counts.get(r["source"], 0) + 1
    return dict(sorted(counts.items()))


def accounts(lake: PersonLake) -> list[dict[str, Any]]:
    """The person's bank and payment accounts (``accounts``), oldest first; not masked."""
    return lake.rows(
        "accounts",
        "account_id, opened_at::VARCHAR AS opened_at, bank, kind",
        optional=("bank", "kind"),
        tail="ORDER BY opened_at",
    )

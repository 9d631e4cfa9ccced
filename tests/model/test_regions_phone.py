"""Region codes (GB/T 2260 from the shipped table) and phone normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tianluo.model import phone, regions


def test_every_province_is_known() -> None:
    names = regions.provinces()
    assert len(names) == 34
    assert names["45"] == "广西壮族自治区"
    assert names["43"] == "湖南省"


def test_lookup_falls_back_from_county_to_city_to_province() -> None:
    county = regions.lookup("450103")
    assert county is not None and (county.city, county.county) == ("南宁市", "青秀区")
    retired = regions.lookup("450199")  # not a county code: its city answers
    assert retired is not None and retired.level == "city" and retired.city == "南宁市"
    assert regions.lookup("999999") is None


def test_county_codes_of_a_province() -> None:
    codes = regions.county_codes("43")
    assert len(codes) > 100 and all(c.startswith("43") for c in codes)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("(138) 0013 8000", "13800138000"),
        ("12800138000", None),
        ("1380013800", None),
        ("", None),
        (None, None),
    ],
)
def test_mobile_normalisation(raw: str | None, expected: str | None) -> None:
    assert phone.normalise_mobile(raw) == expected


def test_region_table_reads_the_zip_jionlp_ships(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh install has only china_location.zip (jionlp unzips it on its first import)."""
    source = regions._dictionary_folder()
    folder = tmp_path / "dictionary"
    folder.mkdir()
    archive = source / "china_location.zip"
    (folder / "china_location.zip").write_bytes(archive.read_bytes())
    monkeypatch.setattr(regions, "_dictionary_folder", lambda: folder)
    regions.region_table.cache_clear()
    try:
        assert regions.region_table()["450103"].county == "青秀区"
    finally:
        regions.region_table.cache_clear()

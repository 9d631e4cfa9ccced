"""GB/T 2260 administrative region codes: province, city and county of a code.

The table comes from the region dictionary that ships inside the ``jionlp``
package (``dictionary/china_location.txt``). It is read as a file, without
importing jionlp, which prints a banner and loads much more on import.
"""

from __future__ import annotations

import importlib.util
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCAL_PROVINCE_CODE = "45"  # Guangxi, home of the first deployment (Nanning)


@dataclass(frozen=True, slots=True)
class Region:
    """One region code with the names of its province, city and county."""

    code: str
    province: str
    city: str | None
    county: str | None
    level: str  # "province", "city" or "county"


def _dictionary_folder() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jionlp package (GB/T 2260 region table) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def _location_lines() -> list[str]:
    """The lines of jionlp's region dictionary.

    jionlp ships it zipped and unzips it on first import; read the zip when
    the text file is not there yet.
    """
    folder = _dictionary_folder()
    text_file = folder / "china_location.txt"
    if text_file.exists():
        return text_file.read_text(encoding="utf-8").splitlines()
    with zipfile.ZipFile(folder / "china_location.zip") as archive:
        return archive.read("china_location.txt").decode("utf-8").splitlines()


@cache
def region_table() -> dict[str, Region]:
    """Every province, city and county code, keyed by its 6-digit code."""
    regions: dict[str, Region] = {}
    province = city = None
    for line in _location_lines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth > 2 or len(fields) < 2:
            continue  # towns and villages carry no code
        name, code = fields[0], fields[1]
        if depth == 0:
            province, city = name, None
            regions[code] = Region(code, name, None, None, "province")
        elif depth == 1 and province:
            city = name
            regions.setdefault(code, Region(code, province, name, None, "city"))
        elif depth == 2 and province:
            regions.setdefault(code, Region(code, province, city, name, "county"))
    return regions


@cache
def provinces() -> dict[str, str]:
    """Province name by 2-digit code."""
    return {r.code[:2]: r.province for r in region_table().values() if r.level == "province"}


def lookup(code: str) -> Region | None:
    """The most specific region known for a 6-digit code (county, else city, else province).

    Identity numbers keep the code of where they were issued, including codes
    retired since; those fall back to their city or province.
    """
    table = region_table()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        found = table.get(candidate)
        if found:
            return found
    return None


def county_codes(province_code: str | None = None) -> list[str]:
    """Current county-level codes, optionally of one province (2-digit code)."""
    return sorted(
        r.code
        for r in region_table().values()
        if r.level == "county" and (province_code is None or r.code.startswith(province_code))
    )

"""Screening: who, among the resolved persons, matches a name, an identity number or a phone.

The index is built in memory from the latest run's ``person_records``: candidates
come from the exact identity number, its four window keys (a mistyped number still
finds its person), the phone, the name and the name's sound. Each candidate is then
scored with the trained model's weights, field by field as in an explanation, and
the strength is the probability that the screened person is that candidate (from a
prior of one chance in the number of persons known; the screened person is at most
one of the candidates, so two namesakes share the chance). A query takes about a
millisecond once the index is built.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow.parquet as pq

from tianluo.model.idnumber import clean
from tianluo.resolve.features import name_pinyin
from tianluo.resolve.pipeline import PERSON_RECORDS, model_path
from tianluo.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ScreeningMatch:
    """A person matching a screening query, how strongly, and on what."""

    person_key: str
    strength: float
    agreements: tuple[str, ...]


@dataclass
class _Person:
    numbers: set[str] = field(default_factory=set)
    windows: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    sounds: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)


def id17_of(number: str) -> str | None:
    """The first 17 digits of a number as typed (a 15-digit one widened with ``19``)."""
    text = clean(number) or ""
    if len(text) in (17, 18) and text[:17].isdigit():
        return text[:17]
    if len(text) == 15 and text.isdigit():
        return text[:6] + "19" + text[6:]
    return None


def windows(id17: str) -> tuple[str, ...]:
    """The four window keys of ``features.WINDOW_KEYS``, computed in Python."""
    return (id17[5:], id17[:4] + id17[9:], id17[:8] + id17[13:], id17[:12])


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: substitutions, insertions, deletions, swaps."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def number_distance(a: str, b: str) -> int:
    """``edit_distance`` of two numbers, fast for equal lengths (at most 3 is told apart).

    Equal-length numbers differ by substitutions or swaps of neighbours: counting the
    positions that differ is enough (a swap is one edit), and 20 times faster.
    """
    if len(a) != len(b):
        return min(edit_distance(a, b), 3)
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]]:
        return 1 if a[differ[1]] == b[differ[0]] else 2
    return min(len(differ), 3)


def _level_bits(model: dict[str, Any]) -> dict[str, list[float]]:
    """Per comparison, the match weight of each non-null level, strongest first."""
    bits: dict[str, list[float]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        bits[comparison["output_column_name"]] = [
            math.log2(max(lv["m_probability"], 1e-12) / max(lv["u_probability"], 1e-12))
            for lv in levels
        ]
    return bits


def _name_m(model: dict[str, Any]) -> float:
    """The model's m of an exact name: how often one person's records agree on the name."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == "name":
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            return float(levels[0]["m_probability"])
    return 0.9


SAME_NUMBER_BITS = 20.0
"""At least this weight for the same 17 digits: a valid number names one person."""


class ScreeningIndex:
    """Resolved persons indexed by number, window key, phone, name and sound."""

    def __init__(self, workspace: Workspace) -> None:
        table = pq.read_table(
            workspace.derived_path(PERSON_RECORDS),
            columns=["person_key", "name", "name_pinyin", "id17", "id_valid", "phone"],
        )
        model = json.loads(model_path(workspace).read_text(encoding="utf-8"))
        self.bits = _level_bits(model)
        self.name_m = _name_m(model)
        self.persons: dict[str, _Person] = defaultdict(_Person)
        self.by_number: dict[str, set[str]] = defaultdict(set)
        self.by_window: dict[str, set[str]] = defaultdict(set)
        self.by_phone: dict[str, set[str]] = defaultdict(set)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_sound: dict[str, set[str]] = defaultdict(set)
        columns = [table.column(c).to_pylist() for c in table.column_names]
        for key, name, sound, id17, valid, phone in zip(*columns, strict=True):
            person = self.persons[key]
            if id17 and valid and id17 not in person.numbers:
                person.numbers.add(id17)
                self.by_number[id17].add(key)
                for window in windows(id17):
                    person.windows.add(window)
                    self.by_window[window].add(key)
            if name and name not in person.names:
                person.names.add(name)
                self.by_name[name].add(key)
            if sound and sound not in person.sounds:
                person.sounds.add(sound)
                self.by_sound[sound].add(key)
            if phone and phone not in person.phones:
                person.phones.add(phone)
                self.by_phone[phone].add(key)
        self.prior_bits = math.log2(1 / max(len(self.persons), 1))

    def _number_bits(self, person: _Person, id17: str, keys: set[str]) -> tuple[float, str | None]:
        if not person.numbers:
            return 0.0, None
        if id17 in person.numbers:
            return max(self.bits["id_number"][0], SAME_NUMBER_BITS), "same number"
        if not keys & person.windows:  # three or more edits apart
            return self.bits["id_number"][3], None
        distance = min(number_distance(id17, n) for n in person.numbers)
        level = min(distance, 3)  # one edit, two edits, different
        labels = (None, "number one digit off", "number two digits off", None)
        return self.bits["id_number"][level], labels[level]

    def _name_bits(self, person: _Person, name: str, sound: str) -> tuple[float, str | None]:
        if not person.names:
            return 0.0, None
        if name in person.names:  # weighed by how common the name is among persons
            share = len(self.by_name[name]) / max(len(self.persons), 1)
            return math.log2(self.name_m / share), "same name"
        if sound in person.sounds:
            return self.bits["name"][1], "same name sound"
        return self.bits["name"][-1], None

    def search(
        self, *, name: str | None = None, id_number: str | None = None, phone: str | None = None
    ) -> list[ScreeningMatch]:
        """Persons matching any of the given fields, strongest first."""
        id17 = id17_of(id_number) if id_number else None
        keys = set(windows(id17)) if id17 else set()
        sound = name_pinyin(name) if name else ""
        candidates: set[str] = set()
        if id17:
            candidates |= self.by_number.get(id17, set())
            for window in keys:
                candidates |= self.by_window.get(window, set())
        if phone:
            candidates |= self.by_phone.get(phone, set())
        if name:
            candidates |= self.by_name.get(name, set()) | self.by_sound.get(
                name_pinyin(name), set()
            )
        scored = []
        for key in candidates:
            person = self.persons[key]
            total, agreements = self.prior_bits, []
            if id17:
                bits, label = self._number_bits(person, id17, keys)
                total += bits
                agreements += [label] if label else []
            if name:
                bits, label = self._name_bits(person, name, sound)
                total += bits
                agreements += [label] if label else []
            if phone and person.phones:
                agree = phone in person.phones
                total += self.bits["phone"][0 if agree else -1]
                agreements += ["same phone"] if agree else []
            scored.append((key, min(total, 60.0), tuple(agreements)))
        # the screened person is at most one of the candidates (or none of them)
        evidence = 1 + sum(2**total for _, total, _ in scored)
        matches = [
            ScreeningMatch(key, round(2**total / evidence, 4), agreements)
            for key, total, agreements in scored
        ]
        return sorted(matches, key=lambda m: (-m.strength, m.person_key))

"""Screening lookups, explanations and the command line on a few resolved people."""

from __future__ import annotations

import json
import time

import pytest
from resolve_people import LI, OTHER_WANG, WANG, WANG_PHONE, one_digit_off, swap, write_people
from typer.testing import CliRunner

from tianluo.cli.app import app
from tianluo.engine import open_engine
from tianluo.resolve import resolve
from tianluo.resolve.decisions import RecordRef
from tianluo.resolve.explain import RecordNotFound, explain
from tianluo.resolve.lookup import ScreeningIndex, edit_distance, number_distance
from tianluo.workspace import Workspace


@pytest.fixture
def resolved(workspace: Workspace, lake: object) -> Workspace:
    write_people(workspace, lake)
    with open_engine(workspace) as engine:
        resolve(engine)
    return workspace


def test_lookup_finds_a_person_by_number_phone_and_name(resolved: Workspace) -> None:
    index = ScreeningIndex(resolved)
    assert index.search(id_number=WANG)[0].person_key == WANG
    assert index.search(id_number=WANG)[0].strength > 0.99
    mistyped = index.search(id_number=swap(LI, 7))
    assert mistyped[0].person_key == LI
    assert mistyped[0].agreements == ("number one digit off",)
    assert index.search(phone=WANG_PHONE)[0].person_key == WANG
    namesakes = index.search(name="王伟")
    assert {m.person_key for m in namesakes} == {WANG, OTHER_WANG}
    assert all(m.strength < 0.5 for m in namesakes)  # two namesakes share the chance
    both = index.search(name="王伟", id_number=one_digit_off(OTHER_WANG, 15))
    assert both[0].person_key == OTHER_WANG
    assert index.search(name="张三") == []
    started = time.perf_counter()
    for _ in range(100):
        index.search(name="王伟", id_number=WANG, phone=WANG_PHONE)
    assert (time.perf_counter() - started) / 100 < 0.02


def test_edit_distance_counts_a_swap_as_one() -> None:
    for distance in (edit_distance, number_distance):
        assert distance("12345", "12354") == 1
        assert distance("12345", "12395") == 1
        assert distance("12345", "19395") == 2
        assert distance("12345", "12345") == 0
    assert number_distance("12345", "54321") == 3
    assert number_distance("1234", "12345") == 1


def test_explanation_names_the_fields_that_agreed(resolved: Workspace) -> None:
    result = explain(resolved, RecordRef("access_events", "E2"), RecordRef("seizures", "S1"))
    assert result.joined
    levels = {f.field: f for f in result.fields}
    assert levels["id_number"].level == "one digit wrong or two adjacent digits swapped"
    assert levels["name"].level == "same characters"
    assert levels["id_number"].match_weight is not None
    assert levels["id_number"].match_weight > 5
    assert levels["phone"].match_weight is None
    apart = explain(resolved, RecordRef("access_events", "E4"), RecordRef("seizures", "S1"))
    assert not apart.joined
    assert {f.field: f.level for f in apart.fields}["id_number"] == "different numbers"
    with pytest.raises(RecordNotFound):
        explain(resolved, RecordRef("seizures", "NOPE"), RecordRef("seizures", "S1"))


def test_cli_explains_records_decisions_and_screens(resolved: Workspace) -> None:
    runner = CliRunner()
    w = str(resolved.root)
    shown = runner.invoke(app, ["resolve", "explain", "access_events:E1", "seizures:S1", "-w", w])
    assert shown.exit_code == 0, shown.output
    assert "one person" in shown.output
    assert "one digit wrong" in shown.output
    split = runner.invoke(app, ["resolve", "split", "access_events:E1", "seizures:S1", "-w", w])
    assert split.exit_code == 0, split.output
    bad = runner.invoke(app, ["resolve", "join", "E1", "seizures:S1", "-w", w])
    assert bad.exit_code == 2
    found = runner.invoke(app, ["lookup", "--phone", WANG_PHONE, "--json", "-w", w])
    assert found.exit_code == 0, found.output
    first = json.loads(found.output.splitlines()[0])
    assert first["person_key"] == WANG
    assert runner.invoke(app, ["lookup", "-w", w]).exit_code == 2
    with open_engine(resolved) as engine:
        resolve(engine)
    after = runner.invoke(app, ["resolve", "explain", "access_events:E1", "seizures:S1", "-w", w])
    assert "two persons" in after.output

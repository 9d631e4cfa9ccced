"""Resolution end to end on a few people: dirty numbers and names joined, others kept apart."""

from __future__ import annotations

import pyarrow.parquet as pq
from resolve_people import EXPECTED_KEYS, OTHER_WANG, WANG, write_people

from tianluo.engine import Engine, open_engine
from tianluo.resolve import resolve
from tianluo.resolve.decisions import Action, RecordRef, record_decision
from tianluo.workspace import Workspace


def _keys(engine: Engine) -> dict[tuple[str, str], str]:
    table = pq.read_table(engine.workspace.result_path("person_keys"))
    columns = [table.column(c).to_pylist() for c in ("source", "record_id", "person_key")]
    rows = zip(*columns, strict=True)
    return {(source, record): key for source, record, key in rows}


def test_dirty_records_join_their_person_on_both_engines(engine: Engine, lake: object) -> None:
    write_people(engine.workspace, lake)
    report = resolve(engine)
    assert report.records == len(EXPECTED_KEYS)
    assert _keys(engine) == EXPECTED_KEYS


def test_keys_are_stable_and_decisions_are_kept(workspace: Workspace, lake: object) -> None:
    write_people(workspace, lake)
    with open_engine(workspace) as engine:
        _stable_and_decided(engine)


def _stable_and_decided(engine: Engine) -> None:
    resolve(engine)
    first = _keys(engine)
    resolve(engine)
    assert _keys(engine) == first
    workspace = engine.workspace
    record_decision(
        workspace, Action.SPLIT, RecordRef("seizures", "S1"), RecordRef("access_events", "E1")
    )
    record_decision(
        workspace, Action.JOIN, RecordRef("access_events", "E4"), RecordRef("seizures", "S1")
    )
    resolve(engine)
    keys = _keys(engine)
    assert keys[("access_events", "E1")] not in (WANG, OTHER_WANG)
    assert keys[("access_events", "E4")] == keys[("seizures", "S1")]
    assert keys[("access_events", "E2")] == keys[("seizures", "S1")]

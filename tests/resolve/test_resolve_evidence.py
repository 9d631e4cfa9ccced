"""Evidence: records grouped by the engine, and every record joined back to its evidence."""

from __future__ import annotations

import pyarrow as pa
from resolve_people import WANG, WANG_PHONE

from tianluo.engine import Engine
from tianluo.resolve.evidence import gather_evidence, keyed_records
from tianluo.resolve.features import with_features
from tianluo.resolve.records import all_records

GATE_PASSES = pa.table(
    {
        "event_id": ["E3", "E1", "E2", "E4", "E5"],
        "id_number": [WANG, WANG, WANG, None, None],
        "id_number_status": ["valid", "valid", "valid", "missing", "missing"],
        "name": ["王伟", "王伟", "王伟", " 汪伟", "汪伟"],
        "phone": [None, None, WANG_PHONE, WANG_PHONE, WANG_PHONE],
    }
)
RENTALS = pa.table(
    {
        "record_id": ["R1"],
        "tenant_id_number": [WANG],
        "tenant_id_number_status": ["valid"],
        "tenant_name": ["王伟"],
        "tenant_phone": [None],
        "address": ["南宁市青秀区民族大道1号"],
    },
    schema=pa.schema(
        [
            ("record_id", pa.string()),
            ("tenant_id_number", pa.string()),
            ("tenant_id_number_status", pa.string()),
            ("tenant_name", pa.string()),
            ("tenant_phone", pa.string()),
            ("address", pa.string()),
        ]
    ),
)


def test_records_become_evidence_and_back(engine: Engine, lake: object) -> None:
    lake("access_events", GATE_PASSES)  # type: ignore[operator]
    lake("rentals", RENTALS)  # type: ignore[operator]
    records = all_records(engine)
    evidence = gather_evidence(engine, records)
    rows = {
        (r["source"], r["name"], r["phone"]): (r["records"], r["first_record_id"])
        for r in evidence.to_pylist()
    }
    assert rows == {
        ("access_events", "王伟", None): (2, "E1"),  # E1 and E3: one piece of evidence
        ("access_events", "王伟", WANG_PHONE): (1, "E2"),
        ("access_events", " 汪伟", WANG_PHONE): (1, "E4"),  # grouped as written
        ("access_events", "汪伟", WANG_PHONE): (1, "E5"),
        ("rentals", "王伟", None): (1, "R1"),
    }
    featured = with_features(evidence)
    person = pa.array([f"K{i}" for i in range(featured.num_rows)], pa.string())
    keyed = engine.register("keyed_evidence", featured.append_column("person_key", person))
    resolved = engine.to_arrow(keyed_records(records, keyed)).to_pylist()
    by_record = {(r["source"], r["record_id"]): r for r in resolved}
    assert len(resolved) == len(by_record) == 6  # each record exactly once, missing values too
    assert (
        by_record["access_events", "E1"]["person_key"]
        == by_record["access_events", "E3"]["person_key"]
    )
    assert by_record["access_events", "E4"]["name"] == "汪伟"  # the features' trimmed name
    assert (
        by_record["access_events", "E4"]["node_id"] == by_record["access_events", "E5"]["node_id"]
    )
    assert by_record["rentals", "R1"]["node_id"] == f"I{WANG}"
    assert by_record["rentals", "R1"]["address"] == "南宁市青秀区民族大道1号"

"""A tiny generated feed with every truth file (see ``tiny_feed``), and truth copied as results."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.workspace import Workspace

P1, P2, P3 = "430102199001010011", "430102199001010022", "36010219900101003X"
M1, M2 = "510102199001010044", "510102199001010055"
S1, S2 = "440102199001010066", "440102199001010077"
T1, N1, R1 = "110102199001010088", "450102199001010099", "450102199001010101"

PERSONS = [
    (P1, "participant"),
    (P2, "participant"),
    (P3, "participant"),
    (M1, "migrant_worker"),
    (M2, "migrant_worker"),
    (S1, "student"),
    (S2, "student"),
    (T1, "tourist"),
    (N1, "venue_neighbour"),
    (R1, "resident"),
]
TRUE_DENS = [("D1", 22.80, 108.30), ("D2", 22.81, 108.32), ("D3", 22.83, 108.35)]
TRUE_ORGS = [
    ("ORG1", "A1", "", 1, "organizer"),
    ("ORG1", "A2", "A1", 2, "leader"),
    ("ORG1", "A3", "A1", 2, "member"),
    ("ORG1", "A4", "A2", 3, "member"),
    ("ORG2", "B1", "", 1, "organizer"),
    ("ORG2", "B2", "B1", 2, "member"),
]
TRUE_SUMMARY = [("ORG1", 4, 3, "A1", "true", 5000.0), ("ORG2", 2, 2, "B1", "false", 800.0)]
TRUE_TRACES = [("TX1", "AC1", 600.0, 2), ("TX1", "AC2", 400.0, 3), ("TX2", "AC3", 1000.0, 1)]
FEED_PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]


def write_csv(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_parquet(path: Path, columns: dict[str, list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def build_feed(root: Path) -> Path:
    """A feed directory with sources for the universes and a complete ``truth/``."""
    truth = root / "truth"
    write_csv(truth / "persons.csv", ["id_number", "group"], PERSONS)
    write_csv(
        truth / "suspects.csv",
        ["id_number", "score", "reasons"],
        [(p, 1.0, "planted participant") for p in (P1, P2, P3)],
    )
    write_csv(
        truth / "dens.csv",
        ["den_id", "lat", "lon", "members", "score", "reasons"],
        [(d, lat, lon, 5, 1.0, "planted den") for d, lat, lon in TRUE_DENS],
    )
    write_csv(
        truth / "organizations.csv",
        ["org_id", "id_number", "upline_id_number", "level", "role"],
        TRUE_ORGS,
    )
    write_csv(
        truth / "org_summary.csv",
        [
            "org_id",
            "members",
            "levels",
            "top_id_number",
            "meets_criminal_threshold",
            "funds_collected",
        ],
        TRUE_SUMMARY,
    )
    write_csv(
        truth / "fraud_numbers.csv",
        ["phone", "score", "reasons"],
        [("13800000001", 1.0, "planted"), ("13800000006", 1.0, "planted")],
    )
    write_csv(
        truth / "mule_accounts.csv", ["account_id", "score", "reasons"], [("AC3", 1.0, "mule")]
    )
    write_csv(truth / "traces.csv", ["txn_id", "account_id", "amount", "hops"], TRUE_TRACES)
    write_csv(
        truth / "person_keys.csv",
        ["source", "record_id", "person_key"],
        [
            ("phones", "13800000001", "PK1"),
            ("phones", "13800000002", "PK1"),
            ("accounts", "AC1", "PK1"),
            ("accounts", "AC2", "PK2"),
            ("rentals", "R1", "PK2"),
        ],
    )
    # sources: phones as one CSV (one number formatted as a person would type it) ...
    write_csv(
        root / "phones.csv",
        ["phone", "id_number", "activated_at"],
        [(p, P1, "2024-01-01T00:00:00") for p in FEED_PHONES]
        + [("+86 138-0000-0006", M1, "2024-01-01T00:00:00")],
    )
    # ... accounts as a directory of Parquet partitions
    write_parquet(root / "accounts" / "part-0.parquet", {"account_id": ["AC1", "AC2", "AC3"]})
    write_parquet(root / "accounts" / "part-1.parquet", {"account_id": ["AC4", "AC5"]})
    return root


def copy_truth_to_results(feed_dir: Path, workspace: Workspace) -> None:
    """Every truth table but the persons as a result, with types inferred as a reader would."""
    workspace.results.mkdir(parents=True, exist_ok=True)
    for path in sorted((feed_dir / "truth").glob("*.csv")):
        if path.stem != "persons":
            pq.write_table(pacsv.read_csv(path), workspace.result_path(path.stem))

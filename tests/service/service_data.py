"""A small workspace with results in the contract's shapes, and the tests' agencies and users."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.detectors.outputs import alert_rows
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.workspace import Workspace

P1 = "430102199001010011"  # Hunan; organiser of ORG1, suspect 0.95
P2 = "430102199001010022"  # Hunan; member of ORG1, suspect 0.70
P3 = "450103199202020033"  # Guangxi; suspect 0.40
F1 = "13800000001"  # a fraud number, 0.90
PASSWORD = "correct-horse-battery"
WHEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

AGENCIES = [
    ("amr", "南宁市市场监督管理局", AgencyKind.MARKET_REGULATOR, "45"),
    ("police", "南宁市反诈中心", AgencyKind.POLICE_ANTIFRAUD, "45"),
    ("bank", "某银行南宁分行", AgencyKind.BANK, None),
    ("carrier", "某运营商广西公司", AgencyKind.CARRIER, None),
    ("court", "南宁市中级人民法院", AgencyKind.COURT, None),
    ("hunan-amr", "湖南省市场监督管理局", AgencyKind.MARKET_REGULATOR, "43"),
]
USERS = [
    ("admin", "amr", Role.ADMIN),
    ("amr_analyst", "amr", Role.ANALYST),
    ("amr_super", "amr", Role.SUPERVISOR),
    ("amr_super2", "amr", Role.SUPERVISOR),
    ("police_analyst", "police", Role.ANALYST),
    ("police_inv", "police", Role.INVESTIGATOR),
    ("bank_liaison", "bank", Role.LIAISON),
    ("carrier_liaison", "carrier", Role.LIAISON),
    ("hunan_analyst", "hunan-amr", Role.ANALYST),
    ("gate", "police", Role.SCREENER),
    ("auditor", "court", Role.AUDITOR),
]


def _write(path: Path, columns: dict[str, pa.Array | list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)


def write_results(workspace: Workspace) -> None:
    """Results of a tiny city: three suspects, one organisation, one fraud number, one trace."""
    result = workspace.result_path
    _write(
        result("suspects"),
        {
            "id_number": [P1, P2, P3],
            "score": [0.95, 0.70, 0.40],
            "reasons": [
                f"{P1} stayed 40 days within 2 km of site S1; calls 13800000009",
                "stayed 35 days near site S1",
                "stayed 31 days near site S2",
            ],
        },
    )
    _write(
        result("organizations"),
        {
            "org_id": ["ORG1", "ORG1"],
            "id_number": [P1, P2],
            "upline_id_number": ["", P1],
            "level": [1, 2],
            "role": ["organizer", "member"],
            "downline": [1, 0],
            "evidence": ["", f"12 calls with {P1}"],
        },
    )
    _write(
        result("org_summary"),
        {
            "org_id": ["ORG1"],
            "members": [2],
            "levels": [2],
            "top_id_number": [P1],
            "meets_criminal_threshold": [False],
            "funds_collected": [69800.0],
            "reasons": ["2 members in 2 levels"],
        },
    )
    _write(
        result("fraud_numbers"),
        {"phone": [F1], "score": [0.9], "reasons": ["420 calls to 380 callees in 3 days"]},
    )
    _write(
        result("traces"),
        {
            "txn_id": ["TX1", "TX1"],
            "account_id": ["AC1", "AC2"],
            "amount": [600.0, 400.0],
            "hops": [2, 3],
            "rank": [1, 2],
            "path": ["AC0 > AC1", "AC0 > AC1 > AC2"],
        },
    )
    alerts = pa.concat_tables(
        [
            alert_rows(
                "pyramid_suspect",
                subjects=[P1, P2],
                scores=[0.95, 0.7],
                created_at=[WHEN, WHEN],
                reasons=[f"{P1} stayed 40 days near S1", "stayed 35 days near S1"],
            ),
            alert_rows(
                "fraud_number",
                subjects=[F1],
                scores=[0.9],
                created_at=[WHEN],
                reasons=["420 calls to 380 callees"],
            ),
            alert_rows(
                "mule_account",
                subjects=["AC9"],
                scores=[0.8],
                created_at=[WHEN],
                reasons=["fan-in from 14 payers"],
            ),
        ]
    )
    pq.write_table(alerts, result("alerts"))
    _write(
        result("participant_stats"),
        {
            "dimension": ["origin_province", "origin_province", "age_band"],
            "key": ["43", "45", "35-44"],
            "label": ["湖南省", "广西壮族自治区", "35-44岁"],
            "persons": [2, 1, 3],
            "share": [2 / 3, 1 / 3, 1.0],
        },
    )
    _write(
        result("heat_cells"),
        {
            "layer": ["district", "h3_res8"],
            "cell": ["450103", "8841a8a5a5fffff"],
            "name": ["青秀区", "青秀区"],
            "lat": [22.81, 22.82],
            "lon": [108.38, 108.39],
            "persons": [3, 2],
            "person_days": [40, 20],
            "pings": [900, 400],
        },
    )
    _write(  # two weeks of the hexagon's activity, one of the district's
        workspace.derived_path("heat_weeks"),
        {
            "layer": ["district", "h3_res8", "h3_res8"],
            "cell": ["450103", "8841a8a5a5fffff", "8841a8a5a5fffff"],
            "week": pa.array([dt.date(2024, 3, 4), dt.date(2024, 3, 4), dt.date(2024, 3, 11)]),
            "persons": [3, 2, 1],
            "person_days": [40, 14, 6],
            "pings": [900, 300, 100],
        },
    )


def write_lake(workspace: Workspace) -> None:
    """P1 was seized once, registered a rental and passed a gate (no direction recorded)."""
    _write(
        workspace.lake_dir("seizures") / "load=L1" / "part-0.parquet",
        {
            "record_id": ["R1"],
            "id_number": [P1],
            "name": ["张三"],
            "seized_at": pa.array([WHEN], pa.timestamp("us", tz="UTC")),
            "disposition": ["education"],
        },
    )
    _write(
        workspace.lake_dir("rentals") / "load=L1" / "part-0.parquet",
        {
            "record_id": ["T1"],
            "tenant_id_number": [P1],
            "tenant_name": ["张三"],
            "address": ["青秀区某小区3栋"],
            "start_date": pa.array([dt.date(2026, 1, 10)], pa.date32()),
        },
    )
    _write(
        workspace.lake_dir("access_events") / "load=L1" / "part-0.parquet",
        {
            "event_id": ["E1"],
            "site_id": ["S1"],
            "ts": pa.array([dt.datetime(2026, 2, 1, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")),
            "id_number": [P1],
        },
    )

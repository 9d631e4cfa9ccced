"""Labels from the feed: numbers named in reports' text, accounts paid in reported transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
from fraud_lake import LakeWriter

from tianluo.detectors.fraud.labels import accounts_paid_in_reports, numbers_named_in_reports
from tianluo.engine import open_engine
from tianluo.trace import reported_transfers
from tianluo.workspace import Workspace

T = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def test_numbers_named_in_reports_leave_out_the_reporter(
    workspace: Workspace, lake: LakeWriter
) -> None:
    lake(
        "reports",
        pa.table(
            {
                "report_id": ["R1", "R2", "R3"],
                "ts": pa.array([T, T, T], pa.timestamp("us", tz="UTC")),
                "text": [
                    "我接到电话17012345678，我的号码是13800000001",
                    "又是17012345678打来的，还有16512345670",
                    "订单号 2170123456789 不是电话",  # 13 digits: not a mobile number
                ],
                "reporter_phone": ["13800000001", "13800000002", None],
                "txn_id": ["TX1;TX2", " TX2 ; TX3", None],
            }
        ),
    )
    lake(
        "transactions",
        pa.table(
            {
                "txn_id": ["TX1", "TX2", "TX3"],
                "ts": pa.array([T, T, T], pa.timestamp("us", tz="UTC")),
                "from_account": ["V1", "V1", "V2"],
                "to_account": ["M1", "M1", "CASH-ICBC-1"],
                "amount": pa.array([Decimal(100)] * 3, pa.decimal128(18, 2)),
            }
        ),
    )
    with open_engine(workspace, "duckdb") as engine:
        named = numbers_named_in_reports(engine)
        reported = reported_transfers(engine)
        paid = accounts_paid_in_reports(engine, reported)
    assert dict(named) == {"17012345678": 2, "16512345670": 1}
    assert reported == ["TX1", "TX2", "TX3"]
    assert dict(paid) == {"M1": 2}  # the cash machine is not a mule

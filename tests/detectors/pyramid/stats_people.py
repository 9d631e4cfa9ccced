"""Hand-made participants shared by the statistics and heat-map tests (not a test module)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tianluo.model.idnumber import make
from tianluo.results import write_result
from tianluo.workspace import Workspace

BEIJING = dt.timezone(dt.timedelta(hours=8))
P1 = make("430102", dt.date(1990, 1, 1), 1)  # Changsha; 0.9; seized twice: education, detention
P2 = make("430102", dt.date(2000, 6, 15), 2)  # Changsha; 0.6; never seized; 23 years old
P3 = make("420102", dt.date(1975, 4, 1), 3)  # Wuhan; 0.3 (weak) but seized: fine
P4 = make("510104", dt.date(1964, 3, 31), 4)  # Chengdu; 0.2, never seized: not a participant
P5 = "13800000005"  # a phone key; 0.8; origin and age unknown


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, tzinfo=BEIJING)


def write_suspects(workspace: Workspace) -> None:
    table = pa.table(
        {
            "id_number": [P1, P2, P3, P4, P5],
            "score": [0.9, 0.6, 0.3, 0.2, 0.8],
            "reasons": ["test"] * 5,
        }
    )
    write_result(workspace, "suspects", table)


def seizures() -> pa.Table:
    return pa.table(
        {
            "record_id": ["Z1", "Z2", "Z3"],
            "id_number": [P1, P1, P3],
            "id_number_status": ["valid"] * 3,
            "seized_at": pa.array([at(10), at(20), at(15)], pa.timestamp("us", tz="UTC")),
            "disposition": ["education", "detention", "fine"],
        }
    )

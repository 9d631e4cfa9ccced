"""A tiny fraud world written into a test lake, with every number worked out by hand.

- ``FRAUD_SIM`` calls 60 strangers in one day (9:00-9:59), none answer back; it is
  a SIM activated 3 days before, used in 2 handsets, one shared with ``SPARE_SIM``.
  One callee, ``VICTIM``, stays on the line 10 minutes from 9:00.
- ``TELEMARKETER`` calls 60 strangers on each of 2 days from one handset, with an
  old SIM; 12 of its 60 callees call back.
- ``FRIEND_A`` and ``FRIEND_B`` (ordinary) call each other 25 times each.
- Money: the victim pays 10,000 yuan to the new card ``MULE_1`` at 9:30 (``TX_V``),
  reported; ``MULE_1`` had a 50 yuan test deposit, passes 9,700 to ``MULE_2`` at
  10:00; ``MULE_2`` withdraws 5,000 at a cash machine at 11:00 (it keeps 4,700 of
  the victim's money). ``SALARY`` pays ``VICTIM``'s card, which pays ``SHOP``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

FRAUD_SIM = "17000000001"
SPARE_SIM = "17000000009"
TELEMARKETER = "13900000002"
VICTIM = "13800000100"
FRIEND_A = "13700000001"
FRIEND_B = "13700000002"
VICTIM_ID = "450103199001011234"
SELLER_ID = "450103199502021236"
VICTIM_CARD, MULE_1, MULE_2, SHOP = (
    "6222000000000000001",
    "6222000000000000011",
    "6222000000000000012",
    "6222000000000000099",
)
SALARY = "200000000000000001"
CASH = "CASH-ICBC-0001"
TX_V = "TX000000000100"

DAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LakeWriter = Callable[..., Path]


def _ts(values: list[dt.datetime]) -> pa.Array:
    return pa.array(values, pa.timestamp("us", tz="UTC"))


def write_fraud_lake(lake: LakeWriter) -> None:
    """Write phones, calls, messages, accounts, transactions and reports."""
    callers: list[str] = []
    callees: list[str] = []
    times: list[dt.datetime] = []
    durations: list[int] = []
    imeis: list[str | None] = []
    for i in range(60):  # the fraud SIM: 60 strangers in one hour, 20 answered 20 s
        callee = VICTIM if i == 0 else f"1360000{i:04d}"
        callers.append(FRAUD_SIM)
        callees.append(callee)
        times.append(DAY + dt.timedelta(minutes=i))
        durations.append(600 if i == 0 else (20 if i % 3 == 0 else 0))
        imeis.append("860000000000001" if i % 2 == 0 else "860000000000002")
    callers.append(SPARE_SIM)  # the spare SIM in the fraud SIM's second handset
    callees.append("13600009999")
    times.append(DAY)
    durations.append(0)
    imeis.append("860000000000002")
    for day in range(2):  # the telemarketer: 60 strangers a day, half answered 40 s
        for i in range(60):
            callers.append(TELEMARKETER)
            callees.append(f"1350000{i:04d}")
            times.append(DAY + dt.timedelta(days=day, minutes=i))
            durations.append(40 if i % 2 == 0 else 0)
            imeis.append("861111111111111")
    for i in range(12):  # 12 of its callees call back (after the first call)
        callers.append(f"1350000{i:04d}")
        callees.append(TELEMARKETER)
        times.append(DAY + dt.timedelta(hours=3, minutes=i))
        durations.append(30)
        imeis.append(None)
    for i in range(50):  # two friends, 25 calls each
        a, b = (FRIEND_A, FRIEND_B) if i % 2 == 0 else (FRIEND_B, FRIEND_A)
        callers.append(a)
        callees.append(b)
        times.append(DAY + dt.timedelta(days=i % 5, hours=i))
        durations.append(120)
        imeis.append("862222222222222" if a == FRIEND_A else "863333333333333")
    lake(
        "calls",
        pa.table(
            {
                "caller": callers,
                "callee": callees,
                "ts": _ts(times),
                "duration_s": pa.array(durations, pa.int64()),
                "caller_imei": pa.array(imeis, pa.string()),
            }
        ),
    )
    lake(
        "phones",
        pa.table(
            {
                "phone": [FRAUD_SIM, TELEMARKETER, VICTIM, FRIEND_A],
                "id_number": [SELLER_ID, "450103198001011230", VICTIM_ID, "450103197001011238"],
                "id_number_status": ["valid"] * 4,
                "activated_at": _ts(
                    [
                        DAY - dt.timedelta(days=3),
                        DAY - dt.timedelta(days=2000),
                        DAY - dt.timedelta(days=3000),
                        DAY - dt.timedelta(days=1000),
                    ]
                ),
                "imei": [
                    "860000000000001",
                    "861111111111111",
                    "864444444444444",
                    "862222222222222",
                ],
            }
        ),
    )
    lake(
        "messages",
        pa.table(
            {
                "msg_id": [f"SM{i}" for i in range(30)],
                "sender": [FRAUD_SIM] * 30,
                "receiver": [f"1360000{i:04d}" for i in range(30)],
                "ts": _ts([DAY + dt.timedelta(minutes=i) for i in range(30)]),
                "text": ["兼职刷单，日赚三百"] * 30,
            }
        ),
    )
    _write_money(lake)


def _write_money(lake: LakeWriter) -> None:
    lake(
        "accounts",
        pa.table(
            {
                "account_id": [VICTIM_CARD, MULE_1, MULE_2, SHOP, SALARY],
                "holder_id_number": [
                    VICTIM_ID,
                    SELLER_ID,
                    "110101199901011232",
                    "450103196001011235",
                    None,
                ],
                "holder_id_number_status": ["valid", "valid", "valid", "valid", "missing"],
                "opened_at": _ts(
                    [
                        DAY - dt.timedelta(days=3000),
                        DAY - dt.timedelta(days=10),
                        DAY - dt.timedelta(days=12),
                        DAY - dt.timedelta(days=4000),
                        DAY - dt.timedelta(days=5000),
                    ]
                ),
            }
        ),
    )
    rows = [
        ("TX000000000001", DAY - dt.timedelta(days=20), SALARY, VICTIM_CARD, "20000.00"),
        ("TX000000000002", DAY - dt.timedelta(days=15), VICTIM_CARD, SHOP, "300.00"),
        ("TX000000000003", DAY - dt.timedelta(days=9), "6222000000000000077", MULE_1, "50.00"),
        (TX_V, DAY + dt.timedelta(minutes=30), VICTIM_CARD, MULE_1, "10000.00"),
        ("TX000000000101", DAY + dt.timedelta(minutes=60), MULE_1, MULE_2, "9700.00"),
        ("TX000000000102", DAY + dt.timedelta(minutes=120), MULE_2, CASH, "5000.00"),
    ]
    lake(
        "transactions",
        pa.table(
            {
                "txn_id": [r[0] for r in rows],
                "ts": _ts([r[1] for r in rows]),
                "from_account": [r[2] for r in rows],
                "to_account": [r[3] for r in rows],
                "amount": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(18, 2)),
            }
        ),
    )
    lake(
        "reports",
        pa.table(
            {
                "report_id": ["FR1"],
                "ts": _ts([DAY + dt.timedelta(hours=4)]),
                "text": [f"我接到电话{FRAUD_SIM}，对方让我刷单，我转了一万元"],
                "reporter_phone": [VICTIM],
                "txn_id": [f"{TX_V}; TX_NOT_LOADED"],
            }
        ),
    )

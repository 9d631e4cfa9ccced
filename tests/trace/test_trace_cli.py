"""`tianluo trace TXN_ID --workspace W`: the holdings table, JSON, and the exit codes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
from typer.testing import CliRunner

from tianluo.cli.app import app
from tianluo.workspace import Workspace

runner = CliRunner()
T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _ledger(lake) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("T1", 0, "victim", "M1", "10000.00"),
        ("T2", 10, "M1", "M2", "6000.00"),
        ("T3", 20, "M1", "M3", "3000.00"),
        ("T4", 30, "M2", "CASH-BOC-0001", "2500.00"),
    ]
    lake(
        "transactions",
        pa.table(
            {
                "txn_id": [r[0] for r in rows],
                "ts": pa.array(
                    [T0 + dt.timedelta(minutes=r[1]) for r in rows], pa.timestamp("us", tz="UTC")
                ),
                "from_account": [r[2] for r in rows],
                "to_account": [r[3] for r in rows],
                "amount": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(18, 2)),
            }
        ),
    )


def test_trace_prints_holdings_ranked_for_freezing(workspace: Workspace, lake) -> None:  # type: ignore[no-untyped-def]
    _ledger(lake)
    result = runner.invoke(app, ["trace", "T1", "--workspace", str(workspace.root), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [(h["account_id"], h["amount"], h["hops"]) for h in found["holdings"]] == [
        ("M2", "3500.00", 2),
        ("M3", "3000.00", 2),
        ("M1", "1000.00", 1),
    ]
    assert (found["held"], found["cashed_out"]) == ("7500.00", "2500.00")
    table = runner.invoke(app, ["trace", "T1", "--workspace", str(workspace.root)])
    assert table.exit_code == 0
    assert "M1 > M2" in table.output
    assert "2,500.00 withdrawn as cash" in table.output


def test_unknown_transfer_or_workspace_exits_1(workspace: Workspace, lake) -> None:  # type: ignore[no-untyped-def]
    _ledger(lake)
    result = runner.invoke(app, ["trace", "NOPE", "--workspace", str(workspace.root)])
    assert result.exit_code == 1
    assert "not in the loaded transactions" in result.output
    missing = runner.invoke(app, ["trace", "T1", "--workspace", str(workspace.root / "x")])
    assert missing.exit_code == 1

"""The lake behind the small workspace's trace TX1, for the case-work tests."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
from service_data import P1

from tianluo.workspace import Workspace

VICTIM = "6217000000000000001"
PAID = dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)  # 16:00 in Nanning


def write_ledger(workspace: Workspace) -> None:
    """The transfers and accounts of trace TX1: victim → AC0 → AC1 (600 stays) → AC2 (400).

    A later AC1 → AC2 transfer joins the hop; a transfer before the money arrived and one
    between other accounts do not.
    """
    hour = dt.timedelta(hours=1)
    transfers = {
        "txn_id": ["TX1", "TX2", "TX3", "TX4", "TX5", "TX0"],
        "ts": pa.array(
            [PAID, PAID + hour, PAID + 2 * hour, PAID + 5 * hour, PAID - hour, PAID],
            pa.timestamp("us", tz="UTC"),
        ),
        "from_account": [VICTIM, "AC0", "AC1", "AC1", "AC1", "AC9"],
        "to_account": ["AC0", "AC1", "AC2", "AC2", "AC2", "AC8"],
        "amount": [1000.0, 1000.0, 300.0, 100.0, 50.0, 5.0],
    }
    accounts = {
        "account_id": [VICTIM, "AC0", "AC1", "AC2"],
        "holder_id_number": ["450103199001011234", P1, "430102199001010022", P1],
        "opened_at": pa.array([PAID] * 4, pa.timestamp("us", tz="UTC")),
        "bank": ["中国银行", "中国工商银行", "中国工商银行", "中国建设银行"],
    }
    for source, columns in (("transactions", transfers), ("accounts", accounts)):
        path = workspace.lake_dir(source) / "load=L1" / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(columns), path)

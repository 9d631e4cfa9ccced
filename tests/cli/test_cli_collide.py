"""`tianluo collide`: the table, the totals, the saved file, and errors with their exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tianluo.cli.app import app
from tianluo.workspace import Workspace

runner = CliRunner()
HUNAN = "430102199001010011"
HUBEI = "420102198502020022"


@pytest.fixture
def loaded(lake: Callable[..., Path], workspace: Workspace) -> Path:
    lake(
        "access_events",
        pa.table(
            {
                "event_id": ["E1", "E2", "E3"],
                "site_id": ["S1", "S2", "S1"],
                "ts": pa.array([0, 86_400_000_000, 0], pa.timestamp("us", tz="UTC")),
                "id_number": [HUNAN, HUNAN, HUBEI],
                "id_number_status": ["valid"] * 3,
            }
        ),
    )
    lake(
        "seizures",
        pa.table(
            {
                "record_id": ["Z1"],
                "id_number": [HUNAN],
                "id_number_status": ["valid"],
                "seized_at": pa.array([0], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    return workspace.root


def test_collide_prints_hits_and_totals_and_saves(loaded: Path, tmp_path: Path) -> None:
    saved = tmp_path / "hits.parquet"
    args = ["collide", "access_events", "seizures", "--on", "id_number", "-w", str(loaded)]
    result = runner.invoke(app, [*args, "--out", str(saved)])
    assert result.exit_code == 0, result.output
    assert "E1" in result.output and "Z1" in result.output and "E3" not in result.output
    assert "access_events: 3 records, 2 distinct keys" in result.output
    assert "hits: 2 records of access_events; 1 distinct keys hit (50.0%" in result.output
    assert pq.read_table(saved)["event_id"].to_pylist() == ["E1", "E2"]


def test_collide_with_a_site_and_explicit_columns(loaded: Path) -> None:
    args = ["collide", "access_events", "seizures", "-w", str(loaded), "--site-a", "S2"]
    args += ["--on-a", "id_number", "--on-b", "id_number", "--until", "1970-01-02"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "hits: 1 records" in result.output and "E2" in result.output


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--on-b", "phone_no"], 2, "'seizures' has no column 'phone_no'"),
        (["--out", "hits.xlsx"], 2, ".csv or .parquet"),
        (["--since", "1 March"], 2, "Invalid value"),
    ],
)
def test_usage_errors_exit_2(loaded: Path, extra: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["collide", "access_events", "seizures", "-w", str(loaded), *extra])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_source_never_loaded_exits_1(loaded: Path) -> None:
    result = runner.invoke(app, ["collide", "access_events", "rentals", "-w", str(loaded)])
    assert result.exit_code == 1
    assert "'rentals' has not been loaded" in result.output


def test_a_missing_workspace_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["collide", "a", "b", "-w", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.output

"""The `tianluo` command: ingest, status and export, with meaningful exit codes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from typer.testing import CliRunner

from tianluo.cli.app import app
from tianluo.results import write_result
from tianluo.workspace import Workspace

runner = CliRunner()


def _feed(tmp_path: Path) -> Path:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "pings.csv").write_text(
        "phone,ts,lat,lon\n13800138000,2026-03-01 10:00:00,22.8,108.3\n"
        "13800138001,2026-03-01 10:00:00,220,108.3\n"
    )
    return feed


def test_ingest_prints_the_load_report_and_status_shows_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["ingest", str(_feed(tmp_path)), "--workspace", str(ws), "-q"])
    assert result.exit_code == 0, result.output
    assert "pings" in result.output and "lat: not a number in -90..90" in result.output
    status = runner.invoke(app, ["status", "--workspace", str(ws)])
    assert status.exit_code == 0
    assert "pings" in status.output and "results: none yet" in status.output


def test_refused_feed_exits_1_and_names_file_and_column(tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "pings.csv").write_text("phone,ts,lat\n13800138000,2026-03-01,22.8\n")
    result = runner.invoke(app, ["ingest", str(feed), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "pings.csv" in result.output and "'lon'" in result.output


def test_status_of_a_missing_workspace_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_export_writes_present_results_in_contract_columns(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path / "ws")
    empty = runner.invoke(app, ["export", str(tmp_path / "out"), "--workspace", str(ws.root)])
    assert empty.exit_code == 0 and "no results" in empty.output
    write_result(
        ws,
        "dens",
        pa.table(
            {
                "reasons": ["8 adults from 3 provinces"],
                "score": [0.9],
                "members": [["A", "B"]],
                "lon": [108.3],
                "lat": [22.8],
                "den_id": ["D1"],
                "internal": [1],
            }
        ),
    )
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"out-{fmt}"
        result = runner.invoke(
            app, ["export", str(out), "--workspace", str(ws.root), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
    lines = (tmp_path / "out-csv" / "dens.csv").read_text().splitlines()
    assert lines[0] == '"den_id","lat","lon","members","score","reasons"'
    assert lines[1] == '"D1",22.8,108.3,"A;B",0.9,"8 adults from 3 provinces"'
    assert (tmp_path / "out-parquet" / "dens.parquet").exists()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("tianluo ")

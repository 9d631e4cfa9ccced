"""The whole flow through the command line: simulate, ingest, run, evaluate, status."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tianluo.cli.app import app

runner = CliRunner()


def test_simulate_ingest_run_evaluate(tmp_path: Path) -> None:
    city, ws = tmp_path / "city", tmp_path / "ws"
    steps = [
        ["simulate", str(city), "--persons", "1000", "--seed", "5"],
        ["ingest", str(city), "--workspace", str(ws), "--quiet"],
        ["run", "--workspace", str(ws)],
        ["evaluate", str(city), "--workspace", str(ws)],
        ["status", "--workspace", str(ws)],
        ["run", "--workspace", str(ws), "--only", "dens,organizations"],
        ["run", "--workspace", str(ws), "--only", "no_such_detector"],
    ]
    outputs = []
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == (2 if "no_such_detector" in args else 0), (args, result.output)
        outputs.append(result.output)
    assert (city / "truth" / "suspects.csv").exists()
    assert "presence_daily" in outputs[2] and "residency_rule" in outputs[2]
    assert "baseline" in outputs[3]
    assert "derived: " in outputs[4] and "presence_daily" in outputs[4]
    # a re-run of two detectors alone, on what the first run wrote
    assert "dens" in outputs[5] and "organizations" in outputs[5]
    assert "residency_rule" not in outputs[5] and "person_keys" not in outputs[5]
    assert "no detector named no_such_detector" in outputs[6]


def test_run_on_a_missing_workspace_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_evaluate_without_truth_exits_1(tmp_path: Path) -> None:
    (tmp_path / "feed").mkdir()
    (tmp_path / "ws").mkdir()
    result = runner.invoke(app, ["evaluate", str(tmp_path / "feed"), "-w", str(tmp_path / "ws")])
    assert result.exit_code == 1

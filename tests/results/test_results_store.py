"""Results are checked against the contract when written."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from tianluo.results import present_results, read_result, write_result
from tianluo.workspace import Workspace


def test_write_refuses_non_contract_names_and_missing_columns(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path)
    with pytest.raises(KeyError):
        write_result(ws, "guesses", pa.table({"x": [1]}))
    with pytest.raises(ValueError, match="'reasons'"):
        write_result(ws, "suspects", pa.table({"id_number": ["x"], "score": [0.5]}))


def test_written_results_are_present_and_readable(tmp_path: Path) -> None:
    ws = Workspace.at(tmp_path)
    assert present_results(ws) == {}
    table = pa.table({"id_number": ["A", "B"], "score": [0.9, 0.1], "reasons": ["r1", "r2"]})
    write_result(ws, "suspects", table)
    assert present_results(ws) == {"suspects": 2}
    assert read_result(ws, "suspects").equals(table)
    with pytest.raises(FileNotFoundError, match="tianluo run"):
        read_result(ws, "dens")

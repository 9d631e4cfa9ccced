"""The feed as a whole: every source present, damage at the stated rates, same seed same bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from simfeed import read, truth

from tianluo.contract.sources import SOURCES
from tianluo.model.idnumber import IdStatus, parse
from tianluo.model.phone import MOBILE
from tianluo.simulate import DirtyRates, SimulationSummary, simulate_city

MINE = (
    "sites",
    "seizures",
    "phones",
    "pings",
    "access_events",
    "rentals",
    "accounts",
    "transactions",
    "calls",
    "reports",
)


def test_every_contract_source_is_written_with_its_columns(dirty_city: SimulationSummary) -> None:
    out = Path(dirty_city.out_dir)
    for name, spec in SOURCES.items():
        assert sorted((out / name).glob("part-*.parquet")), name
        frame = pd.read_parquet(out / name)
        assert set(spec.required) <= set(frame.columns), name
        assert len(frame) > 0 or name not in MINE, name
    for name in ("suspects", "dens", "organizations", "org_summary", "persons", "dirty"):
        assert any((out / "truth").glob(f"{name}.*")), name


def test_with_the_fraud_part_every_source_has_rows(tmp_path: Path) -> None:
    summary = simulate_city(tmp_path, 2000, seed=3, days=20)
    assert set(summary.rows) == set(SOURCES)
    assert all(rows > 0 for rows in summary.rows.values()), summary.rows


def _within(count: int, trials: int, rate: float) -> bool:
    return abs(count - rate * trials) <= 4 * np.sqrt(max(trials * rate * (1 - rate), 1.0)) + 2


def test_damage_counts_match_the_rates(dirty_city: SimulationSummary) -> None:
    report = json.loads((Path(dirty_city.out_dir) / "truth" / "dirty.json").read_text())
    rates = report["rates"]
    totals: dict[str, int] = {}
    for counts in report["counts"].values():
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    assert _within(totals["id_mistyped"], totals["id_values"], rates["id_mistyped"])
    assert _within(totals["phone_format"], totals["phone_values"], rates["phone_format"])
    rows = totals["rows"] - totals["duplicate"]
    assert _within(totals["duplicate"], rows, rates["duplicate"])
    assert _within(totals["unparseable"], rows, rates["unparseable"])
    assert 0 < totals["id_legacy"] <= totals["id_values"] * rates["id_legacy"] * 1.5
    assert totals["id_missing"] > 0


def test_damage_is_in_the_data(dirty_city: SimulationSummary) -> None:
    report = json.loads((Path(dirty_city.out_dir) / "truth" / "dirty.json").read_text())["counts"]
    phones = read(dirty_city, "phones")
    status = [parse(x).status for x in phones.id_number.where(phones.id_number.notna(), None)]
    c = report["phones"]
    assert status.count(IdStatus.INVALID) >= c["id_mistyped"]  # plus broken rows, nothing else
    assert status.count(IdStatus.LEGACY) == pytest.approx(c["id_legacy"], abs=c["duplicate"] + 2)
    pings = read(dirty_city, "pings")
    assert pings.duplicated().sum() == pytest.approx(report["pings"]["duplicate"], rel=0.05)
    odd = ~pings.phone.str.fullmatch(MOBILE.pattern)
    assert odd.sum() >= report["pings"]["phone_format"]
    bad = (
        ~pings.lat.between(-90, 90)
        | ~pings.lon.between(-180, 180)
        | ~pings.ts.str.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
    )
    assert bad.sum() == pytest.approx(report["pings"]["unparseable"], rel=0.1)


def test_truth_is_never_damaged(dirty_city: SimulationSummary) -> None:
    ids = truth(dirty_city, "persons").id_number
    assert all(parse(x).status is IdStatus.VALID for x in ids)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize(("fmt", "finance"), [("parquet", True), ("csv.gz", False)])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str, finance: bool) -> None:
    a = simulate_city(tmp_path / "a", 2000, seed=5, days=20, fmt=fmt, finance=finance)
    b = simulate_city(tmp_path / "b", 2000, seed=5, days=20, fmt=fmt, finance=finance)
    assert a.rows == b.rows
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    simulate_city(
        tmp_path / "c", 2000, seed=6, days=20, fmt=fmt, finance=finance, dirty=DirtyRates.clean()
    )
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")

"""The bare 云觅 residency rule on a hand-made presence table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from tianluo.detectors.pyramid.residency_rule import residency_profile, residency_rule
from tianluo.engine import Engine
from tianluo.rules import load_rules

HUNAN_31 = "430102199001010011"  # 31 days in the city, 20 near a venue: fires
HUNAN_29 = "430102199001010022"  # 29 days, all near a venue: too short a stay
HUBEI_FEW = "420102199001010033"  # 31 days, 10 near: too few days near sites
GUANGXI = "450102199001010044"  # local: never scored
PHONE = "13800138000"  # a phone key: not an identity number, never scored
SICHUAN_OTHER = "510102199001010055"  # 40 days, all near an "other" site: not a listed kind
DAY0 = dt.date(2024, 3, 1)
KINDS = ("compound", "venue", "den", "other")


def _day(key: str, i: int, *, in_city: bool = True, **near: tuple[float, str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "person_key": key,
        "day": DAY0 + dt.timedelta(days=i),
        "pings": 12,
        "in_city": in_city,
    }
    for kind in KINDS:
        dist, site = near.get(kind, (None, None))
        row[f"min_dist_{kind}_m"] = dist
        row[f"nearest_{kind}"] = site
    return row


def _presence() -> pa.Table:
    rows = []
    for i in range(31):
        if i < 12:
            rows.append(_day(HUNAN_31, i, venue=(400.0, "V1"), compound=(2500.0, "C1")))
        elif i < 20:
            rows.append(_day(HUNAN_31, i, venue=(3000.0, "V1"), den=(150.0, "D1")))
        else:
            rows.append(_day(HUNAN_31, i, venue=(4000.0, "V1")))
    rows += [_day(HUNAN_31, 40 + i, in_city=False, venue=(10.0, "V1")) for i in range(5)]
    rows += [_day(HUNAN_29, i, venue=(100.0, "V2")) for i in range(29)]
    rows += [_day(HUBEI_FEW, i, venue=(1999.0 if i < 10 else 2001.0, "V3")) for i in range(31)]
    rows += [_day(GUANGXI, i, venue=(50.0, "V1")) for i in range(60)]
    rows += [_day(PHONE, i, venue=(50.0, "V1")) for i in range(60)]
    rows += [_day(SICHUAN_OTHER, i, other=(10.0, "O1")) for i in range(40)]
    fields = [("person_key", pa.string()), ("day", pa.date32()), ("pings", pa.int64())]
    fields.append(("in_city", pa.bool_()))
    for kind in KINDS:
        fields += [(f"min_dist_{kind}_m", pa.float64()), (f"nearest_{kind}", pa.string())]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


@pytest.fixture
def presence() -> ibis.Table:
    return ibis.duckdb.connect().create_table("presence_daily", _presence())


def _profile(presence: ibis.Table) -> pd.DataFrame:
    rule = load_rules().residency
    return residency_profile(presence, rule).to_pyarrow().to_pandas().set_index("id_number")


def test_rule_fires_on_31_days_with_20_near_sites(presence: ibis.Table) -> None:
    row = _profile(presence).loc[HUNAN_31]
    assert row.days_in_city == 31
    assert row.days_near_sites == 20
    assert bool(row.fires)
    assert row.score == 1.0
    assert "fired" in row.reasons
    assert "31 days" in row.reasons and "20 of them" in row.reasons
    assert "V1 (venue, 12 days), D1 (den, 8 days)" in row.reasons


def test_29_days_is_not_enough_and_scores_below_one(presence: ibis.Table) -> None:
    row = _profile(presence).loc[HUNAN_29]
    assert not bool(row.fires)
    assert row.score == pytest.approx(29 / 31)
    assert "not met" in row.reasons


def test_too_few_days_near_sites_is_graded(presence: ibis.Table) -> None:
    row = _profile(presence).loc[HUBEI_FEW]
    assert row.days_near_sites == 10
    assert not bool(row.fires)
    assert row.score == pytest.approx((10 / 31) / 0.5)


def test_local_persons_phone_keys_and_unlisted_kinds(presence: ibis.Table) -> None:
    profile = _profile(presence)
    assert GUANGXI not in profile.index
    assert PHONE not in profile.index
    other = profile.loc[SICHUAN_OTHER]
    assert other.days_in_city == 40
    assert other.days_near_sites == 0
    assert other.score == 0.0
    assert other.reasons.endswith(")")  # no nearest sites to cite


def test_output_has_the_suspects_shape(presence: ibis.Table) -> None:
    result = residency_rule(presence, load_rules().residency).to_pyarrow().to_pandas()
    assert list(result.columns) == ["id_number", "score", "reasons"]
    assert set(result.id_number) == {HUNAN_31, HUNAN_29, HUBEI_FEW, SICHUAN_OTHER}
    assert result.score.between(0, 1).all()


def test_thresholds_come_from_the_rules(presence: ibis.Table, tmp_path: Any) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("residency:\n  in_city_days_more_than: 28\n  site_kinds: [other]\n")
    rule = load_rules(path).residency
    profile = residency_profile(presence, rule).to_pyarrow().to_pandas().set_index("id_number")
    assert bool(profile.loc[SICHUAN_OTHER].fires)
    assert not bool(profile.loc[HUNAN_29].fires)  # its venue no longer counts


def test_same_verdicts_on_every_engine(engine: Engine) -> None:
    presence = engine.register("presence_daily", _presence())
    result = engine.to_arrow(residency_profile(presence, load_rules().residency)).to_pylist()
    by_id = {row["id_number"]: row for row in result}
    assert set(by_id) == {HUNAN_31, HUNAN_29, HUBEI_FEW, SICHUAN_OTHER}
    assert by_id[HUNAN_31]["fires"] and by_id[HUNAN_31]["score"] == 1.0
    assert "V1 (venue, 12 days), D1 (den, 8 days)" in by_id[HUNAN_31]["reasons"]
    assert not by_id[HUNAN_29]["fires"]
    assert by_id[HUNAN_29]["score"] == pytest.approx(29 / 31)
    assert by_id[HUBEI_FEW]["score"] == pytest.approx((10 / 31) / 0.5)
    assert by_id[SICHUAN_OTHER]["score"] == 0.0


def test_a_missing_column_is_named(presence: ibis.Table) -> None:
    with pytest.raises(ValueError, match="min_dist_den_m"):
        residency_rule(presence.drop("min_dist_den_m"), load_rules().residency)

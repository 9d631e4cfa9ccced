"""Number and mule features on the tiny fraud world, on DuckDB and on Spark, against hand counts."""

from __future__ import annotations

import math

import pytest
from fraud_lake import (
    FRAUD_SIM,
    MULE_1,
    MULE_2,
    SHOP,
    TELEMARKETER,
    VICTIM_CARD,
    LakeWriter,
    write_fraud_lake,
)

from tianluo.detectors.fraud.mule_features import mule_features
from tianluo.detectors.fraud.number_features import number_features
from tianluo.engine import Engine
from tianluo.rules import load_rules


def test_number_features_match_hand_counts(engine: Engine, lake: LakeWriter) -> None:
    write_fraud_lake(lake)
    table = engine.to_arrow(number_features(engine, load_rules().fraud.numbers)).to_pylist()
    rows = {r["phone"]: r for r in table}
    assert FRAUD_SIM in rows and TELEMARKETER in rows
    assert "17000000009" not in rows  # one call: below min_calls
    sim = rows[FRAUD_SIM]
    assert (sim["calls_out"], sim["callees"], sim["active_days"]) == (60, 60, 1)
    assert sim["answered_share"] == pytest.approx(20 / 60)
    assert sim["mean_answered_s"] == pytest.approx((600 + 19 * 20) / 20)
    assert sim["short_share"] == pytest.approx(19 / 20)
    assert sim["night_share"] == 0.0
    assert sim["callback_share"] == 0.0
    assert (sim["handsets"], sim["max_numbers_per_handset"]) == (2, 2)
    assert sim["sim_age_days"] == pytest.approx(3.0)
    assert (sim["sms_out"], sim["sms_receivers"]) == (30, 30)
    assert sim["paid_stranger_callees"] == 1
    tele = rows[TELEMARKETER]
    assert (tele["calls_out"], tele["callees"], tele["active_days"]) == (120, 60, 2)
    assert tele["strangers_per_day"] == pytest.approx(30.0)
    assert tele["callback_share"] == pytest.approx(12 / 60)
    assert tele["calls_in"] == 12
    assert tele["sim_age_days"] == pytest.approx(2000.0)
    assert tele["paid_stranger_callees"] == 0


def test_mule_features_match_hand_counts(engine: Engine, lake: LakeWriter) -> None:
    write_fraud_lake(lake)
    table = engine.to_arrow(mule_features(engine, load_rules().fraud.mules)).to_pylist()
    rows = {r["account_id"]: r for r in table}
    assert "CASH-ICBC-0001" not in rows  # a cash machine is not an account
    first = rows[MULE_1]
    assert (first["transfers_in"], first["payers"], first["other_holder_payers"]) == (2, 2, 2)
    assert first["pass_through"] == pytest.approx(9700 / 10050)
    assert first["holding_hours"] == pytest.approx(0.5)
    assert first["fast_out_share"] == pytest.approx(1.0)
    assert first["account_age_days"] == pytest.approx(1.0)
    assert first["just_under_share"] == pytest.approx(1 / 3)  # 9,700 is just under 10,000
    second = rows[MULE_2]
    assert second["cash_share"] == pytest.approx(1.0)
    assert second["holding_hours"] == pytest.approx(1.0)
    assert second["account_age_days"] == pytest.approx(12 + 1 / 24)
    card = rows[VICTIM_CARD]
    # paid the shop 5 days after the salary, the mule 20 days and 30 minutes after it
    assert card["holding_hours"] == pytest.approx((120 + 480.5) / 2)
    assert card["fast_out_share"] == 0.0
    shop = rows[SHOP]
    assert shop["holding_hours"] is None or math.isnan(shop["holding_hours"])
    assert shop["pass_through"] == 0.0

"""The parts of resolution on their own: blocking keys, clustering rules, person keys."""

from __future__ import annotations

import pyarrow as pa

from tianluo.resolve.cluster import cluster_nodes
from tianluo.resolve.features import name_pinyin
from tianluo.resolve.keys import person_keys, record_hash_key
from tianluo.resolve.lookup import windows

NUMBER = "45010219850314123"  # 17 digits


def test_any_swap_or_wrong_digit_keeps_a_window_key() -> None:
    for i in range(16):
        swapped = NUMBER[:i] + NUMBER[i + 1] + NUMBER[i] + NUMBER[i + 2 :]
        assert set(windows(swapped)) & set(windows(NUMBER)), i
    for i in range(17):
        changed = NUMBER[:i] + str((int(NUMBER[i]) + 1) % 10) + NUMBER[i + 1 :]
        assert set(windows(changed)) & set(windows(NUMBER)), i
    far = "1" + NUMBER[1:8] + "9" + NUMBER[9:]
    assert not set(windows(far)) & set(windows(NUMBER))


def test_homophones_and_variants_read_alike() -> None:
    assert name_pinyin("陈伟") == name_pinyin("陳玮") == "chenwei"
    assert name_pinyin("王伟") != name_pinyin("李伟")


def test_a_mistyped_number_joins_the_stronger_of_two_valid_numbers() -> None:
    numbers = {"Ia": "a", "Ib": "b", "S1": None, "S2": None}
    edges = [("Ia", "S1", 0.99, 12.0), ("Ib", "S1", 0.99, 20.0), ("S1", "S2", 0.9, 5.0)]
    clusters = cluster_nodes(numbers, edges, threshold=0.5)
    assert clusters["S1"] == clusters["Ib"] == clusters["S2"]
    assert clusters["Ia"] != clusters["Ib"]


def test_analysts_decisions_beat_the_model() -> None:
    numbers = {"Ia": "a", "Ib": "b", "S1": None}
    edges = [("Ia", "S1", 0.99, 12.0)]
    clusters = cluster_nodes(
        numbers, edges, threshold=0.5, joined=[("Ia", "Ib")], split=[("Ia", "S1")]
    )
    assert clusters["Ia"] == clusters["Ib"] != clusters["S1"]
    assert cluster_nodes(numbers, edges, threshold=0.999)["S1"] == "S1"


def test_person_keys_prefer_the_number_then_an_unclaimed_phone() -> None:
    records = pa.table(
        {
            "cluster": ["c1", "c1", "c2", "c3", "c3", "c4"],
            "source": ["phones", "seizures", "rentals", "rentals", "access_events", "bookings"],
            "record_id": ["p1", "s1", "r1", "r2", "e1", "b1"],
            "id_number": ["N1", "X", None, None, None, None],
            "id_valid": [True, False, False, False, False, False],
            "phone": ["138", None, "139", "139", "139", None],
        }
    )
    keys = person_keys(records)
    assert keys["c1"] == "N1"
    assert keys["c3"] == "139"  # more records carry the phone than c2's
    assert keys["c2"] == record_hash_key("rentals", "r1")
    assert keys["c4"] == record_hash_key("bookings", "b1")
    assert keys["c4"].startswith("P")
    assert len(keys["c4"]) == 16

"""The parts of resolution on their own: blocking keys, comparisons, clustering, person keys."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from tianluo.resolve.cluster import cluster_nodes
from tianluo.resolve.comparisons import birth_one_edit_guard, one_edit_guard, two_edits_guard
from tianluo.resolve.features import WINDOW_KEYS, name_pinyin
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
    evidence = pa.table(  # one row per piece of evidence, standing for ``records`` records
        {
            "cluster": ["c1", "c1", "c2", "c3", "c3", "c4", "c5", "c5", "c5"],
            "source": [
                *("phones", "seizures", "rentals", "rentals", "access_events", "bookings"),
                *("accounts", "assets", "phones"),
            ],
            "first_record_id": ["p1", "s1", "r1", "r2", "e1", "b1", "a1", "x1", "p5"],
            "records": [1, 1, 2, 1, 2, 1, 1, 1, 3],
            "id_number": ["N1", "X", None, None, None, None, "N5a", "N5a", "N5b"],
            "id_valid": [True, False, False, False, False, False, True, True, True],
            "phone": ["138", None, "139", "139", "139", None, None, None, None],
        }
    )
    table = person_keys(evidence)
    keys = dict(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    assert keys["c1"] == "N1"
    assert keys["c3"] == "139"  # more records carry the phone than c2's
    assert keys["c2"] == record_hash_key("rentals", "r1")
    assert keys["c4"] == record_hash_key("bookings", "b1")
    assert keys["c4"].startswith("P")
    assert len(keys["c4"]) == 16
    assert keys["c5"] == "N5b"  # three records, on one piece of evidence, beat two


def _near_pairs(length: int, count: int, seed: int) -> list[tuple[str, str]]:
    """Random digit strings and copies of them one or two edits away (any kind), and others."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        a = "".join(rng.choice("0123456789") for _ in range(length))
        b = list(a)
        for _ in range(rng.choice((1, 2))):
            i = rng.randrange(length)
            kind = rng.choice(("substitute", "swap", "shift"))
            if kind == "substitute":
                b[i] = rng.choice("0123456789")
            elif kind == "swap" and i < length - 1:
                b[i], b[i + 1] = b[i + 1], b[i]
            else:  # a deletion and an insertion: the same length, a stretch shifted by one
                j = rng.randrange(length)
                b.insert(j, b.pop(i))
        pairs.append((a, "".join(b)))
        pairs.append((a, "".join(rng.choice("0123456789") for _ in range(length))))
    return pairs


def test_edit_distance_guards_pass_every_pair_within_the_distance() -> None:
    windows = ", ".join(
        f"{sql.replace('id17', side)} AS {key}_{side[-1]}"
        for key, sql in WINDOW_KEYS.items()
        for side in ("id17_l", "id17_r")
    )
    con = duckdb.connect()
    for table, column, (length, seed) in (
        ("numbers", "id17", (17, 1)),
        ("births", "birth", (8, 2)),
    ):
        left, right = zip(*_near_pairs(length, 20000, seed), strict=True)
        con.register(table, pa.table({f"{column}_l": left, f"{column}_r": right}))
    numbers = f"(SELECT *, {windows} FROM numbers)"
    for guard, distance, table in (
        (one_edit_guard(), "damerau_levenshtein(id17_l, id17_r) <= 1", numbers),
        (two_edits_guard(), "levenshtein(id17_l, id17_r) <= 2", numbers),
        (birth_one_edit_guard(), "damerau_levenshtein(birth_l, birth_r) <= 1", "births"),
    ):
        within, missed, kept_out = con.sql(
            f"SELECT count(*) FILTER ({distance}), count(*) FILTER ({distance} AND NOT {guard}),"
            f" count(*) FILTER (NOT {guard}) FROM {table}"
        ).fetchone() or (0, 0, 0)
        assert missed == 0, guard
        assert within > 5000, guard  # the test saw many pairs within the distance
        assert kept_out > 10000, guard  # and the guard does keep most others out

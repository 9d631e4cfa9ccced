"""The rules file: shipped defaults, a user's overrides, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tianluo.rules import Rules, RulesError, default_rules_path, load_rules


def test_shipped_rules_hold_the_yunmi_thresholds() -> None:
    rules = load_rules()
    residency = rules.residency
    assert residency.local_province_code == "45"
    assert residency.in_city_days_more_than == 30
    assert residency.near_site_radius_km == 2.0
    assert residency.near_site_radius_m == 2000.0
    assert residency.near_site_min_share_of_days == 0.5
    assert residency.site_kinds == ("venue", "den", "compound")


def test_shipped_file_is_documented_for_analysts() -> None:
    text = default_rules_path().read_text(encoding="utf-8")
    assert text.count("#") > 10
    assert load_rules(default_rules_path()) == load_rules(None)


def test_a_users_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("residency:\n  in_city_days_more_than: 60\n  site_kinds: [den]\n")
    rules = load_rules(path)
    assert isinstance(rules, Rules)
    assert rules.residency.in_city_days_more_than == 60
    assert rules.residency.site_kinds == ("den",)
    assert rules.residency.near_site_radius_km == 2.0


def test_unquoted_province_code_is_read_as_the_code(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("residency:\n  local_province_code: 45\n")
    assert load_rules(path).residency.local_province_code == "45"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("residency:\n  near_site_radius_km: -1\n", "residency.near_site_radius_km"),
        (
            "residency:\n  near_site_min_share_of_days: 1.5\n",
            "residency.near_site_min_share_of_days",
        ),
        ("residency:\n  in_city_days_more_than: many\n", "residency.in_city_days_more_than"),
        ("residency:\n  site_kinds: [venue, shop]\n", "residency.site_kinds.1"),
        ("residency:\n  site_kinds: [venue, venue]\n", "residency.site_kinds"),
        ("residency:\n  local_province_code: Guangxi\n", "residency.local_province_code"),
        ("residency:\n  radius_km: 2\n", "residency.radius_km"),
        ("residencey:\n  radius_km: 2\n", "residencey"),
    ],
)
def test_bad_values_name_the_file_and_the_key(tmp_path: Path, body: str, key: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(body)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message


def test_unknown_key_is_called_unknown(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("residency:\n  radius_km: 2\n")
    with pytest.raises(RulesError, match=r"residency\.radius_km: unknown key"):
        load_rules(path)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot be read"):
        load_rules(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("residency:\n  site_kinds: [venue\n")
    with pytest.raises(RulesError, match=r"broken\.yaml: not valid YAML at line"):
        load_rules(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- residency\n")
    with pytest.raises(RulesError, match="must be a mapping"):
        load_rules(listing)


def test_empty_file_means_the_shipped_rules(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing changed\n")
    assert load_rules(empty) == load_rules()

"""The result tables of contract version 1: names and columns, in export order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ResultSpec:
    """A result table of the contract."""

    name: str
    description: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()


_SPECS = (
    ResultSpec(
        "suspects",
        "a person profiled as a likely pyramid-selling participant",
        ("id_number", "score", "reasons"),
    ),
    ResultSpec(
        "dens",
        "a likely den: a dwelling where participants live together",
        ("den_id", "lat", "lon", "members", "score", "reasons"),
        ("address",),
    ),
    ResultSpec(
        "organizations",
        "one member of a reconstructed pyramid organisation",
        ("org_id", "id_number", "upline_id_number", "level", "role"),
    ),
    ResultSpec(
        "org_summary",
        "one organisation",
        (
            "org_id",
            "members",
            "levels",
            "top_id_number",
            "meets_criminal_threshold",
            "funds_collected",
        ),
    ),
    ResultSpec(
        "fraud_numbers",
        "a phone number scored as a likely fraud caller",
        ("phone", "score", "reasons"),
    ),
    ResultSpec(
        "mule_accounts",
        "an account scored as a likely money-mule account",
        ("account_id", "score", "reasons"),
    ),
    ResultSpec(
        "traces",
        "where the money of one reported transfer is now",
        ("txn_id", "account_id", "amount", "hops"),
        ("rank", "path"),  # freeze order (largest amount first); accounts the money went through
    ),
    ResultSpec(
        "alerts",
        "one item in the analysts' queue",
        ("alert_id", "kind", "subject", "score", "created_at", "reasons"),
    ),
    ResultSpec(
        "person_keys",
        "one person-naming record and the person it was resolved to",
        ("source", "record_id", "person_key"),
    ),
    ResultSpec(
        "participant_stats",
        "one bar of a chart of pyramid-selling participants: a province, city, age band, "
        "disposition or week of arrival, with its persons and share",
        ("dimension", "key", "label", "persons", "share"),
        ("as_of",),
    ),
    ResultSpec(
        "heat_cells",
        "one cell of a heat map of participants' activity: an H3 hexagon or a city district",
        ("layer", "cell", "name", "lat", "lon", "persons", "person_days", "pings"),
    ),
)

RESULTS: dict[str, ResultSpec] = {r.name: r for r in _SPECS}

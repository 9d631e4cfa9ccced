"""The sixteen feed sources of contract version 1: their columns and how to read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a column's text is validated and normalised on ingest."""

    TEXT = "text"  # free text, kept as given (trimmed)
    KEY = "key"  # an identifier: non-empty, trimmed
    ID_NUMBER = "id_number"  # resident identity number: checked, 15->18, region/birth/sex derived
    MOBILE = "mobile"  # 11-digit mainland mobile; +86, spaces and dashes stripped
    PHONE = "phone"  # any telephone number seen in call records (mobile, landline, overseas)
    TIMESTAMP = "timestamp"  # ISO 8601; no offset means Asia/Shanghai
    DATE = "date"  # YYYY-MM-DD
    LAT = "lat"  # WGS84 latitude, -90..90
    LON = "lon"  # WGS84 longitude, -180..180
    MONEY = "money"  # yuan, decimal, not negative
    COUNT = "count"  # a whole number, not negative
    NUMBER = "number"  # a decimal number, not negative
    ENUM = "enum"  # one of a fixed set of lower-case words


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a source.

    ``required`` means the column must be present in the file; ``nullable``
    says whether a present column may hold an empty value in a good row.
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()


def req(name: str, kind: Kind, *, nullable: bool = False, choices: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, required=True, nullable=nullable, choices=choices)


def opt(name: str, kind: Kind, *, choices: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, required=False, nullable=True, choices=choices)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source of the contract: its columns and the id that names one record."""

    name: str
    description: str
    columns: tuple[Column, ...]
    record_id: str | None = None  # the column that names a record (person_keys uses it)
    person_columns: tuple[str, ...] = field(default=())  # identity-number columns naming a person

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


SITE_KINDS = ("compound", "venue", "den", "other")
DISPOSITIONS = ("education", "repatriation", "fine", "detention", "arrest", "sentence")
BOOKING_KINDS = ("flight", "train", "hotel")
ASSET_KINDS = ("house", "land", "vehicle")
DIRECTIONS = ("in", "out")

K = Kind
_SPECS = (
    SourceSpec(
        "sites",
        "a key area under watch: a residential compound, a lecture venue, a known den",
        (
            req("site_id", K.KEY),
            req("name", K.TEXT),
            req("kind", K.ENUM, choices=SITE_KINDS),
            req("lat", K.LAT),
            req("lon", K.LON),
            opt("radius_m", K.NUMBER),
            opt("district", K.TEXT),
            opt("address", K.TEXT),
        ),
        record_id="site_id",
    ),
    SourceSpec(
        "seizures",
        "a person found in a pyramid-selling sweep (查获)",
        (
            req("record_id", K.KEY),
            req("id_number", K.ID_NUMBER, nullable=True),
            req("name", K.TEXT, nullable=True),
            req("seized_at", K.TIMESTAMP),
            req("lat", K.LAT),
            req("lon", K.LON),
            req("disposition", K.ENUM, choices=DISPOSITIONS),
            opt("phone", K.MOBILE),
            opt("address", K.TEXT),
            opt("case_no", K.TEXT),
        ),
        record_id="record_id",
        person_columns=("id_number",),
    ),
    SourceSpec(
        "phones",
        "a real-name mobile subscription",
        (
            req("phone", K.MOBILE),
            req("id_number", K.ID_NUMBER, nullable=True),
            req("activated_at", K.TIMESTAMP),
            opt("name", K.TEXT),
            opt("carrier", K.TEXT),
            opt("imei", K.TEXT),
        ),
        record_id="phone",
        person_columns=("id_number",),
    ),
    SourceSpec(
        "pings",
        "one location fix of a phone (signalling or app)",
        (
            req("phone", K.MOBILE),
            req("ts", K.TIMESTAMP),
            req("lat", K.LAT),
            req("lon", K.LON),
            opt("accuracy_m", K.NUMBER),
            opt("source", K.TEXT),
        ),
    ),
    SourceSpec(
        "access_events",
        "a pass through a gate of a watched site (door access, face terminal)",
        (
            req("event_id", K.KEY),
            req("site_id", K.KEY),
            req("ts", K.TIMESTAMP),
            opt("id_number", K.ID_NUMBER),
            opt("name", K.TEXT),
            opt("phone", K.MOBILE),
            opt("direction", K.ENUM, choices=DIRECTIONS),
        ),
        record_id="event_id",
        person_columns=("id_number",),
    ),
    SourceSpec(
        "rentals",
        "a rental registration (房屋租赁登记)",
        (
            req("record_id", K.KEY),
            req("tenant_id_number", K.ID_NUMBER, nullable=True),
            req("tenant_name", K.TEXT, nullable=True),
            req("address", K.TEXT),
            req("lat", K.LAT),
            req("lon", K.LON),
            req("start_date", K.DATE),
            opt("tenant_phone", K.MOBILE),
            opt("end_date", K.DATE),
            opt("landlord_id_number", K.ID_NUMBER),
        ),
        record_id="record_id",
        person_columns=("tenant_id_number", "landlord_id_number"),
    ),
    SourceSpec(
        "accounts",
        "a bank or payment account",
        (
            req("account_id", K.KEY),
            req("holder_id_number", K.ID_NUMBER, nullable=True),
            req("opened_at", K.TIMESTAMP),
            opt("bank", K.TEXT),
            opt("holder_name", K.TEXT),
            opt("kind", K.TEXT),
        ),
        record_id="account_id",
        person_columns=("holder_id_number",),
    ),
    SourceSpec(
        "transactions",
        "a transfer between two accounts",
        (
            req("txn_id", K.KEY),
            req("ts", K.TIMESTAMP),
            req("from_account", K.KEY),
            req("to_account", K.KEY),
            req("amount", K.MONEY),
            opt("channel", K.TEXT),
            opt("memo", K.TEXT),
        ),
        record_id="txn_id",
    ),
    SourceSpec(
        "calls",
        "a call detail record",
        (
            req("caller", K.PHONE),
            req("callee", K.PHONE),
            req("ts", K.TIMESTAMP),
            req("duration_s", K.COUNT),
            opt("caller_cell", K.TEXT),
            opt("callee_cell", K.TEXT),
            opt("caller_imei", K.TEXT),
        ),
    ),
    SourceSpec(
        "messages",
        "an SMS or chat message",
        (
            req("msg_id", K.KEY),
            req("sender", K.PHONE),
            req("receiver", K.PHONE),
            req("ts", K.TIMESTAMP),
            req("text", K.TEXT, nullable=True),
            opt("channel", K.TEXT),
        ),
        record_id="msg_id",
    ),
    SourceSpec(
        "reports",
        "a tip from a citizen or grid worker, or a victim's report of a fraud",
        (
            req("report_id", K.KEY),
            req("ts", K.TIMESTAMP),
            req("text", K.TEXT, nullable=True),
            opt("reporter_phone", K.MOBILE),
            opt("lat", K.LAT),
            opt("lon", K.LON),
            opt("subject_name", K.TEXT),
            opt("photo", K.TEXT),
            opt("txn_id", K.TEXT),
        ),
        record_id="report_id",
    ),
    SourceSpec(
        "documents",
        "a web page, advert or post about a company",
        (
            req("doc_id", K.KEY),
            req("published_at", K.TIMESTAMP),
            req("source", K.TEXT),
            req("title", K.TEXT, nullable=True),
            req("text", K.TEXT, nullable=True),
            opt("company_name", K.TEXT),
            opt("url", K.TEXT),
        ),
        record_id="doc_id",
    ),
    SourceSpec(
        "companies",
        "a registered company",
        (
            req("company_id", K.KEY),
            req("name", K.TEXT),
            opt("credit_code", K.TEXT),
            opt("legal_rep_id_number", K.ID_NUMBER),
            opt("address", K.TEXT),
            opt("registered_at", K.TIMESTAMP),
        ),
        record_id="company_id",
        person_columns=("legal_rep_id_number",),
    ),
    SourceSpec(
        "defaulters",
        "a listed judgment defaulter (失信被执行人)",
        (
            req("case_no", K.KEY),
            req("id_number", K.ID_NUMBER, nullable=True),
            req("name", K.TEXT, nullable=True),
            req("court", K.TEXT),
            req("amount_owed", K.MONEY),
            req("listed_at", K.TIMESTAMP),
        ),
        record_id="case_no",
        person_columns=("id_number",),
    ),
    SourceSpec(
        "bookings",
        "a flight, train or hotel booking",
        (
            req("booking_id", K.KEY),
            req("id_number", K.ID_NUMBER, nullable=True),
            req("kind", K.ENUM, choices=BOOKING_KINDS),
            req("ts", K.TIMESTAMP),
            req("place", K.TEXT),
            opt("amount", K.MONEY),
        ),
        record_id="booking_id",
        person_columns=("id_number",),
    ),
    SourceSpec(
        "assets",
        "a property, vehicle or piece of land",
        (
            req("asset_id", K.KEY),
            req("owner_id_number", K.ID_NUMBER, nullable=True),
            req("kind", K.ENUM, choices=ASSET_KINDS),
            req("description", K.TEXT, nullable=True),
            opt("value", K.MONEY),
            opt("address", K.TEXT),
        ),
        record_id="asset_id",
        person_columns=("owner_id_number",),
    ),
)

SOURCES: dict[str, SourceSpec] = {s.name: s for s in _SPECS}

"""The typed shape of the rules file: one model per section, one field per threshold."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tianluo.rules.fraud import FraudRules
from tianluo.rules.statistics import StatisticsRules

SiteKind = Literal["compound", "venue", "den", "other"]


class _Section(BaseModel):
    """A section of the rules file: unknown keys are refused, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ResidencyRule(_Section):
    """The "云觅" residency rule: out-of-province, long stay, days spent near watched sites."""

    local_province_code: str = Field(pattern=r"^\d{2}$")
    in_city_days_more_than: int = Field(ge=0)
    near_site_radius_km: float = Field(gt=0)
    near_site_min_share_of_days: float = Field(gt=0, le=1)
    site_kinds: tuple[SiteKind, ...] = Field(min_length=1)

    @field_validator("local_province_code", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        # YAML reads an unquoted 45 as a number; an analyst means the code "45".
        return f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("site_kinds")
    @classmethod
    def _distinct_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(kinds)) != len(kinds):
            raise ValueError("a site kind is listed twice")
        return kinds

    @property
    def near_site_radius_m(self) -> float:
        """The radius in metres, the unit of the presence table's distances."""
        return self.near_site_radius_km * 1000.0


def _clock(text: str) -> int:
    """Seconds after midnight of a ``HH:MM`` wall-clock time."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()) or int(hours) > 24 or int(minutes) > 59:
        raise ValueError(f"{text!r} is not a HH:MM time")
    return int(hours) * 3600 + int(minutes) * 60


class ClockWindow(_Section):
    """A daily window of wall-clock time (Beijing), e.g. ``08:30-11:30``; may wrap midnight."""

    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        _clock(value)
        return value

    @property
    def start_s(self) -> int:
        return _clock(self.start)

    @property
    def end_s(self) -> int:
        return _clock(self.end)


class SuspectRules(_Section):
    """The suspect profile: what counts as a lecture, a night at home, a fee, a seizure."""

    lecture_windows: tuple[ClockWindow, ...] = Field(min_length=1)
    lecture_weekdays: tuple[int, ...] = Field(min_length=1)
    lecture_radius_m: float = Field(gt=0, le=5000)
    night_window: ClockWindow
    coresidence_radius_m: float = Field(gt=0, le=1000)
    min_night_pings: int = Field(ge=1)
    fee_unit_yuan: float = Field(gt=0)
    fee_max_units: int = Field(ge=1)
    fee_amounts_yuan: tuple[float, ...] = ()
    refund_amounts_yuan: tuple[float, ...] = ()
    seized_in_window_weight: float = Field(ge=0, le=1)
    seized_before_weight: float = Field(ge=0, le=1)
    min_seized_to_learn: int = Field(ge=2)
    list_min_score: float = Field(ge=0, le=1)
    alert_min_score: float = Field(ge=0, le=1)

    @field_validator("lecture_weekdays")
    @classmethod
    def _iso_weekdays(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= d <= 7 for d in days):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return days


class DenRules(_Section):
    """Dens: who sleeps in which flat, how many make a den, how a den is scored."""

    member_min_score: float = Field(ge=0, le=1)
    min_members: int = Field(ge=2)
    reported_min_members: int = Field(ge=1)
    reach_errors: float = Field(gt=0, le=10)
    night_error_m: float = Field(gt=0, le=500)
    cluster_radius_m: float = Field(gt=0, le=500)
    tip_radius_m: float = Field(ge=0, le=1000)
    gate_together_s: float = Field(ge=0, le=3600)
    gate_min_days: int = Field(ge=1)
    alert_min_score: float = Field(ge=0, le=1)


class OrganizationRules(_Section):
    """Organisations: who is a member, which links count, roles and the criminal threshold."""

    member_min_score: float = Field(ge=0, le=1)
    min_members: int = Field(ge=2)
    min_fee_transfers: int = Field(ge=0)
    leader_min_downline: int = Field(ge=1)
    core_min_downline: int = Field(ge=1)
    threshold_members: int = Field(ge=1)
    threshold_levels: int = Field(ge=1)
    arrival_slack_days: int = Field(ge=0)
    attach_min_calls: int = Field(ge=1)
    attach_min_suspects: int = Field(ge=1)
    attach_min_score: float = Field(ge=0, le=1)
    attach_min_days_in_city: int = Field(ge=0)


class Rules(_Section):
    """Every detector's thresholds, as read from one rules file."""

    residency: ResidencyRule
    suspects: SuspectRules
    dens: DenRules
    organizations: OrganizationRules
    fraud: FraudRules
    statistics: StatisticsRules

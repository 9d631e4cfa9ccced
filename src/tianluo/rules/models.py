"""The typed shape of the rules file: one model per section, one field per threshold."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class Rules(_Section):
    """Every detector's thresholds, as read from one rules file."""

    residency: ResidencyRule

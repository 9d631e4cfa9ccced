"""The typed ``statistics:`` section of the rules file: who counts as a participant, and how
the statistics and heat maps are cut."""

from __future__ import annotations

import itertools

from pydantic import BaseModel, ConfigDict, Field, field_validator


class StatisticsRules(BaseModel):
    """Participants (suspects at or above a score, and everyone seized), age bands, H3 sizes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    participant_min_score: float = Field(ge=0, le=1)
    age_band_edges: tuple[int, ...] = Field(min_length=1)
    h3_resolutions: tuple[int, ...] = Field(min_length=1)

    @field_validator("age_band_edges")
    @classmethod
    def _increasing_ages(cls, edges: tuple[int, ...]) -> tuple[int, ...]:
        if any(a >= b for a, b in itertools.pairwise(edges)) or edges[0] <= 0:
            raise ValueError("age band edges must be positive and increasing")
        return edges

    @field_validator("h3_resolutions")
    @classmethod
    def _h3_resolutions(cls, resolutions: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(resolutions)) != len(resolutions) or not all(0 <= r <= 15 for r in resolutions):
            raise ValueError("H3 resolutions must be distinct and in 0..15")
        return resolutions

"""The typed ``fraud:`` section of the rules file: numbers, mules, traces, victim warnings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NumberRules(_Part):
    """Fraud numbers: which callers are scored, and what counts as each sign of fraud."""

    min_calls: int = Field(ge=1)
    strangers_per_day: float = Field(gt=0)
    young_sim_days: float = Field(ge=0)
    old_sim_days: float = Field(gt=0)
    callback_share_low: float = Field(ge=0, le=1)
    short_call_s: float = Field(gt=0)
    answered_share_normal: float = Field(gt=0, le=1)
    night_start_hour: int = Field(ge=0, le=23)
    night_end_hour: int = Field(ge=0, le=23)
    victim_call_min_s: int = Field(ge=1)
    victim_payment_hours: float = Field(gt=0)
    model_weight: float = Field(ge=0, le=1)
    list_min_score: float = Field(ge=0, le=1)
    alert_min_score: float = Field(ge=0, le=1)


class MuleRules(_Part):
    """Mule accounts: what counts as fast, new, fan-in and just under a limit."""

    fast_holding_hours: float = Field(gt=0)
    slow_holding_hours: float = Field(gt=0)
    new_account_days: float = Field(ge=0)
    old_account_days: float = Field(gt=0)
    fan_in_payers: int = Field(ge=1)
    round_limits_yuan: tuple[float, ...] = Field(min_length=1)
    just_under_share: float = Field(gt=0, lt=1)
    model_weight: float = Field(ge=0, le=1)
    list_min_score: float = Field(ge=0, le=1)
    alert_min_score: float = Field(ge=0, le=1)


class WarningRules(_Part):
    """Victim warning: a call from a flagged number, then a transfer to a new payee."""

    flagged_min_score: float = Field(ge=0, le=1)
    min_call_s: int = Field(ge=0)
    within_hours: float = Field(gt=0)


class TraceRules(_Part):
    """Fund traces: how much work one trace may do, and which holdings raise alerts."""

    max_pieces: int = Field(ge=1)
    alert_min_yuan: float = Field(ge=0)


class FraudRules(_Part):
    """Telecom- and financial-fraud detectors (the Xiamen centre)."""

    numbers: NumberRules
    mules: MuleRules
    warning: WarningRules
    traces: TraceRules

"""The evaluation report: one typed section per result, serialisable to JSON.

Each section says whether it could be scored (``status``) and why not
(``note``). A metric that is undefined (no true cases, nothing to divide by)
is None, shown as "n/a": missing results are never scored as zero.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """Whether a result could be scored."""

    SCORED = "scored"
    MISSING = "missing"  # the workspace holds no such result
    NO_TRUTH = "no truth"  # the feed holds no planted answer to score it against
    INVALID = "invalid"  # the result or truth file lacks a column of the contract


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Section(_Model):
    """What every section of the report carries."""

    status: Status
    note: str = ""


class RankingScores(_Model):
    """How well scores rank the true cases above everyone else in the universe."""

    universe: int  # items scored: everyone who could have been flagged
    positives: int  # true cases among them
    predicted: int  # items of the result found in the universe
    outside_universe: int = 0  # items of the result not in the universe (not scored)
    roc_auc: float | None
    average_precision: float | None
    f1_at_true_count: float | None  # = precision = recall of the top-k, k = true cases


class GroupFalsePositives(_Model):
    """How many innocent look-alikes of one group land in the top-k list."""

    group: str
    persons: int
    flagged: float  # expected number in the top-k (ties shared)
    false_positive_rate: float | None


class Ranking(Section):
    """A scored list compared with the true cases (suspects, fraud numbers, mule accounts)."""

    universe_source: str = ""
    scores: RankingScores | None = None


class SuspectsSection(Ranking):
    """Suspects against truth, and the bare 云觅 residency rule as the baseline to beat."""

    hard_negatives: list[GroupFalsePositives] = []
    baseline: Ranking = Field(
        default_factory=lambda: Ranking(status=Status.MISSING, note="not computed")
    )
    baseline_hard_negatives: list[GroupFalsePositives] = []


class DensSection(Section):
    """Predicted dens matched to true dens within a distance."""

    radius_m: float = 150.0
    true_dens: int = 0
    predicted_dens: int = 0
    matched: int = 0
    recall: float | None = None
    precision: float | None = None
    mean_match_distance_m: float | None = None


class OrganizationsSection(Section):
    """Reconstructed organisations matched to the true ones by member overlap."""

    true_orgs: int = 0
    predicted_orgs: int = 0
    matched_orgs: int = 0
    mean_jaccard: float | None = None  # over true orgs; an unmatched one counts 0
    organiser_found: float | None = None  # share of true orgs whose top was found as top
    upline_accuracy: float | None = None  # true members below the top with the right upline
    level_accuracy: float | None = None  # true members with the exact level
    threshold_accuracy: float | None = None  # criminal-threshold verdict right, per true org
    threshold_note: str = ""


class TracesSection(Section):
    """Where reported money is now: the holding accounts found and the amounts."""

    traces: int = 0  # reported transfers in the truth
    true_holdings: int = 0  # (transfer, account) pairs holding money in the truth
    found: int = 0
    recall: float | None = None
    precision: float | None = None  # among predicted pairs of transfers in the truth
    amount_error: float | None = None  # sum |pred - true| / sum true over found pairs
    median_trace_amount_error: float | None = None


class PersonKeysSection(Section):
    """Records resolved to persons, compared pair by pair with the true persons."""

    records: int = 0
    pairwise_precision: float | None = None
    pairwise_recall: float | None = None


class EvaluationReport(_Model):
    """Every result of a workspace scored against the planted truth of a feed."""

    feed_dir: str
    workspace: str
    created_at: dt.datetime
    suspects: SuspectsSection
    dens: DensSection
    organizations: OrganizationsSection
    fraud_numbers: Ranking
    mule_accounts: Ranking
    traces: TracesSection
    person_keys: PersonKeysSection

    def sections(self) -> dict[str, Section]:
        """The sections by result name, in report order."""
        return {
            "suspects": self.suspects,
            "dens": self.dens,
            "organizations": self.organizations,
            "fraud_numbers": self.fraud_numbers,
            "mule_accounts": self.mule_accounts,
            "traces": self.traces,
            "person_keys": self.person_keys,
        }

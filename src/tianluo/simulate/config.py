"""Every knob of the simulated city, in one frozen object read once and passed in.

The defaults reproduce the published figures cited in ``README.md`` beside this
module; an analyst can change any of them without touching the generators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tianluo.simulate.pyramid import SHAPE_CYCLE


@dataclass(frozen=True)
class DirtyRates:
    """How often the writer damages a feed value, the way real agency extracts are damaged.

    Value rates (``id_*``, ``phone_format``, ``name_variant``) apply to each non-empty
    value of an identity-number, mobile or person-name column; row rates
    (``unparseable``, ``duplicate``) apply to each row of every source. The writer
    records the rates and the exact counts it produced in ``truth/dirty.json``.
    ``truth/`` itself is never dirtied.
    """

    id_mistyped: float = 0.015  # one digit changed or two adjacent digits swapped
    id_legacy: float = 0.01  # the 15-digit form (only people born 1900-1999 have one)
    id_missing: float = 0.01  # blanked, only in columns where an empty value is allowed
    phone_format: float = 0.05  # "+86", "+86 ", spaces or dashes around a good mobile
    unparseable: float = 0.002  # a bad timestamp or date, latitude 200, negative money
    duplicate: float = 0.007  # the same row written twice
    # a person's name written with a same-sounding or variant character (伟/玮, 陈/陳) in the
    # person-naming sources (dirty.NAME_COLUMNS), as clerks typing a name by its sound do;
    # 1% is our choice (no published rate at hand), small beside the identity-number damage
    name_variant: float = 0.01
    exempt_sources: tuple[str, ...] = ()  # sources the writer leaves clean

    @classmethod
    def clean(cls) -> DirtyRates:
        """No damage at all: useful for tests of the generators themselves."""
        return cls(
            id_mistyped=0.0,
            id_legacy=0.0,
            id_missing=0.0,
            phone_format=0.0,
            unparseable=0.0,
            duplicate=0.0,
            name_variant=0.0,
        )


@dataclass(frozen=True)
class PopulationConfig:
    """Who lives in or passes through the city, as shares of ``SimConfig.persons``."""

    participant_share: float = 0.025  # pyramid-selling participants (at least min_participants)
    min_participants: int = 120
    migrant_worker_share: float = 0.08  # other provinces, months, hard negatives
    student_share: float = 0.05  # other provinces, at university
    tourist_share: float = 0.02  # a few days
    venue_neighbour_share: float = 0.01  # local people living beside a lecture venue
    local_share_of_residents: float = 0.93  # residents born in Guangxi (the rest moved in long ago)
    renter_share: float = 0.3  # residents who rent (a rental registration each)
    persons_per_compound: int = 250  # simulated inhabitants of one residential compound
    handset_change_share: float = 0.03  # people who change their handset during the window


@dataclass(frozen=True)
class PyramidConfig:
    """The "gathering" (聚集型) pyramid organisations: trees, dens, venues, money, evidence.

    Defaults follow the "1040 project" (1040工程) scheme reported in Nanning cases:
    a share (份) costs 3,800 yuan, a full entry is 21 shares sold for 69,800 yuan, and the
    "organisation" hands 19,000 yuan of a full entry back the month after.
    """

    share_price: float = 3800.0
    full_entry_shares: int = 21
    full_entry_price: float = 69800.0
    entry_shares: tuple[int, ...] = (1, 3, 5, 7, 10, 21)  # shares bought at entry
    entry_share_weights: tuple[float, ...] = (0.10, 0.15, 0.15, 0.15, 0.15, 0.30)
    full_entry_refund: float = 19000.0  # paid back by the organiser ~30 days after a full entry
    recruiter_commission: float = 0.15  # kept by the direct recruiter
    upline_commission: float = 0.10  # kept by each further upline; the organiser keeps the rest
    # the shapes the organisations' trees take in turn (tianluo.simulate.pyramid.SHAPES)
    tree_shapes: tuple[str, ...] = SHAPE_CYCLE
    cash_fee_share: float = 0.15  # fees paid in cash: no transfer in any feed
    never_called_share: float = 0.15  # recruits invited face to face at home: no call record
    same_county_share: float = 0.75  # recruits from the recruiter's county (relatives, friends)
    same_province_share: float = (
        0.92  # recruits from the recruiter's province (as allotment allows)
    )
    den_min: int = 4
    den_max: int = 12
    unregistered_den_share: float = 0.2  # dens with no rental registration at all
    known_den_share: float = 0.4  # dens already in `sites` as kind "den"
    lectures_per_week: int = 4
    gate_capture: float = 0.8  # a pass through a watched gate is logged
    gate_identified: float = 0.6  # ... and the face terminal names the person
    # ordinary people passing a venue gate over the window, per participant of its lectures
    # (staff, other tenants, neighbours, other courses and events): participants are
    # 1/(1+ratio), a third to a half of the people seen at a venue gate
    venue_visitor_ratio: tuple[float, float] = (1.2, 2.0)
    sweeps: int = 3  # police sweeps during the simulated window
    prior_seized_share: float = 0.15  # participants seized in a sweep before the window
    prior_bystander_ratio: float = 0.3  # non-participants with a prior record, per participant
    prior_days: int = 730  # how far back before the window the earlier sweeps go
    sweep_den_share: float = 0.3  # dens raided in one sweep
    tip_den_share: float = 0.35  # dens that a neighbour reports
    false_tip_share: float = 0.3  # tips about flats that are not dens (share of all tips)


@dataclass(frozen=True)
class SimConfig:
    """One simulated city: its size, seed, window, population, pyramids and data damage."""

    persons: int
    seed: int
    days: int = 60
    start: dt.date = dt.date(2026, 3, 2)
    dirty: DirtyRates = field(default_factory=DirtyRates)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    pyramid: PyramidConfig = field(default_factory=PyramidConfig)
    pings_per_day: float = 3.0  # mean location fixes per person and day present
    fmt: str = "parquet"  # "parquet", "csv" or "csv.gz"
    person_batch: int = 100_000  # persons per vectorised ping chunk
    finance: bool = True  # write the fraud and money part (tianluo.simulate.finance)

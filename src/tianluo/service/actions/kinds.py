"""The kinds of action, who receives each, and the answers a recipient may give."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tianluo.service.auth.roles import AgencyKind


class ActionKind(StrEnum):
    FREEZE_REQUEST = "freeze_request"  # 止付冻结: the accounts holding a traced transfer's money
    BLOCK_REQUEST = "block_request"  # 关停: fraud numbers, to their carrier
    HOME_NOTICE = "home_notice"  # 流出地通报: participants, to their home province's regulator
    RENTAL_WARNING = "rental_warning"  # 租赁登记预警: a tenant of interest


@dataclass(frozen=True, slots=True)
class KindSpec:
    title: str
    recipients: frozenset[AgencyKind]
    outcomes: frozenset[str]  # final answers, after or instead of "acknowledged"


KINDS: dict[ActionKind, KindSpec] = {
    ActionKind.FREEZE_REQUEST: KindSpec(
        "Payment freeze request 止付冻结申请",
        frozenset({AgencyKind.BANK}),
        frozenset({"frozen", "refused"}),
    ),
    ActionKind.BLOCK_REQUEST: KindSpec(
        "Number block request 涉诈号码关停申请",
        frozenset({AgencyKind.CARRIER}),
        frozenset({"blocked", "refused"}),
    ),
    ActionKind.HOME_NOTICE: KindSpec(
        "Notice to the home province 流出地通报",
        frozenset({AgencyKind.MARKET_REGULATOR, AgencyKind.POLICE_ANTIFRAUD}),
        frozenset({"done"}),
    ),
    ActionKind.RENTAL_WARNING: KindSpec(
        "Rental registration warning 租赁登记预警",
        frozenset({AgencyKind.MARKET_REGULATOR, AgencyKind.POLICE_ANTIFRAUD}),
        frozenset({"done"}),
    ),
}

ANSWERS = frozenset({"acknowledged"}) | frozenset().union(*(k.outcomes for k in KINDS.values()))

"""Agency kinds, roles and the permissions each role carries."""

from __future__ import annotations

from enum import StrEnum


class AgencyKind(StrEnum):
    MARKET_REGULATOR = "market_regulator"  # 市场监管: pyramid selling
    POLICE_ANTIFRAUD = "police_antifraud"  # 反诈中心: telecom fraud
    BANK = "bank"
    CARRIER = "carrier"
    COURT = "court"


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    READ_ALERTS = "read_alerts"
    WORK_ALERTS = "work_alerts"
    READ_CASES = "read_cases"
    WORK_CASES = "work_cases"
    ANALYSE = "analyse"  # statistics, profiles, trees, traces
    UNMASK = "unmask"  # see identity numbers and phones in full
    SEND_ACTIONS = "send_actions"
    ANSWER_ACTIONS = "answer_actions"
    SCREEN = "screen"
    PROPOSE_WATCH = "propose_watch"
    APPROVE_WATCH = "approve_watch"
    READ_AUDIT = "read_audit"


class Role(StrEnum):
    ADMIN = "admin"  # manages agencies and users; reads no case
    SUPERVISOR = "supervisor"  # an analyst who may unmask and approve watch-list additions
    INVESTIGATOR = "investigator"  # an analyst who may unmask
    ANALYST = "analyst"
    LIAISON = "liaison"  # at a bank, carrier or court: reads and answers the actions it receives
    SCREENER = "screener"  # a system that screens: rental registration, gates, hotels, airlines
    AUDITOR = "auditor"


_ANALYST = frozenset(
    {
        Permission.READ_ALERTS,
        Permission.WORK_ALERTS,
        Permission.READ_CASES,
        Permission.WORK_CASES,
        Permission.ANALYSE,
        Permission.SEND_ACTIONS,
        Permission.ANSWER_ACTIONS,
        Permission.PROPOSE_WATCH,
        Permission.SCREEN,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.MANAGE_USERS}),
    Role.SUPERVISOR: _ANALYST | {Permission.UNMASK, Permission.APPROVE_WATCH},
    Role.INVESTIGATOR: _ANALYST | {Permission.UNMASK},
    Role.ANALYST: _ANALYST,
    Role.LIAISON: frozenset({Permission.ANSWER_ACTIONS, Permission.READ_CASES}),
    Role.SCREENER: frozenset({Permission.SCREEN}),
    Role.AUDITOR: frozenset({Permission.READ_AUDIT}),
}

ALERT_QUEUES: dict[str, AgencyKind] = {
    "pyramid_suspect": AgencyKind.MARKET_REGULATOR,
    "pyramid_den": AgencyKind.MARKET_REGULATOR,
    "pyramid_organization": AgencyKind.MARKET_REGULATOR,
    "fraud_number": AgencyKind.POLICE_ANTIFRAUD,
    "mule_account": AgencyKind.POLICE_ANTIFRAUD,
    "freeze": AgencyKind.POLICE_ANTIFRAUD,
    "victim_warning": AgencyKind.POLICE_ANTIFRAUD,
}
"""Whose queue an alert of each kind goes to; kinds not listed go to the police."""


def alert_queue(kind: str) -> AgencyKind:
    if kind.startswith("pyramid"):
        return AgencyKind.MARKET_REGULATOR
    return ALERT_QUEUES.get(kind, AgencyKind.POLICE_ANTIFRAUD)

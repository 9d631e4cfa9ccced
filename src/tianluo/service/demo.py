"""Demo agencies and accounts for a simulated city (`make demo`, the browser tests).

One password for every demo account: a demo is not a deployment. Real agencies and users
are made with `tianluo user add` (docs/guides/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tianluo.service.audit import Actor, record
from tianluo.service.auth.accounts import create_agency, create_user
from tianluo.service.auth.roles import AgencyKind, Role
from tianluo.service.db import session_factory
from tianluo.service.db.models import Agency, User

DEMO_PASSWORD = "tianluo-demo-2026"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    agency: str
    role: Role
    what: str  # what the account is for, in the demo's closing message


DEMO_AGENCIES: tuple[tuple[str, str, AgencyKind, str | None], ...] = (
    ("nn-amr", "南宁市市场监督管理局", AgencyKind.MARKET_REGULATOR, "45"),
    ("nn-police", "南宁市公安局反诈中心", AgencyKind.POLICE_ANTIFRAUD, "45"),
    ("demo-bank", "示例银行南宁分行", AgencyKind.BANK, None),
    ("demo-carrier", "示例运营商广西公司", AgencyKind.CARRIER, None),
    ("nn-court", "南宁市中级人民法院", AgencyKind.COURT, None),
)

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "nn-amr", Role.ADMIN, "agencies and users"),
    DemoAccount("amr_analyst", "nn-amr", Role.ANALYST, "pyramid-selling analyst (masked)"),
    DemoAccount("amr_supervisor", "nn-amr", Role.SUPERVISOR, "pyramid-selling supervisor"),
    DemoAccount("police_analyst", "nn-police", Role.ANALYST, "anti-fraud analyst (masked)"),
    DemoAccount("police_investigator", "nn-police", Role.INVESTIGATOR, "anti-fraud investigator"),
    DemoAccount("bank_liaison", "demo-bank", Role.LIAISON, "the bank's freeze desk"),
    DemoAccount("carrier_liaison", "demo-carrier", Role.LIAISON, "the carrier's block desk"),
    DemoAccount("auditor", "nn-court", Role.AUDITOR, "reads the audit and screening logs"),
)


def seed_demo_accounts(engine: sa.Engine, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create the demo agencies and accounts that do not exist yet; return those created."""
    created: list[DemoAccount] = []
    with session_factory(engine)() as session:
        agencies = {a.code: a for a in session.scalars(sa.select(Agency))}
        for code, name, kind, province in DEMO_AGENCIES:
            if code not in agencies:
                agencies[code] = create_agency(session, code, name, kind, province)
        existing = set(session.scalars(sa.select(User.username)))
        for account in DEMO_ACCOUNTS:
            if account.username in existing:
                continue
            create_user(
                session,
                account.username,
                password,
                agency=agencies[account.agency],
                role=account.role,
            )
            record(
                session,
                Actor.system(),
                "user.create",
                account.username,
                detail={"role": account.role, "agency": account.agency, "via": "demo"},
            )
            created.append(account)
        session.commit()
    return created

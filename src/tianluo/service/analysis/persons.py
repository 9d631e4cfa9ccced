"""A person's profile (画像): what the results say of them, and their records in the lake.

Every look-up is audited (``person.lookup``), found or not, with the masked subject.
The lake and the detectors' tables are read for this one person with DuckDB, the
person's key pushed into each Parquet scan (``analysis.lake``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.rules import Rules, load_rules
from tianluo.service.analysis import identity, person_links, person_places, presence
from tianluo.service.analysis.lake import PersonLake, connect
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.audit import Actor, record
from tianluo.service.auth.principal import Principal
from tianluo.service.cases.access import visible_case_ids
from tianluo.service.context import ServiceContext
from tianluo.service.db.models import Alert, Case, CaseItem, WatchEntry
from tianluo.service.errors import NotFound
from tianluo.service.privacy.masking import Masker, mask_value
from tianluo.settings import load_settings
from tianluo.workspace import Workspace

TIMELINE_SOURCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # source: (time column, what the event says, optional columns it mentions);
    # gate passes (access_events) are read once for the timeline and the places alike
    "seizures": ("seized_at", "'seized: ' || coalesce(disposition, '')", ()),
    "rentals": ("start_date", "'rented: ' || coalesce(address, '')", ()),
    "bookings": ("ts", "kind || ': ' || coalesce(place, '')", ("place",)),
    "phones": ("activated_at", "'phone activated: ' || phone", ()),
}
ACCOUNT_SUBJECTS = ("mule_account", "freeze")
"""Alert kinds whose subject is an account number."""


@cache
def rules_in_force() -> Rules:
    """The rules the detectors ran with (``TIANLUO_RULES_FILE`` over the shipped ones)."""
    return load_rules(load_settings().rules_file)


def gate_events(lake: PersonLake) -> list[dict[str, Any]]:
    """The person's passes through the gates of watched sites (``access_events``), in order."""
    return lake.rows(
        "access_events",
        "ts, ts::VARCHAR AS at, site_id, direction",
        optional=("direction",),
        tail="ORDER BY ts",
    )


def timeline(
    lake: PersonLake,
    masker: Masker,
    gates: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Every dated record of the person in the lake, oldest first."""
    events: list[dict[str, Any]] = [
        {
            "at": g["at"],
            "source": "access_events",
            "what": f"gate {g['direction'] or ''} at {g['site_id']}",
        }
        for g in gates
    ]
    events += [
        {
            "at": a["opened_at"],
            "source": "accounts",
            "what": f"account opened: {masker.account(a['account_id'])}",
        }
        for a in accounts
    ]
    for source, (time_column, what, optional) in TIMELINE_SOURCES.items():
        rows = lake.rows(source, f"{time_column}::VARCHAR AS at, {what} AS what", optional=optional)
        events += [{"at": r["at"], "source": source, "what": masker.text(r["what"])} for r in rows]
    return sorted(events, key=lambda e: e["at"] or "")


def _result_row(results: ResultsStore, name: str, column: str, value: str) -> dict[str, Any] | None:
    table = results.table(name)
    if table is None:
        return None
    rows = table.filter(pc.equal(table.column(column), value)).to_pylist()
    return rows[0] if rows else None


def _memberships(results: ResultsStore, person: str, masker: Masker) -> list[dict[str, Any]]:
    table = results.table("organizations")
    if table is None:
        return []
    rows = table.filter(pc.equal(table.column("id_number"), person)).to_pylist()
    return [
        {
            "org_id": m["org_id"],
            "level": m["level"],
            "role": m["role"],
            "downline": m.get("downline"),
            "upline": masker.value(m["upline_id_number"] or ""),
            "upline_ref": masker.ref(m["upline_id_number"]) if m["upline_id_number"] else None,
            "evidence": masker.text(m.get("evidence")),
        }
        for m in rows
    ]


def _alerts(
    session: Session, principal: Principal, subjects: list[str], masker: Masker
) -> list[dict[str, Any]]:
    """Alerts about the person, a phone or an account of theirs, in the user's queue."""
    alerts = session.scalars(
        sa.select(Alert)
        .where(Alert.subject.in_(subjects), Alert.agency_kind == principal.agency_kind.value)
        .order_by(Alert.score.desc(), Alert.id)
    ).all()
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "subject": masker.account(a.subject)
            if a.kind in ACCOUNT_SUBJECTS
            else masker.value(a.subject),
            "score": a.score,
            "status": a.status,
            "created_at": a.created_at,
            "reasons": masker.text(a.reasons),
        }
        for a in alerts
    ]


def _cases(session: Session, principal: Principal, subjects: list[str]) -> list[dict[str, Any]]:
    """Cases holding the person (or a phone, an account or an organisation of theirs) that the
    user's agency sees; ``as`` says which kinds of item name them."""
    rows = session.execute(
        sa.select(Case.id, Case.title, Case.status, Case.updated_at, CaseItem.kind)
        .join(CaseItem, CaseItem.case_id == Case.id)
        .where(CaseItem.value.in_(subjects), Case.id.in_(visible_case_ids(principal)))
        .order_by(Case.id.desc())
    ).all()
    cases: dict[int, dict[str, Any]] = {}
    for case_id, title, status, updated_at, kind in rows:
        entry = cases.setdefault(
            case_id,
            {"id": case_id, "title": title, "status": status, "updated_at": updated_at, "as": []},
        )
        entry["as"].append(kind)
    return list(cases.values())


def profile(
    session: Session,
    results: ResultsStore,
    workspace: Workspace,
    person: str,
    *,
    masker: Masker,
    principal: Principal,
) -> dict[str, Any]:
    """Everything known of one person, masked by ``masker``; alerts and cases as the user sees."""
    rules = rules_in_force()
    residency = rules.residency
    suspect = _result_row(results, "suspects", "id_number", person)
    number = _result_row(results, "fraud_numbers", "phone", person)
    watch = session.scalars(
        sa.select(WatchEntry).where(
            WatchEntry.status == "active",
            sa.or_(WatchEntry.id_number == person, WatchEntry.phone == person),
        )
    ).all()
    rule = person_links.CoresidenceRule(
        rules.suspects.coresidence_radius_m, rules.suspects.min_night_pings
    )
    mates = person_places.den_mates(results, person)
    # The presence and the links need only the person's key: they are read beside the
    # records and what depends on them (each scan of one Parquet file runs on one core).
    with connect() as con, ThreadPoolExecutor(max_workers=2) as pool:
        alone = PersonLake(con.cursor(), workspace, person)
        days_read = pool.submit(presence.presence_days, alone, residency.site_kinds)
        beside = PersonLake(con.cursor(), workspace, person)
        links_read = pool.submit(
            person_links.person_links, beside, results, masker, rule=rule, den_mates=mates
        )
        lake = PersonLake.open(con, workspace, person)
        account_rows = identity.accounts(lake)
        gates = gate_events(lake)
        rentals = person_places.rentals(lake, masker)
        events = timeline(lake, masker, gates, account_rows)
        days = days_read.result()
        links = links_read.result()
        places = {
            "dens": person_places.dens_of(results, person, masker),
            "rentals": rentals,
            "sites": person_places.visited_sites(
                lake,
                person_places.gate_passes(gates),
                presence.sites_near(days, residency.site_kinds, residency.near_site_radius_m),
            ),
        }
        who = identity.identity(lake, masker)
    phones = sorted(set(lake.record_ids("phones")) | set(lake.values("phone")))
    subjects = [person, *phones, *(r["account_id"] for r in account_rows)]
    memberships = _memberships(results, person, masker)
    return {
        "person": masker.value(person),
        "ref": masker.ref(person),
        "unmasked": masker.unmasked,
        "identity": who,
        "accounts": [{**a, "account_id": masker.account(a["account_id"])} for a in account_rows],
        "suspect": None
        if suspect is None
        else {"score": suspect["score"], "reasons": masker.text(suspect["reasons"])},
        "fraud_number": None
        if number is None
        else {"score": number["score"], "reasons": masker.text(number["reasons"])},
        "organizations": memberships,
        "presence": presence.presence_series(
            days, residency.site_kinds, residency.near_site_radius_m
        ),
        "places": places,
        "links": links,
        "alerts": _alerts(session, principal, subjects, masker),
        "cases": _cases(session, principal, [*subjects, *(m["org_id"] for m in memberships)]),
        "watch_lists": [
            {"list_name": w.list_name, "risk": w.risk, "reason": masker.text(w.reason)}
            for w in watch
        ],
        "timeline": events,
    }


def look_up(
    session: Session, context: ServiceContext, principal: Principal, key: str, masker: Masker
) -> dict[str, Any]:
    """A person's profile by identity number, phone or reference; audited, found or not."""
    resolved = context.refs.resolve(key)
    record(
        session,
        Actor.of(principal),
        "person.lookup",
        mask_value(resolved or key),
        detail={"found": resolved is not None, "unmasked": masker.unmasked},
    )
    session.commit()
    if resolved is None:
        raise NotFound("no person with this reference")
    return profile(
        session, context.results, context.workspace, resolved, masker=masker, principal=principal
    )

"""What an alert is about, and where an analyst looks next: the person, the organisation,
the den or the reported transfer behind it, found in the results.

An alert's ``subject`` depends on its kind (``tianluo.detectors``): an identity number
(``pyramid_suspect``, and the organiser for ``pyramid_organization``), a den id, a phone
(``fraud_number``, the payer of a ``victim_warning``) or an account (``mule_account``,
``freeze``). A freeze alert's id names its reported transfer (``freeze:<txn>:<account>``),
a victim warning's names the payment (``victim_warning:<txn>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.auth.principal import Principal
from tianluo.service.db.models import Alert
from tianluo.service.privacy.masking import Masker

PERSON_KINDS = frozenset(
    {"pyramid_suspect", "pyramid_organization", "fraud_number", "victim_warning"}
)
"""Kinds whose subject is a person (an identity number or a phone)."""
MAX_TRACES = 10
"""At most this many reported transfers are listed for one account."""


@dataclass(frozen=True, slots=True)
class Related:
    """Something an alert leads to: ``kind`` is person, organization, trace or den; ``key``
    names it in a URL (a person reference, an org_id, a txn_id, a den_id); ``label`` is
    what the analyst sees (masked as the rest of the answer); ``role`` says how it relates
    (``subject``, ``member``, ``reported_transfer``, ``money_held``, or the person's role
    in the organisation, with its ``level``)."""

    kind: str
    key: str
    label: str
    role: str = ""
    level: int | None = None


def _matching(results: ResultsStore, name: str, column: str, value: str) -> list[dict[str, Any]]:
    """The rows of a result whose ``column`` equals ``value`` (none if the result is absent)."""
    table = results.table(name)
    if table is None or column not in table.column_names:
        return []
    found: list[dict[str, Any]] = table.filter(pc.equal(table[column], value)).to_pylist()
    return found


def _transfer_of(alert: Alert) -> str | None:
    """The transfer an alert's id names (freeze and victim-warning alerts), if any."""
    parts = alert.alert_id.split(":")
    if alert.kind == "freeze" and len(parts) == 3:
        return parts[1]
    if alert.kind == "victim_warning" and len(parts) == 2:
        return parts[1]
    return None


def case_items(alert: Alert, results: ResultsStore) -> list[tuple[str, str]]:
    """What a case made from the alert holds besides the alert and its subject: the
    organisations an organisation alert's organiser leads, as ``("organization", org_id)``."""
    if alert.kind != "pyramid_organization":
        return []
    led = _matching(results, "org_summary", "top_id_number", alert.subject)
    return [("organization", str(o["org_id"])) for o in led]


def related(alert: Alert, results: ResultsStore, masker: Masker) -> list[Related]:
    """Where to look next from ``alert``, most direct first."""
    found: list[Related] = []
    subject = alert.subject
    if alert.kind in PERSON_KINDS:
        role = "organizer" if alert.kind == "pyramid_organization" else "subject"
        found.append(Related("person", masker.ref(subject), masker.value(subject) or "", role))
    if alert.kind in ("pyramid_suspect", "pyramid_organization"):
        led = _matching(results, "org_summary", "top_id_number", subject)
        found += [Related("organization", o["org_id"], o["org_id"], "organizer", 1) for o in led]
        seen = {o["org_id"] for o in led}
        for member in _matching(results, "organizations", "id_number", subject):
            if member["org_id"] not in seen:
                seen.add(member["org_id"])
                org = member["org_id"]
                found.append(Related("organization", org, org, member["role"], member["level"]))
    if alert.kind == "pyramid_den":
        for den in _matching(results, "dens", "den_id", subject):
            where = masker.text(den.get("address")) or ""
            found.append(Related("den", den["den_id"], f"{den['den_id']} {where}".strip()))
            for person in den.get("members") or []:
                label = masker.value(person) or ""
                found.append(Related("person", masker.ref(person), label, "member"))
    transfer = _transfer_of(alert)
    if transfer is not None and _matching(results, "traces", "txn_id", transfer):
        found.append(Related("trace", transfer, transfer, "reported_transfer"))
    if alert.kind in ("mule_account", "freeze"):
        holding = _matching(results, "traces", "account_id", subject)
        txns = sorted({str(r["txn_id"]) for r in holding} - {transfer or ""})[:MAX_TRACES]
        found += [Related("trace", t, t, "money_held") for t in txns]
    return found


def alert_ids_by_subject(session: Session, principal: Principal, kind: str) -> dict[str, int]:
    """The principal's queue's alerts of ``kind`` by subject: ``{subject: alert id}``."""
    rows = session.execute(
        sa.select(Alert.subject, Alert.id).where(
            Alert.kind == kind, Alert.agency_kind == principal.agency_kind.value
        )
    )
    return {str(subject): int(pk) for subject, pk in rows}

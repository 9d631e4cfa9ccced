"""The screening log and the audit log, for the roles that oversee them.

``/screening``: every screening check recorded (time, caller, purpose, masked subject,
answer), filtered and paged, and the watch-list entries with the additions waiting for a
second person's approval (supervisors approve or reject them here). ``/audit``: the
hash-chained audit log, filtered and paged, and the verdict of verifying the chain
(loaded after the page, since it rereads the whole log).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from tianluo.service.audit import verify_chain
from tianluo.service.audit.listing import AuditFilter, action_names, entries_page
from tianluo.service.audit.listing import public as audit_public
from tianluo.service.auth.accounts import list_agencies, user_id_of, usernames
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.service.screening import watchlists
from tianluo.service.screening.log import CheckFilter, checks_page
from tianluo.service.screening.log import public as check_public
from tianluo.web.pages import formats
from tianluo.web.pages.actions import back_to
from tianluo.web.session import page_requires, page_requires_any
from tianluo.web.templating import render

router = APIRouter()
Overseer = Annotated[
    Principal, Depends(page_requires_any(Permission.APPROVE_WATCH, Permission.READ_AUDIT))
]
Approver = Annotated[Principal, Depends(page_requires(Permission.APPROVE_WATCH))]
Auditor = Annotated[Principal, Depends(page_requires(Permission.READ_AUDIT))]
PER_PAGE = 50
Purpose = Literal["", "rental", "gate", "hotel", "flight", "train"]
Risk = Literal["", "none", "low", "medium", "high"]
WatchStatus = Literal["", "pending", "active", "rejected", "removed"]
Name = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_.-]*$")]
When = Annotated[str, Query(max_length=32)]


def _period(since: str, until: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The period asked for, in local dates or times, as UTC bounds."""
    try:
        return formats.parse_local(since), formats.parse_local(until, end_of_day=True)
    except ValueError:
        raise InvalidInput("dates are written 2026-03-06 (or 2026-03-06T08:30)") from None


@router.get("/screening")
def screening_log(
    request: Request,
    *,
    principal: Overseer,
    session: Db,
    masker: MaskerDep,
    purpose: Purpose = "",
    risk: Risk = "",
    caller: Name = "",
    since: When = "",
    until: When = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    watch: WatchStatus = "pending",
) -> Response:
    """The checks, newest first, and the watch-list entries (pending approvals first)."""
    start, end = _period(since, until)
    user_id = user_id_of(session, caller) if caller else None
    if caller and user_id is None:
        checks: list[Any] = []
        more = False
    else:
        filt = CheckFilter(purpose or None, risk or None, user_id, start, end)
        checks, more = checks_page(session, filt, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    entries = watchlists.entries(session, watch or None, None)
    people = {c.user_id for c in checks} | {e.proposed_by for e in entries}
    people |= {e.decided_by for e in entries if e.decided_by}
    names = usernames(session, people)
    agencies = {a.id: a.code for a in list_agencies(session)}
    rows = [
        {
            **check_public(c, masker),
            "caller": names.get(c.user_id, str(c.user_id)),
            "agency": agencies.get(c.agency_id, ""),
        }
        for c in checks
    ]
    watch_rows = [
        {
            **watchlists.public(e, masker),
            "proposer": names.get(e.proposed_by, ""),
            "decider": names.get(e.decided_by or 0, ""),
            "own_proposal": e.proposed_by == principal.user_id,
        }
        for e in entries
    ]
    values = {
        "rows": rows,
        "more": more,
        "page": page,
        "filters": {
            "purpose": purpose,
            "risk": risk,
            "caller": caller,
            "since": since,
            "until": until,
            "watch": watch,
        },
        "watch_rows": watch_rows,
        "can_decide": principal.can(Permission.APPROVE_WATCH),
        "can_unmask": principal.can(Permission.UNMASK) and not masker.unmasked,
    }
    return render(request, "logs_screening.html", values)


@router.post("/screening/watch/{entry_id}/decision")
def decide_watch_entry(
    request: Request,
    entry_id: Annotated[int, Path(ge=1, le=2**31)],
    *,
    principal: Approver,
    session: Db,
    context: Ctx,
    approve: Annotated[bool, Form()],
) -> Response:
    """A second person approves or rejects a proposed watch-list entry."""
    watchlists.decide(session, principal, entry_id, approve=approve)
    context.screening.refresh()
    return back_to(request, "/screening")


@router.get("/audit")
def audit_log(
    request: Request,
    *,
    principal: Auditor,
    session: Db,
    username: Name = "",
    action: Annotated[str, Query(max_length=64, pattern=r"^[a-z_.]*$")] = "",
    outcome: Literal["", "ok", "denied", "failed"] = "",
    since: When = "",
    until: When = "",
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The audit log, newest first, a page at a time; the chain's verdict loads after."""
    start, end = _period(since, until)
    filt = AuditFilter(username or None, action or None, outcome or None, start, end)
    entries, next_before = entries_page(session, filt, before=before, limit=PER_PAGE)
    names = action_names(session)
    families = sorted({n.split(".")[0] + "." for n in names if "." in n})
    values = {
        "rows": [audit_public(e) for e in entries],
        "next_before": next_before,
        "before": before,
        "filters": {
            "username": username,
            "action": action,
            "outcome": outcome,
            "since": since,
            "until": until,
        },
        "actions": families + names,
    }
    return render(request, "logs_audit.html", values)


@router.get("/audit/verify")
def audit_verify(request: Request, *, principal: Auditor, session: Db) -> Response:
    """Recompute the chain end to end: every hash, every link, no gap, and the head."""
    verdict = verify_chain(session)
    return render(request, "logs_verify.html", {"verdict": verdict})

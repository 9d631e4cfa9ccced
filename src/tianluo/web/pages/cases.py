"""Cases: the agency's own and those shared with it; one case with all it holds and its history.

``/cases`` lists and opens cases; ``/cases/<id>`` shows the alerts, persons,
organisations, accounts and phones it holds, its notes (added in place), files, shares,
status, the history of every change and the actions sent for it. Who may read or change
a case is ``service.cases.access``'s rule: another agency without a share gets a 403
page, and the refusal is audited.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request, UploadFile
from starlette.responses import Response

from tianluo.service.actions import workflow
from tianluo.service.actions.public import document
from tianluo.service.auth.accounts import list_agencies, usernames
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases import cases
from tianluo.service.cases.access import writable_case
from tianluo.service.cases.files import MAX_BYTES, store_bytes
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.service.privacy.masking import Masker
from tianluo.web.pages.actions import back_to, gist, province_names
from tianluo.web.session import page_requires
from tianluo.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(page_requires(Permission.READ_CASES))]
Worker = Annotated[Principal, Depends(page_requires(Permission.WORK_CASES))]
CaseId = Annotated[int, Path(ge=1, le=2**31)]
PER_PAGE = 50
Status = Literal["", "open", "closed"]
Kind = Literal["", "pyramid", "fraud", "other"]


@router.get("/cases")
def case_list(
    request: Request,
    *,
    principal: Reader,
    session: Db,
    status: Status = "open",
    kind: Kind = "",
    scope: Literal["all", "own", "shared"] = "all",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The agency's cases and those shared with it, newest first; a form to open one."""
    found = cases.list_cases(session, principal, status or None, kind or None)
    if scope == "own":
        found = [c for c in found if c.agency_id == principal.agency_id]
    elif scope == "shared":
        found = [c for c in found if c.agency_id != principal.agency_id]
    agencies = {a.id: a for a in list_agencies(session)}
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    creators = usernames(session, {c.created_by for c in shown})
    rows = [
        {
            **cases.summary(c),
            "agency": agencies[c.agency_id].code if c.agency_id in agencies else "",
            "own": c.agency_id == principal.agency_id,
            "creator": creators.get(c.created_by, ""),
        }
        for c in shown
    ]
    values = {
        "rows": rows,
        "total": len(found),
        "status": status,
        "kind": kind,
        "scope": scope,
        "page": page,
        "pages": max(1, -(-len(found) // PER_PAGE)),
        "kinds": cases.CASE_KINDS,
        "can_open": principal.can(Permission.WORK_CASES),
    }
    return render(request, "cases_list.html", values)


@router.post("/cases")
def open_case(
    request: Request,
    *,
    principal: Worker,
    session: Db,
    title: Annotated[str, Form(min_length=1, max_length=300)],
    kind: Annotated[Literal["pyramid", "fraud", "other"], Form()] = "other",
    summary: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    if not title.strip():
        raise InvalidInput("a case needs a title", field="title")
    case = cases.open_case(session, principal, title.strip(), summary.strip(), kind)
    return back_to(request, f"/cases/{case.id}")


@router.get("/cases/{case_id}")
def case_page(
    request: Request,
    case_id: CaseId,
    *,
    principal: Reader,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """Everything the case holds; 403 (audited) for an agency it was not shared with."""
    detail = cases.detail(session, principal, case_id, masker)
    values = _case_values(session, principal, detail, masker, province_names(context.results))
    return render(request, "cases_detail.html", values)


def _case_values(
    session: Db,
    principal: Principal,
    detail: dict[str, Any],
    masker: Masker,
    provinces: dict[str, str],
) -> dict[str, Any]:
    agencies = list_agencies(session)
    by_id = {a.id: a for a in agencies}
    owner = by_id.get(detail["agency_id"])
    own = detail["agency_id"] == principal.agency_id
    history = detail["history"]
    people = {h["user_id"] for h in history if h["user_id"]}
    people |= {n["author_id"] for n in detail["notes"]} | {detail["created_by"]}
    names = usernames(session, people)
    items: dict[str, list[dict[str, Any]]] = {}
    for item in detail["items"]:
        shown = (
            {**item, "value": masker.account(item["value"])} if item["kind"] == "account" else item
        )
        items.setdefault(item["kind"], []).append(shown)
    actions = workflow.list_actions(session, principal, "all", None, case_id=detail["id"])
    sent = []
    for action in actions:
        doc = document(session, action, masker)
        doc["gist"] = gist(doc["kind"], doc.pop("body"), provinces)
        sent.append(doc)
    shared = set(detail["shared_with"])
    return {
        "case": detail,
        "owner": owner,
        "own": own,
        "can_work": own and principal.can(Permission.WORK_CASES),
        "items": items,
        "notes": [{**n, "author": names.get(n["author_id"], "")} for n in detail["notes"]],
        "history": [{**h, "username": names.get(h["user_id"] or 0, "")} for h in history],
        "creator": names.get(detail["created_by"], ""),
        "actions": sent,
        "share_to": [a for a in agencies if a.id != detail["agency_id"] and a.code not in shared],
        "item_kinds": cases.ITEM_KINDS,
    }


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request,
    case_id: CaseId,
    *,
    principal: Worker,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    text: Annotated[str, Form(min_length=1, max_length=20_000)],
) -> Response:
    """Add a note; htmx swaps in the case's notes (a plain form comes back to the case)."""
    if not text.strip():
        raise InvalidInput("a note needs some text", field="text")
    case = writable_case(session, principal, case_id)
    cases.add_note(session, principal, case, text.strip())
    if not request.headers.get("hx-request"):
        return back_to(request, f"/cases/{case_id}")
    detail = cases.detail(session, principal, case_id, masker)
    values = _case_values(session, principal, detail, masker, province_names(context.results))
    return render(request, "cases_notes.html", {**values, "oob": True})


@router.post("/cases/{case_id}/items")
def add_item(
    request: Request,
    case_id: CaseId,
    *,
    principal: Worker,
    session: Db,
    kind: Annotated[Literal["alert", "person", "organization", "account", "phone"], Form()],
    value: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    case = writable_case(session, principal, case_id)
    cases.add_item(session, principal, case, kind, value.strip())
    return back_to(request, f"/cases/{case_id}")


@router.post("/cases/{case_id}/files")
async def add_file(
    request: Request,
    case_id: CaseId,
    *,
    principal: Worker,
    session: Db,
    context: Ctx,
    file: UploadFile,
) -> Response:
    """Attach a file (kept once by its SHA-256, as ``POST /api/cases/{id}/files`` does)."""
    case = writable_case(session, principal, case_id)
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"a file may hold at most {MAX_BYTES} bytes", field="file")
    if not content:
        raise InvalidInput("choose a file to attach", field="file")
    digest = store_bytes(FilePath(context.files_dir), content)
    cases.add_file(
        session,
        principal,
        case,
        name=file.filename or "file",
        content_type=file.content_type or "application/octet-stream",
        size=len(content),
        sha256=digest,
    )
    return back_to(request, f"/cases/{case_id}")


@router.post("/cases/{case_id}/shares")
def share_case(
    request: Request,
    case_id: CaseId,
    *,
    principal: Worker,
    session: Db,
    agency: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    case = writable_case(session, principal, case_id)
    cases.share(session, principal, case, agency)
    return back_to(request, f"/cases/{case_id}")


@router.post("/cases/{case_id}/status")
def set_status(
    request: Request,
    case_id: CaseId,
    *,
    principal: Worker,
    session: Db,
    status: Annotated[Literal["open", "closed"], Form()],
) -> Response:
    case = writable_case(session, principal, case_id)
    cases.set_status(session, principal, case, status)
    return back_to(request, f"/cases/{case_id}")

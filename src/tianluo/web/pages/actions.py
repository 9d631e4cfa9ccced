"""Actions: what the agency sent and received, each with its clock; one action as a document.

``/actions`` lists them (created, sent, acknowledged, frozen or refused, time to freeze)
and lets an analyst write a notice to a home province (流出地通报) or a number block
request; ``/actions/<id>`` is the document, printable, with its history, the sender's
"send" and the recipient's answer. Everything goes through ``service.actions``, with the
same checks, masking and audit records as ``/api/actions``.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from tianluo.service.actions import documents, workflow
from tianluo.service.actions.kinds import KINDS, ActionKind
from tianluo.service.actions.public import document, read
from tianluo.service.actions.recipients import recipients
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.auth.accounts import usernames
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases.access import writable_case
from tianluo.service.deps import Ctx, Db, MaskerDep
from tianluo.service.errors import InvalidInput
from tianluo.service.history import changes_of
from tianluo.web.pages import formats  # noqa: F401  (registers the filters the templates use)
from tianluo.web.session import page_requires, page_requires_any
from tianluo.web.templating import render

router = APIRouter()
Worker = Annotated[
    Principal, Depends(page_requires_any(Permission.SEND_ACTIONS, Permission.ANSWER_ACTIONS))
]
Sender = Annotated[Principal, Depends(page_requires(Permission.SEND_ACTIONS))]
Answerer = Annotated[Principal, Depends(page_requires(Permission.ANSWER_ACTIONS))]
PER_PAGE = 50
Status = Literal["", "created", "sent", "acknowledged", "frozen", "blocked", "done", "refused"]
Kind = Literal["", "freeze_request", "block_request", "home_notice", "rental_warning"]
STATUSES = get_args(Status)[1:]
KIND_NAMES = get_args(Kind)[1:]
PHONE_LIST = r"^[\d\s,;，；]*$"


@router.get("/actions")
def action_list(
    request: Request,
    *,
    principal: Worker,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
    direction: Literal["all", "sent", "received"] = "all",
    status: Status = "",
    kind: Kind = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Sent and received actions with their clocks, newest first, a page at a time."""
    found = workflow.list_actions(session, principal, direction, status or None, kind=kind or None)
    counts = Counter(a.status for a in found)
    names = province_names(context.results)
    rows = []
    for action in found[(page - 1) * PER_PAGE : page * PER_PAGE]:
        doc = document(session, action, masker)
        doc["direction"] = "sent" if action.from_agency_id == principal.agency_id else "received"
        doc["gist"] = gist(doc["kind"], doc.pop("body"), names)
        rows.append(doc)
    values: dict[str, Any] = {
        "rows": rows,
        "counts": counts,
        "total": len(found),
        "direction": direction,
        "status": status,
        "kind": kind,
        "page": page,
        "pages": max(1, -(-len(found) // PER_PAGE)),
        "statuses": STATUSES,
        "kinds": KIND_NAMES,
        "can_send": principal.can(Permission.SEND_ACTIONS),
    }
    if principal.can(Permission.SEND_ACTIONS):
        values.update(_new_action_choices(session, principal, context))
    return render(request, "actions_list.html", values)


def province_names(results: ResultsStore) -> dict[str, str]:
    """Province names by code, as the participants' statistics label them."""
    rows = results.rows("participant_stats")
    return {str(r["key"]): str(r["label"]) for r in rows if r["dimension"] == "origin_province"}


def gist(kind: str, body: dict[str, Any], provinces: dict[str, str]) -> dict[str, Any]:
    """What an action is about, in a few figures, for a list (no identifiers)."""
    if kind == ActionKind.FREEZE_REQUEST:
        accounts = body.get("accounts") or []
        return {
            "txn_id": body.get("txn_id"),
            "count": len(accounts),
            "amount": body.get("total_amount"),
        }
    if kind == ActionKind.BLOCK_REQUEST:
        return {"count": len(body.get("numbers") or [])}
    if kind == ActionKind.HOME_NOTICE:
        code = str(body.get("province") or "")
        return {"province": provinces.get(code, code), "count": len(body.get("persons") or [])}
    return {"count": 1}


def _new_action_choices(session: Db, principal: Principal, context: Ctx) -> dict[str, Any]:
    """What the forms for a new notice or block request offer: provinces, recipients."""
    origin = Counter(
        str(r["id_number"])[:2]
        for r in context.results.rows("suspects")
        if r.get("id_number") and float(r["score"]) >= 0.5
    )
    names = province_names(context.results)
    home = [
        {"code": code, "name": names.get(code, code), "persons": n}
        for code, n in sorted(origin.items(), key=lambda kv: -kv[1])
    ]
    return {
        "provinces": home,
        "notice_to": recipients(session, ActionKind.HOME_NOTICE, principal.agency_id),
        "block_to": recipients(session, ActionKind.BLOCK_REQUEST, principal.agency_id),
    }


@router.post("/actions")
def create_action(
    request: Request,
    *,
    principal: Sender,
    session: Db,
    context: Ctx,
    kind: Annotated[str, Form(pattern="^(home_notice|block_request)$")],
    to_agency: Annotated[str, Form(min_length=1, max_length=64)],
    province: Annotated[str, Form(pattern=r"^(\d{2})?$")] = "",
    min_score: Annotated[float, Form(ge=0, le=1)] = 0.5,
    phones: Annotated[str, Form(max_length=5000, pattern=PHONE_LIST)] = "",
    case_id: Annotated[str, Form(pattern=r"^\d{0,12}$")] = "",
) -> Response:
    """A notice to a home province or a block request, created as a draft to read and send."""
    action_kind = ActionKind(kind)
    if action_kind is ActionKind.HOME_NOTICE:
        if not province:
            raise InvalidInput("choose the province to notify", field="province")
        body = documents.home_notice_body(context.results, context.workspace, province, min_score)
    else:
        numbers = [p for p in _split(phones) if p]
        bad = [p for p in numbers if len(p) != 11 or not p.startswith("1")]
        if not numbers or bad:
            raise InvalidInput("give 11-digit mobile numbers, one or more", field="phones")
        body = documents.block_body(context.results, numbers)
    case = writable_case(session, principal, int(case_id)) if case_id else None
    action = workflow.create(
        session,
        principal,
        kind=action_kind,
        to_agency=to_agency,
        body=body,
        case_id=case.id if case else None,
    )
    return back_to(request, f"/actions/{action.id}")


def _split(text: str) -> list[str]:
    for separator in ",;，；\n\r\t":
        text = text.replace(separator, " ")
    return text.split()


def back_to(request: Request, target: str) -> Response:
    """After a form: the page to show (htmx follows ``HX-Redirect``, a browser the 303)."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/actions/{action_id}")
def action_page(
    request: Request,
    *,
    action_id: Annotated[int, Path(ge=1, le=2**31)],
    principal: Worker,
    session: Db,
    context: Ctx,
    masker: MaskerDep,
) -> Response:
    """The document (the recipient reads it in full), its history, and what may be done."""
    doc = read(session, principal, action_id, masker)
    history = changes_of(session, "action", action_id)
    names = usernames(session, {h["user_id"] for h in history if h["user_id"]})
    sender = doc["from_agency"] == principal.agency_code
    recipient = doc["to_agency"] == principal.agency_code
    outcomes = sorted(KINDS[ActionKind(doc["kind"])].outcomes)
    values = {
        "doc": doc,
        "body": doc["body"],
        "history": [{**h, "username": names.get(h["user_id"] or 0, "")} for h in history],
        "can_send": sender
        and doc["status"] == "created"
        and principal.can(Permission.SEND_ACTIONS),
        "can_answer": recipient
        and doc["status"] in ("sent", "acknowledged")
        and principal.can(Permission.ANSWER_ACTIONS),
        "answers": (["acknowledged"] if doc["status"] == "sent" else []) + outcomes,
        "province_name": province_names(context.results).get(str(doc["body"].get("province"))),
        "masked": not (masker.unmasked or (recipient and principal.can(Permission.ANSWER_ACTIONS))),
    }
    return render(request, "actions_detail.html", values)


@router.post("/actions/{action_id}/send")
def send_action(
    request: Request,
    *,
    action_id: Annotated[int, Path(ge=1, le=2**31)],
    principal: Sender,
    session: Db,
) -> Response:
    """Send a draft: the recipient sees it from now on, and its clock starts."""
    workflow.send(session, principal, workflow.visible(session, principal, action_id))
    return back_to(request, f"/actions/{action_id}")


@router.post("/actions/send")
def send_actions(
    request: Request,
    *,
    principal: Sender,
    session: Db,
    masker: MaskerDep,
    action_id: Annotated[list[int], Form()],
) -> Response:
    """Send the drafts among ``action_id`` (the freeze requests just created) at once."""
    sent = []
    for number in action_id:
        action = workflow.visible(session, principal, number)
        if action.status == "created":
            action = workflow.send(session, principal, action)
        sent.append(document(session, action, masker))
    return render(request, "actions_batch.html", {"actions": sent, "just_created": False})


@router.post("/actions/{action_id}/answer")
def answer_action(
    request: Request,
    *,
    action_id: Annotated[int, Path(ge=1, le=2**31)],
    principal: Answerer,
    session: Db,
    status: Annotated[str, Form(min_length=1, max_length=16)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The recipient's answer: acknowledged, then frozen / blocked / done, or refused (why)."""
    action = workflow.visible(session, principal, action_id)
    workflow.answer(session, principal, action, status, note.strip())
    return back_to(request, f"/actions/{action_id}")

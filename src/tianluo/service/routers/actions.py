"""Actions to other agencies: create, send, read (JSON or printable), answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from tianluo.service.actions import documents, workflow
from tianluo.service.actions.kinds import ActionKind
from tianluo.service.actions.public import document, masker_for, printable, read
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases.access import writable_case
from tianluo.service.deps import Ctx, CurrentUser, Db, MaskerDep, require
from tianluo.service.errors import InvalidInput
from tianluo.service.privacy.masking import Masker
from tianluo.service.routers.screening import ID_NUMBER

router = APIRouter(prefix="/api/actions", tags=["actions"])
Sender = Annotated[Principal, Depends(require(Permission.SEND_ACTIONS))]
Answerer = Annotated[Principal, Depends(require(Permission.ANSWER_ACTIONS))]


class ActionIn(BaseModel):
    kind: ActionKind
    to_agency: str = Field(min_length=1, max_length=64)
    case_id: int | None = None
    txn_id: str | None = Field(default=None, max_length=100)  # freeze_request
    account_ids: list[str] | None = None  # freeze_request: a subset of the trace
    phones: list[Annotated[str, Field(pattern=r"^1\d{10}$")]] | None = None  # block_request
    province: str | None = Field(default=None, pattern=r"^\d{2}$")  # home_notice
    min_score: float = Field(default=0.5, ge=0, le=1)  # home_notice
    id_number: str | None = Field(default=None, pattern=ID_NUMBER)  # rental_warning
    address: str | None = Field(default=None, max_length=300)  # rental_warning
    reason: str | None = Field(default=None, max_length=2000)  # rental_warning


class AnswerIn(BaseModel):
    status: str = Field(min_length=1, max_length=16)
    note: str = Field(default="", max_length=2000)


def _required(value: Any, field: str, kind: str) -> Any:
    if not value:
        raise InvalidInput(f"a {kind} needs {field}", field=field)
    return value


def _body(body: ActionIn, context: Ctx) -> dict[str, Any]:
    kind = body.kind
    if kind is ActionKind.FREEZE_REQUEST:
        return documents.freeze_body(
            context.results,
            _required(body.txn_id, "txn_id", kind),
            body.account_ids,
            context.workspace,
        )
    if kind is ActionKind.BLOCK_REQUEST:
        return documents.block_body(context.results, _required(body.phones, "phones", kind))
    if kind is ActionKind.HOME_NOTICE:
        province = _required(body.province, "province", kind)
        return documents.home_notice_body(
            context.results, context.workspace, province, body.min_score
        )
    return documents.rental_body(
        _required(body.id_number, "id_number", kind),
        _required(body.address, "address", kind),
        _required(body.reason, "reason", kind),
    )


@router.post("", status_code=201)
def create_action(
    body: ActionIn, principal: Sender, session: Db, context: Ctx, masker: MaskerDep
) -> dict[str, Any]:
    if body.case_id is not None:
        writable_case(session, principal, body.case_id)
    action = workflow.create(
        session,
        principal,
        kind=body.kind,
        to_agency=body.to_agency,
        body=_body(body, context),
        case_id=body.case_id,
    )
    return document(session, action, masker)


@router.get("")
def list_actions(
    principal: CurrentUser,
    session: Db,
    masker: MaskerDep,
    direction: Literal["sent", "received", "all"] = "all",
    status: str | None = None,
) -> list[dict[str, Any]]:
    actions = workflow.list_actions(session, principal, direction, status)
    return [document(session, a, masker_for(principal, a, masker)) for a in actions]


@router.get("/{action_id}")
def read_action(
    action_id: int, principal: CurrentUser, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    return read(session, principal, action_id, masker)


@router.get("/{action_id}/document.html", response_class=HTMLResponse)
def print_action(
    action_id: int, principal: CurrentUser, session: Db, masker: MaskerDep
) -> HTMLResponse:
    return HTMLResponse(printable(read(session, principal, action_id, masker)))


@router.post("/{action_id}/send")
def send_action(
    action_id: int, principal: Sender, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    action = workflow.send(session, principal, workflow.visible(session, principal, action_id))
    return document(session, action, masker)


@router.post("/{action_id}/answer")
def answer_action(
    action_id: int, body: AnswerIn, principal: Answerer, session: Db
) -> dict[str, Any]:
    """The recipient records its answer: acknowledged, then frozen / blocked / done, or refused."""
    action = workflow.visible(session, principal, action_id)
    action = workflow.answer(session, principal, action, body.status, body.note)
    return document(session, action, Masker("", unmasked=True))

"""``POST /api/screen``, and watch lists with two-person approval."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.context import ServiceContext
from tianluo.service.deps import Ctx, Db, MaskerDep, authenticate, check_permission, require
from tianluo.service.errors import NotRecorded
from tianluo.service.screening import watchlists
from tianluo.service.screening.screen import Purpose, Query, check_row, screen

router = APIRouter(tags=["screening"])
SCREEN_PATH = "/api/screen"
Proposer = Annotated[Principal, Depends(require(Permission.PROPOSE_WATCH))]
Approver = Annotated[Principal, Depends(require(Permission.APPROVE_WATCH))]

ID_NUMBER = r"^\d{17}[\dX]$"
PHONE_NOISE = re.compile(r"^\+?86|[\s-]")


class Identifiers(BaseModel):
    id_number: str | None = Field(default=None, pattern=ID_NUMBER)
    phone: str | None = Field(default=None, pattern=r"^1\d{10}$")
    name: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("id_number", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("phone", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        return PHONE_NOISE.sub("", value.strip()) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_at_least(self) -> Identifiers:
        if not (self.id_number or self.phone or self.name):
            raise ValueError("give at least one of id_number, phone, name")
        return self


class ScreenIn(Identifiers):
    purpose: Literal["rental", "gate", "hotel", "flight", "train"]  # screening.screen.Purpose


class WatchIn(Identifiers):
    list_name: str = Field(min_length=1, max_length=64)
    risk: Literal["high", "medium", "low"]
    reason: str = Field(min_length=3, max_length=2000)


class DecisionIn(BaseModel):
    approve: bool


class RemovalIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


SCREEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ScreenIn.model_json_schema()}},
    }
}


@router.post(SCREEN_PATH, openapi_extra=SCREEN_BODY, response_class=Response)
async def screen_person(request: Request) -> Response:
    """Is the person on a watch list or a suspect? Risk and reason; the check is kept.

    The route under load. `create_app` serves it from a bare Starlette route ahead of
    every router (this one only documents it): FastAPI's dependency solving and its
    routers' matching cost more than the check. So it parses and authenticates by hand;
    errors still leave through the app's handlers as JSON naming the field.
    """
    context: ServiceContext = request.app.state.context
    principal = await authenticate(request, context)
    await check_permission(request, context, principal, Permission.SCREEN)
    try:
        body = ScreenIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    query = Query(Purpose(body.purpose), body.id_number, body.phone, body.name)
    answer = screen(context.screening.snapshot, query)
    try:
        await context.recorder.record(check_row(query, answer, principal))
    except RuntimeError as exc:
        raise NotRecorded("the check could not be recorded; no answer is given") from exc
    hits = [
        {"source": h.source, "matched_on": h.matched_on, "risk": h.risk, "score": h.score}
        for h in answer.hits
    ]
    result = {
        "check_id": answer.check_id,
        "risk": answer.risk,
        "reason": answer.reason,
        "hits": hits,
    }
    return Response(orjson.dumps(result), media_type="application/json")


@router.get("/api/watchlists/entries")
def list_entries(
    _: Proposer,
    session: Db,
    masker: MaskerDep,
    status: str | None = None,
    list_name: str | None = None,
) -> list[dict[str, Any]]:
    return [watchlists.public(e, masker) for e in watchlists.entries(session, status, list_name)]


@router.post("/api/watchlists/entries", status_code=201)
def propose_entry(
    body: WatchIn, principal: Proposer, session: Db, masker: MaskerDep
) -> dict[str, Any]:
    """Propose an addition; it takes effect once a second person approves it."""
    entry = watchlists.propose(
        session,
        principal,
        list_name=body.list_name,
        risk=body.risk,
        reason=body.reason,
        id_number=body.id_number,
        phone=body.phone,
        name=body.name,
    )
    return watchlists.public(entry, masker)


@router.post("/api/watchlists/entries/{entry_id}/decision")
def decide_entry(
    entry_id: int,
    body: DecisionIn,
    principal: Approver,
    session: Db,
    masker: MaskerDep,
    context: Ctx,
) -> dict[str, Any]:
    entry = watchlists.decide(session, principal, entry_id, approve=body.approve)
    context.screening.refresh()
    return watchlists.public(entry, masker)


@router.post("/api/watchlists/entries/{entry_id}/removal")
def remove_entry(
    entry_id: int,
    body: RemovalIn,
    principal: Approver,
    session: Db,
    masker: MaskerDep,
    context: Ctx,
) -> dict[str, Any]:
    entry = watchlists.remove(session, principal, entry_id, body.reason)
    context.screening.refresh()
    return watchlists.public(entry, masker)

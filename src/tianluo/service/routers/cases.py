"""Cases: open, list, read; add items, notes and files; share; close. Shared cases are read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from tianluo.service.audit import record
from tianluo.service.auth.principal import Principal
from tianluo.service.auth.roles import Permission
from tianluo.service.cases import cases
from tianluo.service.cases.access import readable_case, writable_case
from tianluo.service.cases.files import MAX_BYTES, store_bytes, stored_path
from tianluo.service.db.models import CaseFile
from tianluo.service.deps import Ctx, Db, MaskerDep, actor_of, require
from tianluo.service.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.READ_CASES))]
Worker = Annotated[Principal, Depends(require(Permission.WORK_CASES))]


class CaseIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=20_000)
    kind: str = Field(default="other", pattern="^(pyramid|fraud|other)$")


class ItemIn(BaseModel):
    kind: str = Field(pattern="^(alert|person|organization|account|phone)$")
    value: str = Field(min_length=1, max_length=200)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)


class ShareIn(BaseModel):
    agency: str = Field(min_length=1, max_length=64)


class StatusIn(BaseModel):
    status: str = Field(pattern="^(open|closed)$")


@router.get("")
def list_cases(principal: Reader, session: Db, status: str | None = None) -> list[dict[str, Any]]:
    """Your agency's cases and those other agencies shared with it."""
    return [cases.summary(c) for c in cases.list_cases(session, principal, status)]


@router.post("", status_code=201)
def open_case(body: CaseIn, principal: Worker, session: Db) -> dict[str, Any]:
    return cases.summary(cases.open_case(session, principal, body.title, body.summary, body.kind))


@router.get("/{case_id}")
def read_case(case_id: int, principal: Reader, session: Db, masker: MaskerDep) -> dict[str, Any]:
    return cases.detail(session, principal, case_id, masker)


@router.post("/{case_id}/items", status_code=201)
def add_item(case_id: int, body: ItemIn, principal: Worker, session: Db) -> dict[str, Any]:
    case = writable_case(session, principal, case_id)
    item = cases.add_item(session, principal, case, body.kind, body.value)
    return {"id": item.id, "kind": item.kind}


@router.post("/{case_id}/notes", status_code=201)
def add_note(case_id: int, body: NoteIn, principal: Worker, session: Db) -> dict[str, Any]:
    case = writable_case(session, principal, case_id)
    note = cases.add_note(session, principal, case, body.text)
    return {"id": note.id, "at": note.at}


@router.post("/{case_id}/files", status_code=201)
async def add_file(
    case_id: int, file: UploadFile, principal: Worker, session: Db, context: Ctx
) -> dict[str, Any]:
    case = writable_case(session, principal, case_id)
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"a file may hold at most {MAX_BYTES} bytes", field="file")
    digest = store_bytes(Path(context.files_dir), content)
    stored = cases.add_file(
        session,
        principal,
        case,
        name=file.filename or "file",
        content_type=file.content_type or "application/octet-stream",
        size=len(content),
        sha256=digest,
    )
    return {"id": stored.id, "sha256": digest, "size": stored.size}


@router.get("/{case_id}/files/{file_id}")
def read_file(
    case_id: int, file_id: int, principal: Reader, session: Db, context: Ctx
) -> FileResponse:
    readable_case(session, principal, case_id)
    stored = session.scalar(
        sa.select(CaseFile).where(CaseFile.id == file_id, CaseFile.case_id == case_id)
    )
    if stored is None:
        raise NotFound(f"no file {file_id} in case {case_id}")
    record(
        session,
        actor_of(principal),
        "case.export_file",
        f"case:{case_id}",
        detail={"file_id": file_id},
    )
    session.commit()
    path = stored_path(Path(context.files_dir), stored.sha256)
    return FileResponse(path, media_type=stored.content_type, filename=stored.name)


@router.post("/{case_id}/shares", status_code=201)
def share_case(case_id: int, body: ShareIn, principal: Worker, session: Db) -> dict[str, Any]:
    case = writable_case(session, principal, case_id)
    cases.share(session, principal, case, body.agency)
    return {"case_id": case.id, "shared_with": body.agency}


@router.post("/{case_id}/status")
def set_status(case_id: int, body: StatusIn, principal: Worker, session: Db) -> dict[str, Any]:
    case = writable_case(session, principal, case_id)
    return cases.summary(cases.set_status(session, principal, case, body.status))

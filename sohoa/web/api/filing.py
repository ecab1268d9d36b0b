"""Filing: which register entry a dossier belongs to — the proposals with why, and a person's
decisions, through the same functions and the same gate as the desk (``indexer.registers.filing``,
``indexer.registers.gate``).

* ``GET /documents/{id}/filing`` — what was looked for, the proposals best first (state, score,
  reasons), whether a new entry may be made, the fields still to confirm, until when a filing can
  be taken back.
* ``POST …/filing/confirm`` ``{"entry_id"}`` · ``…/filing/reject`` ``{"entry_id"}`` ·
  ``…/filing/create`` (a new entry from the confirmed fields, in the open book) · ``…/filing/undo``
  (the same day only). Clerks and admins, as on the desk.

Guarantees: nothing enters the register while a field of the dossier's register pages is
unconfirmed — the filing functions refuse it whoever asks; the API says so as
``fields_unconfirmed`` with the fields' list. Every decision is audited by those functions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, Field

from indexer.accounts import Role
from indexer.apitokens import Principal
from indexer.registers import filing as reg_filing
from indexer.registers.gate import fields_to_confirm
from indexer.registers.model import RegisterError
from sohoa.web.api.auth import Caller, require
from sohoa.web.api.common import MAX_ID, DocId, app_of, utc
from sohoa.web.api.errors import ApiError, Code, responses

router = APIRouter(tags=["Vào sổ"])
FILERS = require(Role.CLERK, Role.ADMIN)
Filer = Annotated[Principal, Depends(FILERS)]


class ProposalOut(BaseModel):
    entry_id: int
    book_key: str
    so: str | None
    name: str
    birth: str
    registration_date: str
    state: str = Field(description="proposed | linked | rejected")
    score: float
    rank: int
    reasons: list[str]
    decided_by: str | None
    entry_status: str


class ToConfirm(BaseModel):
    page_no: int
    field_id: str
    label: str


class FilingOut(BaseModel):
    document_id: int
    book_type: str | None
    looked_for: str
    proposals: list[ProposalOut]
    linked_entry_id: int | None
    can_create: bool
    to_confirm: list[ToConfirm]
    undo_until: datetime | None


class EntryChoice(BaseModel):
    entry_id: int = Field(ge=1, le=MAX_ID)


class Decision(BaseModel):
    message: str
    filing: FilingOut


def _filing(app: Any, doc_id: int) -> FilingOut:
    try:
        f = reg_filing.document_filing(app.db, doc_id)
    except RegisterError as e:
        raise ApiError(Code.NOT_FOUND, e.message) from None
    return FilingOut(
        document_id=f.document_id,
        book_type=f.book_type,
        looked_for=f.looked_for,
        proposals=[
            ProposalOut(
                entry_id=pr.entry_id,
                book_key=pr.book_key,
                so=pr.so,
                name=pr.name,
                birth=pr.birth,
                registration_date=pr.registration_date,
                state=pr.state,
                score=pr.score,
                rank=pr.rank,
                reasons=[str(r) for r in pr.reasons],
                decided_by=pr.decided_by,
                entry_status=pr.status,
            )
            for pr in f.proposals
        ],
        linked_entry_id=f.linked.entry_id if f.linked else None,
        can_create=f.can_create,
        to_confirm=[ToConfirm(page_no=t.page_no, field_id=t.field_id, label=t.label) for t in f.to_confirm],
        undo_until=utc(f.undo_until),
    )


@router.get(
    "/documents/{doc_id}/filing",
    response_model=FilingOut,
    responses=responses(Code.NOT_FOUND),
    summary="Đề xuất vào sổ của hồ sơ",
)
def get_filing(request: Request, doc_id: DocId, p: Caller) -> FilingOut:
    return _filing(app_of(request), doc_id)


def _decide(request: Request, doc_id: int, done: str, fn: Callable[[], object], *, gated: bool) -> Decision:
    app = app_of(request)
    current = _filing(app, doc_id)  # 404 for a document that is not there
    try:
        said = fn()
    except reg_filing.NoOpenBook as e:
        raise ApiError(Code.NO_OPEN_BOOK, e.for_desk) from None
    except RegisterError as e:
        if gated and current.to_confirm:
            with app.db.read() as s:
                left = fields_to_confirm(s, doc_id)
            if left:
                details = [{"page_no": f.page_no, "field_id": f.field_id, "label": f.label} for f in left]
                raise ApiError(Code.FIELDS_UNCONFIRMED, e.message, details=details) from None
        raise ApiError(Code.REGISTER_REFUSED, e.message) from None
    return Decision(message=said if isinstance(said, str) else done, filing=_filing(app, doc_id))


REFUSALS = responses(Code.NOT_FOUND, Code.FORBIDDEN, Code.REGISTER_REFUSED)


@router.post(
    "/documents/{doc_id}/filing/confirm", response_model=Decision, responses=REFUSALS, summary="Đúng mục này: vào sổ"
)
def post_confirm(request: Request, doc_id: DocId, p: Filer, choice: Annotated[EntryChoice, Body()]) -> Decision:
    db = app_of(request).db
    return _decide(
        request,
        doc_id,
        "Đã vào sổ: hồ sơ gắn với mục đã chọn.",
        lambda: reg_filing.confirm(db, doc_id, choice.entry_id, actor=p.username),
        gated=True,
    )


@router.post(
    "/documents/{doc_id}/filing/reject", response_model=Decision, responses=REFUSALS, summary="Không phải mục này"
)
def post_reject(request: Request, doc_id: DocId, p: Filer, choice: Annotated[EntryChoice, Body()]) -> Decision:
    db = app_of(request).db
    return _decide(
        request,
        doc_id,
        "Đã bỏ đề xuất này.",
        lambda: reg_filing.reject(db, doc_id, choice.entry_id, actor=p.username),
        gated=False,
    )


@router.post(
    "/documents/{doc_id}/filing/create",
    response_model=Decision,
    responses=responses(Code.NOT_FOUND, Code.FORBIDDEN, Code.REGISTER_REFUSED),
    summary="Lập mục mới trong sổ từ các trường đã xác nhận",
)
def post_create(request: Request, doc_id: DocId, p: Filer) -> Decision:
    db = app_of(request).db
    return _decide(
        request,
        doc_id,
        "Đã lập mục mới trong sổ từ các trường đã xác nhận.",
        lambda: reg_filing.create_from_document(db, doc_id, actor=p.username),
        gated=True,
    )


@router.post(
    "/documents/{doc_id}/filing/undo", response_model=Decision, responses=REFUSALS, summary="Hủy vào sổ (trong ngày)"
)
def post_undo(request: Request, doc_id: DocId, p: Filer) -> Decision:
    desk = request.app.state.desk
    return _decide(
        request,
        doc_id,
        "Đã hủy vào sổ.",
        lambda: reg_filing.undo(desk.app.db, doc_id, actor=p.username, tz=desk.tz),
        gated=False,
    )

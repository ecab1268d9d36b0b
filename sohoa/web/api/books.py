"""Register books and their entries (sổ hộ tịch), read; entries corrected and verified by the same
rule as the desk's verification page (``indexer.registers.checking``).

* ``GET /books`` (``type``, ``year``) · ``GET /books/{id}`` — books with their counts.
* ``GET /books/{id}/entries`` (``status``, ``offset``, ``limit``) — entries in number order.
* ``GET /entries/{id}`` — an entry: every column under the national vocabulary (``data``), its
  history (created, corrected old → new with why, verified), the dossiers filed to it.
* ``PATCH /entries/{id}`` ``{"changes": {"nksHoTen": "…"}, "reason": "…", "verify": true}`` —
  archivists and admins, as on the desk: each change goes to the entry's history and the audit trail.

A new entry is made only by filing a dossier (``POST /documents/{id}/filing/create``) or by
digitising a book on the desk — never typed in from outside.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from indexer.accounts import Role
from indexer.apitokens import Principal
from indexer.registers.books import BookSummary, find_book, list_books
from indexer.registers.checking import check_entry
from indexer.registers.entries import book_entries, get_entry
from indexer.registers.model import RegisterError
from indexer.registers.vocabulary import BOOK_TYPES
from sohoa.web.api.auth import Caller, require
from sohoa.web.api.common import BookId, EntryId, app_of, iso_date, utc
from sohoa.web.api.errors import ApiError, Code, responses

router = APIRouter(tags=["Sổ hộ tịch"])
VERIFIERS = require(Role.ARCHIVIST, Role.ADMIN)
MAX_LIMIT = 500


class BookOut(BaseModel):
    id: int
    key: str
    book_type: str
    type_label: str
    year: int
    volume: str
    layout: str
    title: str
    commune: str
    opened_on: date | None
    closed_on: date | None
    pages: int | None = None
    entries: int | None = None
    verified: int | None = None


class EntryRow(BaseModel):
    id: int
    so: str | None
    page_no: int | None
    registration_date: str | None
    name: str
    birth_date: str | None
    status: str
    origin: str


class EntryList(BaseModel):
    book_id: int
    total: int
    offset: int
    entries: list[EntryRow]


class ChangeOut(BaseModel):
    at: datetime | None
    actor: str
    kind: str
    field: str
    old: str | None
    new: str | None
    reason: str


class FiledDocument(BaseModel):
    document_id: int
    state: str


class EntryOut(BaseModel):
    id: int
    book_id: int
    book_key: str
    book_type: str
    commune: str
    so: str | None
    page_no: int | None
    registration_date: str | None
    name: str
    birth_date: str | None
    data: dict[str, str]
    notes: str
    status: str
    origin: str
    created_by: str
    verified_by: str | None
    history: list[ChangeOut]
    documents: list[FiledDocument]


class EntryCheck(BaseModel):
    changes: dict[str, str] = Field(default_factory=dict, description="cột → giá trị mới (khóa theo từ vựng quốc gia)")
    reason: str = Field("", max_length=500, description="lý do sửa; bắt buộc khi xác nhận mục còn thiếu cột bắt buộc")
    verify: bool = Field(True, description="đánh dấu đã đối chiếu với sổ gốc")


class EntryChecked(BaseModel):
    changed: list[str]
    verified_now: bool
    missing: list[str]
    entry: EntryOut


def _book_out(b: Any, s: BookSummary | None = None) -> BookOut:
    return BookOut(
        id=b.id,
        key=b.key,
        book_type=b.book_type,
        type_label=b.type.label,
        year=b.year,
        volume=b.volume,
        layout=b.layout,
        title=b.title,
        commune=b.commune.name,
        opened_on=b.opened_on,
        closed_on=b.closed_on,
        pages=s.pages if s else None,
        entries=s.entries if s else None,
        verified=s.verified if s else None,
    )


@router.get("/books", response_model=list[BookOut], responses=responses(), summary="Các sổ hộ tịch")
def get_books(
    request: Request,
    p: Caller,
    type: Annotated[str | None, Query(max_length=40, description="loại sổ, ví dụ khai_sinh")] = None,
    year: Annotated[int | None, Query(ge=1800, le=2200)] = None,
) -> list[BookOut]:
    if type and type not in BOOK_TYPES:
        raise ApiError(Code.INVALID_REQUEST, f"Không có loại sổ «{type}». Các loại: {', '.join(BOOK_TYPES)}.")
    return [_book_out(s.book, s) for s in list_books(app_of(request).db, book_type_id=type or None, year=year)]


def _find(request: Request, book_id: int) -> Any:
    try:
        return find_book(app_of(request).db, book_id)
    except RegisterError as e:
        raise ApiError(Code.NOT_FOUND, e.message) from None


@router.get("/books/{book_id}", response_model=BookOut, responses=responses(Code.NOT_FOUND), summary="Một sổ")
def get_book(request: Request, book_id: BookId, p: Caller) -> BookOut:
    b = _find(request, book_id)
    summary = next(
        (s for s in list_books(app_of(request).db, book_type_id=b.book_type, year=b.year) if s.book.id == b.id), None
    )
    return _book_out(b, summary)


@router.get(
    "/books/{book_id}/entries",
    response_model=EntryList,
    responses=responses(Code.NOT_FOUND),
    summary="Các mục của một sổ",
)
def get_book_entries(
    request: Request,
    book_id: BookId,
    p: Caller,
    status: Annotated[str | None, Query(pattern="^(verified|unverified)$")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> EntryList:
    _find(request, book_id)
    rows = book_entries(app_of(request).db, book_id, status=status)
    return EntryList(
        book_id=book_id,
        total=len(rows),
        offset=offset,
        entries=[
            EntryRow(
                id=e.id,
                so=e.so,
                page_no=e.page_no,
                registration_date=iso_date(e.registration_date),
                name=e.name,
                birth_date=iso_date(e.birth_date),
                status=e.status,
                origin=e.origin,
            )
            for e in rows[offset : offset + limit]
        ],
    )


def _entry(request: Request, entry_id: int) -> EntryOut:
    try:
        e = get_entry(app_of(request).db, entry_id)
    except RegisterError as err:
        raise ApiError(Code.NOT_FOUND, err.message) from None
    return EntryOut(
        id=e.id,
        book_id=e.book_id,
        book_key=e.book_key,
        book_type=e.book_type,
        commune=e.commune,
        so=e.so,
        page_no=e.page_no,
        registration_date=iso_date(e.registration_date),
        name=e.name,
        birth_date=iso_date(e.birth_date),
        data=e.data,
        notes=e.notes,
        status=e.status,
        origin=e.origin,
        created_by=e.created_by,
        verified_by=e.verified_by,
        history=[
            ChangeOut(at=utc(h.at), actor=h.actor, kind=h.kind, field=h.field, old=h.old, new=h.new, reason=h.reason)
            for h in e.history
        ],
        documents=[FiledDocument(document_id=d, state=st) for d, st in e.documents],
    )


@router.get(
    "/entries/{entry_id}",
    response_model=EntryOut,
    responses=responses(Code.NOT_FOUND),
    summary="Một mục sổ với lịch sử",
)
def get_one_entry(request: Request, entry_id: EntryId, p: Caller) -> EntryOut:
    return _entry(request, entry_id)


@router.patch(
    "/entries/{entry_id}",
    response_model=EntryChecked,
    responses=responses(Code.NOT_FOUND, Code.FORBIDDEN, Code.REGISTER_REFUSED),
    summary="Sửa và/hoặc xác nhận đã đối chiếu một mục sổ",
)
def patch_entry(
    request: Request,
    entry_id: EntryId,
    p: Annotated[Principal, Depends(VERIFIERS)],
    check: Annotated[EntryCheck, Body()],
) -> EntryChecked:
    _entry(request, entry_id)  # 404 first
    try:
        done = check_entry(
            app_of(request).db, entry_id, check.changes, actor=p.username, reason=check.reason, verify=check.verify
        )
    except RegisterError as e:
        raise ApiError(Code.REGISTER_REFUSED, e.message) from None
    return EntryChecked(
        changed=[c.field for c in done.changes],
        verified_now=done.verified,
        missing=done.missing,
        entry=_entry(request, entry_id),
    )

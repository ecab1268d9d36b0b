"""Documents: upload a file or a dossier of several, poll a document's state, its pages and text.

* ``POST /documents`` — multipart ``files`` (one or more): each file goes through the same intake
  as the hot folder and the desk's imports (``capture.intake``: probed, stored content-addressed
  and fsynced, recorded, queued for OCR; a bad file quarantined with its Vietnamese reason; the same
  content twice is the first document). Several files sent together are one dossier: they share a
  ``dossier`` key in their arrival record. A multi-page PDF or TIFF is one document of several
  pages. Clerks and admins (the counter's work).
* ``GET /documents/{id}`` — its state (captured → processing → indexed, or failed, quarantined),
  type, pages and their states: what a program polls after an upload.
* ``GET /documents/{id}/text`` — each page's recognised text.

Guarantees: no name sent by the client is used as a path (each upload is written as its own base
name in a fresh folder under ``data_dir/uploads/api/``); an upload is cut at the size limit plus one
byte, so an oversized file is quarantined as too large instead of filling the disk.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from pydantic import BaseModel

from capture.intake import Outcome
from indexer.accounts import Role
from indexer.apitokens import Principal
from indexer.documents import DocumentChange, DocumentDetail, document_detail, documents_changed
from sohoa.options import limits
from sohoa.web.api.auth import Caller, require
from sohoa.web.api.callaudit import note
from sohoa.web.api.common import DocId, app_of, utc
from sohoa.web.api.errors import ApiError, Code, responses

router = APIRouter(tags=["Hồ sơ"])
UPLOADERS = require(Role.CLERK, Role.ADMIN)
MAX_FILES = 100


class QuarantineInfo(BaseModel):
    reason: str
    message: str


class Uploaded(BaseModel):
    file: str
    outcome: str  # new | duplicate | quarantined | changed | vanished | already_taken
    document_id: int | None
    state: str | None
    quarantine: QuarantineInfo | None = None


class UploadResult(BaseModel):
    dossier: str
    documents: list[Uploaded]


class PageInfo(BaseModel):
    page_no: int
    state: str
    blank: bool | None
    rotation: int | None
    mean_conf: float | None
    width: int | None
    height: int | None
    indexed_at: datetime | None
    job_state: str | None
    job_attempts: int


class DocumentSummary(BaseModel):
    id: int
    title: str
    source: str
    state: str
    doc_type: str | None
    page_count: int
    created_at: datetime
    updated_at: datetime


class DocumentInfo(DocumentSummary):
    sha256: str
    media_type: str
    size: int
    quarantine_message: str | None
    pages: list[PageInfo]


def _summary(d: DocumentDetail | DocumentChange) -> dict[str, Any]:
    """The fields a document's summary and its detail share, times in UTC."""
    return {
        "id": d.id,
        "title": d.title,
        "source": d.source,
        "state": d.state,
        "doc_type": d.doc_type,
        "page_count": d.page_count,
        "created_at": utc(d.created_at),
        "updated_at": utc(d.updated_at),
    }


class PageText(BaseModel):
    page_no: int
    state: str
    text: str | None


class DocumentText(BaseModel):
    id: int
    pages: list[PageText]


def _base_name(name: str, n: int) -> str:
    base = FsPath((name or "").replace("\\", "/")).name.replace("\x00", "")[:150]
    return base if base and base not in (".", "..") else f"tep-{n:03d}"


def _stage(up: UploadFile, folder: FsPath, n: int, cap: int) -> FsPath:
    """Write one upload into its own folder, never past ``cap`` bytes."""
    target = folder / f"{n:03d}" / _base_name(up.filename or "", n)
    target.parent.mkdir(parents=True)
    written = 0
    with target.open("wb") as out:
        while written < cap and (chunk := up.file.read(min(1 << 20, cap - written))):
            out.write(chunk)
            written += len(chunk)
    return target


def _tidy(staged: FsPath) -> None:
    """Remove what is left of a staged upload (a taken or quarantined file is gone already; one that
    changed while read is not kept) and its folders once empty."""
    staged.unlink(missing_ok=True)
    for folder in (staged.parent, staged.parent.parent):
        try:
            folder.rmdir()
        except OSError:
            pass


def _state_of(app: Any, doc_id: int | None) -> str | None:
    if doc_id is None:
        return None
    d = document_detail(app.db, doc_id)
    return d.state if d else None


@router.post(
    "/documents",
    status_code=201,
    response_model=UploadResult,
    responses=responses(Code.FORBIDDEN, Code.NO_FILES, Code.TOO_MANY_FILES),
    summary="Gửi một tệp hoặc một bộ hồ sơ nhiều tệp",
)
def upload(
    request: Request,
    p: Annotated[Principal, Depends(UPLOADERS)],
    files: Annotated[list[UploadFile], File(description="một hoặc nhiều tệp ảnh/PDF; nhiều tệp là một bộ hồ sơ")],
) -> UploadResult:
    app = app_of(request)
    files = [f for f in files if f is not None]
    if not files:
        raise ApiError(Code.NO_FILES)
    if len(files) > MAX_FILES:
        raise ApiError(Code.TOO_MANY_FILES, f"Gửi quá nhiều tệp trong một lần (tối đa {MAX_FILES}).")
    dossier = f"api-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
    folder = app.settings.data_dir / "uploads" / "api" / dossier
    cap = limits(app.settings).max_bytes + 1
    out: list[Uploaded] = []
    for n, up in enumerate(files, 1):
        staged = _stage(up, folder, n, cap)
        meta = {"dossier": dossier, "api_token": p.token_id, "user": p.username}
        res = app.intake.take(staged, source="api", remove=True, meta=meta)
        q = None
        if res.outcome is Outcome.QUARANTINED:
            q = QuarantineInfo(
                reason=res.reason.value if res.reason else "", message=res.reason.message if res.reason else res.detail
            )
        out.append(
            Uploaded(
                file=staged.name,
                outcome=res.outcome.value,
                document_id=res.document_id,
                state=_state_of(app, res.document_id),
                quarantine=q,
            )
        )
        _tidy(staged)
    note(request, dossier=dossier, documents=[u.document_id for u in out if u.document_id], files=len(out))
    return UploadResult(dossier=dossier, documents=out)


def _detail(request: Request, doc_id: int) -> DocumentDetail:
    d = document_detail(app_of(request).db, doc_id)
    if d is None:
        raise ApiError(Code.NOT_FOUND, f"Không có hồ sơ số {doc_id}.")
    return d


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentInfo,
    responses=responses(Code.NOT_FOUND),
    summary="Một hồ sơ: trạng thái và các trang",
)
def get_document(request: Request, doc_id: DocId, p: Caller) -> DocumentInfo:
    d = _detail(request, doc_id)
    return DocumentInfo(
        **_summary(d),
        sha256=d.sha256,
        media_type=d.media_type,
        size=d.size,
        quarantine_message=d.quarantine_message,
        pages=[
            PageInfo(
                page_no=pg.page_no,
                state=pg.state,
                blank=pg.blank,
                rotation=pg.rotation,
                mean_conf=pg.mean_conf,
                width=pg.width,
                height=pg.height,
                indexed_at=utc(pg.indexed_at),
                job_state=pg.job_state,
                job_attempts=pg.job_attempts,
            )
            for pg in d.pages
        ],
    )


@router.get(
    "/documents/{doc_id}/text",
    response_model=DocumentText,
    responses=responses(Code.NOT_FOUND),
    summary="Chữ nhận dạng của từng trang",
)
def get_text(request: Request, doc_id: DocId, p: Caller) -> DocumentText:
    d = _detail(request, doc_id)
    return DocumentText(id=d.id, pages=[PageText(page_no=pg.page_no, state=pg.state, text=pg.text) for pg in d.pages])


class DocumentList(BaseModel):
    documents: list[DocumentSummary]
    next_cursor: str | None  # give it back as ``cursor`` next time: the changes after these (kept by the poller)
    more: bool  # more changes are waiting now (ask again at once)


def _cursor(text: str | None) -> tuple[datetime | None, int]:
    if not text:
        return None, 0
    try:
        at, _, ident = text.rpartition("|")
        return datetime.fromisoformat(at), int(ident)
    except ValueError:
        raise ApiError(
            Code.INVALID_REQUEST, "Con trỏ không đúng dạng (lấy từ next_cursor của lần gọi trước)."
        ) from None


@router.get(
    "/documents",
    response_model=DocumentList,
    responses=responses(Code.INVALID_REQUEST),
    summary="Các hồ sơ theo thứ tự thay đổi gần nhất (để phần mềm khác hỏi định kỳ)",
)
def list_documents(
    request: Request,
    p: Caller,
    cursor: Annotated[str | None, Query(max_length=80, description="next_cursor của lần gọi trước")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DocumentList:
    since, after_id = _cursor(cursor)
    rows = documents_changed(app_of(request).db, since=since, after_id=after_id, limit=limit)
    nxt = f"{rows[-1].updated_at.isoformat()}|{rows[-1].id}" if rows else cursor
    return DocumentList(
        documents=[DocumentSummary(**_summary(r)) for r in rows],
        next_cursor=nxt,
        more=len(rows) == limit,
    )

"""Filing panel of the document view: which register entry this dossier belongs to (issue 5).

Shows the proposals ``indexer.registers.filing`` made when the document was indexed, best first,
with why. Filing waits for a person: while fields of the dossier are unconfirmed, "Đúng mục này"
and "Lập mục mới" say how many are left and take the clerk to the first (the server refuses the
same, whatever is posted). The clerk confirms one ("Đúng mục này"), rejects one ("Không phải"), chooses another
entry by searching the books (a name, or a book key and number ``khai_sinh/2024/01#47``), or —
for a new registration — creates the entry from the document's confirmed fields; "Hủy vào sổ"
takes a filing back the same day. All of it is audited by the filing functions. Clerks and admins file; archivists see the panel read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from indexer.documents import has_table
from sohoa.web.panels import Panel, PanelContext, register
from sohoa.web.security import current_user, desk_of, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
FILERS = (Role.CLERK, Role.ADMIN)
can_file = require_role(*FILERS)


def _available(app) -> bool:
    return has_table(app.db, "register_filings")


def filing_context(
    app,
    doc_id: int,
    user: UserInfo,
    message: str = "",
    error: str = "",
    found: list | None = None,
    q: str = "",
) -> dict[str, object]:
    """What the filing panel shows: the proposals, the fields still to confirm before filing (the
    same list the server's gate refuses on), whether the filing can still be taken back today, and
    — for a new registration — the open book it needs."""
    from indexer.registers.filing import document_filing, missing_book

    filing = document_filing(app.db, doc_id)
    first = filing.to_confirm[0] if filing.to_confirm else None
    no_book = missing_book(app.db, doc_id) if filing.can_create else None
    return {
        "filing": filing,
        "doc_id": doc_id,
        "may_file": user.role in FILERS,
        "message": message,
        "error": error,
        "found": found,
        "q": q,
        "left": len(filing.to_confirm),
        "first": first,
        "no_book": no_book.for_desk if no_book else "",
        "may_undo": filing.linked is not None
        and filing.undo_until is not None
        and datetime.now(UTC) <= filing.undo_until,
    }


def shown_filing_context(app, doc_id: int, user: UserInfo) -> dict[str, object] | None:
    """The filing panel's context, or None where the document view shows no filing panel."""
    if not _available(app):
        return None
    c = filing_context(app, doc_id, user)
    filing = c["filing"]
    if not filing.proposals and not filing.book_type:  # type: ignore[attr-defined]  # nothing a register could be about
        return None
    return c


@register
def filing_panel(ctx: PanelContext) -> Panel | None:
    if ctx.page.state != "indexed":
        return None
    c = shown_filing_context(ctx.app, ctx.document.id, ctx.user)
    return None if c is None else Panel("filing", "Vào sổ hộ tịch", "documents/_filing.html", c)


def _answer(request: Request, doc_id: int, user: UserInfo, **kw: object) -> Response:
    if not request.headers.get("HX-Request"):
        return RedirectResponse(f"/documents/{doc_id}#filing", status_code=303)
    ctx = filing_context(desk_of(request).app, doc_id, user, **kw)  # type: ignore[arg-type]
    return render(request, "documents/_filing_panel.html", {"ctx": ctx})


def _run(request: Request, doc_id: int, user: UserInfo, done: str, fn) -> Response:
    from indexer.registers.filing import NoOpenBook
    from indexer.registers.model import RegisterError

    if not _available(desk_of(request).app):
        raise HTTPException(404)
    try:
        said = fn()
    except NoOpenBook as e:
        return _answer(request, doc_id, user, error=e.for_desk)
    except RegisterError as e:
        return _answer(request, doc_id, user, error=e.message)
    return _answer(request, doc_id, user, message=said if isinstance(said, str) else done)


@router.post("/documents/{doc_id}/filing/confirm")
def filing_confirm(
    request: Request, doc_id: int, user: Annotated[UserInfo, Depends(can_file)], entry_id: Annotated[int, Form()]
) -> Response:
    from indexer.registers.filing import confirm

    return _run(
        request,
        doc_id,
        user,
        "Đã vào sổ: hồ sơ gắn với mục đã chọn.",
        lambda: confirm(desk_of(request).app.db, doc_id, entry_id, actor=user.username),
    )


@router.post("/documents/{doc_id}/filing/reject")
def filing_reject(
    request: Request, doc_id: int, user: Annotated[UserInfo, Depends(can_file)], entry_id: Annotated[int, Form()]
) -> Response:
    from indexer.registers.filing import reject

    return _run(
        request,
        doc_id,
        user,
        "Đã bỏ đề xuất này.",
        lambda: reject(desk_of(request).app.db, doc_id, entry_id, actor=user.username),
    )


@router.post("/documents/{doc_id}/filing/create")
def filing_create(request: Request, doc_id: int, user: Annotated[UserInfo, Depends(can_file)]) -> Response:
    from indexer.registers.filing import create_from_document

    return _run(
        request,
        doc_id,
        user,
        "Đã lập mục mới trong sổ từ các trường đã xác nhận.",
        lambda: create_from_document(desk_of(request).app.db, doc_id, actor=user.username),
    )


@router.post("/documents/{doc_id}/filing/undo")
def filing_undo(request: Request, doc_id: int, user: Annotated[UserInfo, Depends(can_file)]) -> Response:
    from indexer.registers.filing import undo

    desk = desk_of(request)
    return _run(
        request,
        doc_id,
        user,
        "Đã hủy vào sổ.",
        lambda: undo(desk.app.db, doc_id, actor=user.username, tz=desk.tz),
    )


@router.post("/documents/{doc_id}/filing/refresh")
def filing_refresh(request: Request, doc_id: int, user: Annotated[UserInfo, Depends(can_file)]) -> Response:
    from indexer.registers.filing import refile

    return _run(
        request,
        doc_id,
        user,
        "Đã tìm lại các mục phù hợp theo các trường hiện tại.",
        lambda: refile(desk_of(request).app.db, doc_id),
    )


@dataclass(frozen=True)
class FoundEntry:
    entry_id: int
    book_key: str
    so: str | None
    name: str
    birth: str
    registration_date: str
    status: str


def find_entries(app, q: str, limit: int = 15) -> list[FoundEntry]:
    """Register entries for "choose another": a number reference (``812``, ``khai_sinh/2024/01#47``)
    or a name (the name index, entries only)."""
    from indexer.models import RegisterBook, RegisterEntry
    from indexer.registers.entries import find_entry_id
    from indexer.registers.model import RegisterError, book_key, fmt_date

    ids: list[int] = []
    if q.isdigit() or "#" in q:
        try:
            ids = [find_entry_id(app.db, q)]
        except RegisterError:
            ids = []
    if not ids:
        from indexer.people.find import find_people

        for h in find_people(app.db, q, limit=limit * 3):
            if h.source_type == "register_entry" and h.source_id not in ids:
                ids.append(h.source_id)
        ids = ids[:limit]
    if not ids:
        return []
    with app.db.read() as s:
        rows = {
            e.id: (e, b)
            for e, b in s.execute(
                select(RegisterEntry, RegisterBook)
                .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
                .where(RegisterEntry.id.in_(ids))
            ).all()
        }
    return [
        FoundEntry(
            i,
            book_key(b.book_type, b.year, b.volume),
            e.so,
            e.name,
            fmt_date(e.birth_date),
            fmt_date(e.registration_date),
            e.status,
        )
        for i in ids
        if i in rows
        for e, b in [rows[i]]
    ]


@router.get("/documents/{doc_id}/filing/find")
def filing_find(
    request: Request,
    doc_id: int,
    user: Annotated[UserInfo, Depends(can_file)],
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    app = desk_of(request).app
    if not _available(app):
        raise HTTPException(404)
    q = q.strip()
    found = find_entries(app, q) if q else []
    if q:
        with app.db.write() as s:
            audit(
                s, user.username, "filing.search", "document", doc_id, {"q": q, "entries": [f.entry_id for f in found]}
            )
    return render(request, "documents/_filing_found.html", {"found": found, "doc_id": doc_id, "q": q})

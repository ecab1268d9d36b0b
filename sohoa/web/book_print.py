"""Paper from the desk: a register book's pages printed from its verified entries (the same
print-ready PDF as ``sohoa book print``: one A4 page per entry, or ruled ledger pages), one entry's
page alone, audited — register pages are personal data.

Guarantees: only entries a person verified are printed (an unverified OCR reading never reaches the
paper book); a book with none says so in Vietnamese; the PDF is drawn into the desk's cache under a
name of its own and served inline, never stored elsewhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from indexer.accounts import UserInfo
from indexer.audit import audit
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])


def _print(request: Request, user: UserInfo, book_id: int, entry_ids: list[int], name: str) -> Response:
    from indexer.registers.books import find_book
    from indexer.registers.export import print_pdf
    from indexer.registers.model import RegisterError

    app = desk_of(request).app
    try:
        book = find_book(app.db, book_id)
    except RegisterError:
        raise HTTPException(404) from None
    if not entry_ids:
        return render(
            request,
            "error.html",
            {"title": "Chưa có gì để in", "message": "Sổ chưa có mục nào đã đối chiếu: chỉ in các mục đã đối chiếu."},
            status_code=409,
        )
    out = app.settings.web_cache_dir / "print" / f"{name}-{user.username}.pdf"
    print_pdf(app.db, book.id, out, entry_ids=entry_ids)
    with app.db.write() as s:
        audit(s, user.username, "book.print", "register_book", book.id, {"entries": len(entry_ids), "desk": True})
    return FileResponse(out, media_type="application/pdf", filename=f"{name}.pdf", content_disposition_type="inline")


@router.get("/books/{book_id}/print")
def print_book(request: Request, book_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    from indexer.models import RegisterEntry
    from indexer.registers.vocabulary import VERIFIED

    with desk_of(request).app.db.read() as s:
        ids = list(
            s.scalars(
                select(RegisterEntry.id).where(RegisterEntry.book_id == book_id, RegisterEntry.status == VERIFIED)
            )
        )
    return _print(request, user, book_id, ids, f"so-{book_id}")


@router.get("/entries/{entry_id}/print")
def print_entry(request: Request, entry_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    from indexer.models import RegisterEntry
    from indexer.registers.vocabulary import VERIFIED

    with desk_of(request).app.db.read() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise HTTPException(404)
        book_id, ok = e.book_id, e.status == VERIFIED
    if not ok:
        return render(
            request,
            "error.html",
            {"title": "Chưa in được", "message": "Mục sổ chưa được đối chiếu: đối chiếu với sổ rồi mới in."},
            status_code=409,
        )
    return _print(request, user, book_id, [entry_id], f"muc-so-{entry_id}")

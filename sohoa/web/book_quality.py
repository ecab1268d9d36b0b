"""Sổ hộ tịch → a book's progress and quality (``/books/{id}/quality``): pages scanned, rows found,
entries keyed once and twice, agreed, arbitrated and verified; missing and double pages; numbers
out of sequence and registration dates outside the book's year, each with a link to the entry; one
line per scanned page. The numbers are ``indexer.registers.quality.book_quality``'s, the same as
``sohoa book quality``.

Everyone signed in may look (as on the book page); nothing is changed here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sohoa.web.books import PAGE_STATE_VI, _book, _need_registers
from sohoa.web.security import current_user
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])


def _pct(a: int, b: int) -> float | None:
    return 100.0 * a / b if b else None


@router.get("/books/{book_id}/quality")
def quality_page(request: Request, book_id: int) -> Response:
    from indexer.registers.quality import book_quality

    app = _need_registers(request)
    book = _book(app, book_id)
    q = book_quality(app.db, book.id)
    return render(
        request,
        "books/quality.html",
        {
            "book": book,
            "q": q,
            "page_state_vi": PAGE_STATE_VI,
            "keyed_pct": _pct(q.keyed, q.entries),
            "verified_pct": _pct(q.verified, q.entries),
        },
        active="books",
    )

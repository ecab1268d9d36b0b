"""Sổ hộ tịch: register books by type and year, a book's scanned pages and entries, its archive
digitisation progress, and page-by-page verification of the entries read by OCR — the page image
beside the entries' fields, confirm or correct (issue 5's ``indexer.registers``).

Everyone signed in may look; archivists and admins verify and correct entries (each correction
goes to the entry's history and the audit trail, with the old and new value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import case, func, select

from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from indexer.documents import has_table
from sohoa.web import pageimages
from sohoa.web.security import current_user, desk_of, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
VERIFIERS = (Role.ARCHIVIST, Role.ADMIN)
can_verify = require_role(*VERIFIERS)
ENTRIES_PER_PAGE = 100
PAGE_STATE_VI = {"pending": "chờ đọc", "built": "đã đọc", "duplicate": "trang trùng", "failed": "lỗi"}


def _need_registers(request: Request) -> Any:
    app = desk_of(request).app
    if not has_table(app.db, "register_books"):
        raise HTTPException(404)
    return app


def _book(app: Any, book_id: int) -> Any:
    from indexer.registers.books import find_book
    from indexer.registers.model import RegisterError

    try:
        return find_book(app.db, book_id)
    except RegisterError:
        raise HTTPException(404) from None


@router.get("/books")
def books_page(
    request: Request, type: str = "", year: Annotated[int | None, Query(ge=1900, le=2200)] = None
) -> Response:
    app = _need_registers(request)
    from indexer.registers.books import list_books
    from indexer.registers.vocabulary import BOOK_TYPES

    books = list_books(app.db, book_type_id=type if type in BOOK_TYPES else None, year=year)
    groups: dict[tuple[str, int], list[Any]] = {}
    for b in books:
        groups.setdefault((b.book.book_type, b.book.year), []).append(b)
    years = (
        sorted({b.book.year for b in list_books(app.db)}, reverse=True)
        if (type or year)
        else sorted({b.book.year for b in books}, reverse=True)
    )
    return render(
        request,
        "books/list.html",
        {
            "groups": [
                (BOOK_TYPES[t], y, bs) for (t, y), bs in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
            ],
            "types": list(BOOK_TYPES.values()),
            "type": type,
            "year": year,
            "years": years,
            "this_year": datetime.now(desk_of(request).tz).year,
        },
        active="books",
    )


@dataclass(frozen=True)
class BookPageRow:
    page_no: int | None
    seq: int
    state: str
    problem: str | None
    entries: int
    document_id: int
    doc_page_no: int
    verified: int
    total: int


def _book_pages(app: Any, book_id: int) -> list[BookPageRow]:
    from indexer.models import Page, RegisterBookPage, RegisterEntry, RegisterEntryRegion

    with app.db.read() as s:
        rows = s.execute(
            select(RegisterBookPage, Page.page_no)
            .join(Page, Page.id == RegisterBookPage.page_id)
            .where(RegisterBookPage.book_id == book_id)
            .order_by(RegisterBookPage.page_no, RegisterBookPage.seq)
        ).all()
        counts = {
            pid: (int(total or 0), int(ver or 0))
            for pid, total, ver in s.execute(
                select(
                    RegisterEntryRegion.page_id,
                    func.count(),
                    func.sum(case((RegisterEntry.status == "verified", 1), else_=0)),
                )
                .join(RegisterEntry, RegisterEntry.id == RegisterEntryRegion.entry_id)
                .where(RegisterEntry.book_id == book_id)
                .group_by(RegisterEntryRegion.page_id)
            ).all()
        }
    return [
        BookPageRow(
            bp.page_no,
            bp.seq,
            bp.state,
            bp.problem,
            bp.entries,
            bp.document_id,
            pno,
            counts.get(bp.page_id, (0, 0))[1],
            counts.get(bp.page_id, (0, 0))[0],
        )
        for bp, pno in rows
    ]


@router.get("/books/{book_id}")
def book_page(request: Request, book_id: int, offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    app = _need_registers(request)
    from indexer.registers.digitise import book_report
    from indexer.registers.entries import book_entries

    book = _book(app, book_id)
    report = book_report(app.db, book_id)
    entries = book_entries(app.db, book_id)
    pages = _book_pages(app, book_id)
    expected = max(book.expected_pages or 0, max((p.page_no or 0 for p in pages), default=0))
    scanned = len(report.page_numbers)
    verified = report.entries - report.unverified
    from sohoa.web.book_import import import_progress

    return render(
        request,
        "books/book.html",
        {
            **import_progress(request, book_id),
            "book": book,
            "report": report,
            "pages": pages,
            "page_state_vi": PAGE_STATE_VI,
            "entries": entries[offset : offset + ENTRIES_PER_PAGE],
            "total_entries": len(entries),
            "offset": offset,
            "per_page": ENTRIES_PER_PAGE,
            "expected": expected,
            "scanned_pct": (100.0 * scanned / expected) if expected else None,
            "verified_pct": (100.0 * verified / report.entries) if report.entries else None,
            "verified": verified,
            "may_verify": _user(request).role in VERIFIERS,
            "first_unverified": next(
                (p.page_no for p in pages if p.page_no is not None and p.verified < p.total), None
            ),
        },
        active="books",
    )


def _user(request: Request) -> UserInfo:
    return current_user(request)


def _page_entries(
    app: Any, book_id: int, page_no: int
) -> tuple[Any, list[tuple[Any, tuple[int, int, int, int] | None]]]:
    from indexer.models import Page, RegisterBookPage, RegisterEntry, RegisterEntryRegion

    with app.db.read() as s:
        row = s.execute(
            select(RegisterBookPage, Page)
            .join(Page, Page.id == RegisterBookPage.page_id)
            .where(RegisterBookPage.book_id == book_id, RegisterBookPage.page_no == page_no)
            .order_by(RegisterBookPage.seq)
            .limit(1)
        ).first()
        if row is None:
            raise HTTPException(404)
        bp, page = row
        entries = s.execute(
            select(RegisterEntry, RegisterEntryRegion)
            .join(RegisterEntryRegion, RegisterEntryRegion.entry_id == RegisterEntry.id)
            .where(RegisterEntryRegion.page_id == page.id, RegisterEntry.book_id == book_id)
            .order_by(RegisterEntryRegion.y, RegisterEntry.id)
        ).all()
        if not entries:  # entries of a page known by trang số only
            entries = [
                (e, None)
                for e in s.scalars(
                    select(RegisterEntry)
                    .where(RegisterEntry.book_id == book_id, RegisterEntry.page_no == page_no)
                    .order_by(RegisterEntry.id)
                )
            ]
        seen: set[int] = set()
        out = []
        for e, r in entries:
            if e.id in seen:
                continue
            seen.add(e.id)
            box = (r.x, r.y, r.w, r.h) if r is not None and r.x is not None else None
            out.append((e, box))
        return (bp, page), out


def _verify_row(bt: Any, e: Any, box: Any) -> dict[str, Any]:
    """One entry on the verification page: every column of its book type — those with a value, then
    the required ones that are empty (flagged), then the other empty ones (folded)."""
    data = dict(e.data or {})
    from indexer.registers.checking import required_keys

    required = required_keys(bt)
    filled = [k for k in bt.all_keys if (data.get(k.key) or "").strip()]
    missing = [k for k in bt.all_keys if k.key in required and not (data.get(k.key) or "").strip()]
    empty = [k for k in bt.all_keys if k not in filled and k not in missing]
    return {"e": e, "box": box, "keys": filled, "missing": missing, "empty": empty, "data": data}


def _verify_context(book: Any, page_no: int, user: UserInfo) -> dict[str, Any]:
    return {"book": book, "page_no": page_no, "may_verify": user.role in VERIFIERS}


@router.get("/books/{book_id}/pages/{page_no}")
def verify_page(
    request: Request,
    book_id: int,
    page_no: int,
    user: Annotated[UserInfo, Depends(current_user)],
    saved: int | None = None,
    error: str = "",
) -> Response:
    app = _need_registers(request)
    book = _book(app, book_id)
    (bp, page), entries = _page_entries(app, book_id, page_no)
    numbers = sorted(p.page_no for p in _book_pages(app, book_id) if p.page_no is not None)
    i = numbers.index(page_no) if page_no in numbers else -1
    in_pixels = bool(page.pdf_key) and app.archive_path(page.pdf_key).is_file()
    rows = [_verify_row(book.type, e, box) for e, box in entries]
    with app.db.write() as s:
        audit(
            s,
            user.username,
            "book.page.view",
            "register_book",
            book_id,
            {"page": page_no, "entries": [r["e"].id for r in rows]},
        )
    return render(
        request,
        "books/verify.html",
        {
            "book": book,
            "bp": bp,
            "page": page,
            "rows": rows,
            "page_no": page_no,
            "prev_page": numbers[i - 1] if i > 0 else None,
            "next_page": numbers[i + 1] if 0 <= i < len(numbers) - 1 else None,
            "image_w": page.width if in_pixels else None,
            "image_h": page.height if in_pixels else None,
            "image_version": "a" if in_pixels else f"o{page.rotation or 0}",
            "view_width": pageimages.VIEW,
            "may_verify": user.role in VERIFIERS,
            "saved": saved,
            "error": error,
        },
        active="books",
    )


@router.post("/books/{book_id}/pages/{page_no}/entries/{entry_id}")
async def verify_entry_post(
    request: Request, book_id: int, page_no: int, entry_id: int, user: Annotated[UserInfo, Depends(can_verify)]
) -> Response:
    """Save the archivist's corrections of one entry (each to its history, reason: checked against
    the book) and mark it verified."""
    app = _need_registers(request)
    from indexer.models import RegisterEntry
    from indexer.registers.checking import check_entry
    from indexer.registers.model import RegisterError

    form = await request.form()
    book = _book(app, book_id)
    with app.db.read() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None or e.book_id != book_id:
            raise HTTPException(404)
    changes = {k[2:]: v for k, v in form.multi_items() if k.startswith("f_") and isinstance(v, str)}
    verify = form.get("action") != "save"
    error = ""
    try:
        check_entry(app.db, entry_id, changes, actor=user.username, reason=str(form.get("reason") or ""), verify=verify)
    except RegisterError as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        # Redrawn in place: no reload, the page and the archivist's place on it stay.
        (_, _), entries = _page_entries(app, book_id, page_no)
        row = next((_verify_row(book.type, x, box) for x, box in entries if x.id == entry_id), None)
        if row is None:
            raise HTTPException(404)
        ctx = _verify_context(book, page_no, user)
        return render(
            request,
            "books/_entry_verify.html",
            {**ctx, "r": row, "error": error, "saved": not error, "verified_now": verify and not error},
        )
    if error:
        from urllib.parse import quote

        return RedirectResponse(
            f"/books/{book_id}/pages/{page_no}?error={quote(error)}#entry-{entry_id}", status_code=303
        )
    return RedirectResponse(f"/books/{book_id}/pages/{page_no}?saved={entry_id}#entry-{entry_id}", status_code=303)


@router.get("/entries/{entry_id}")
def entry_page(request: Request, entry_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    app = _need_registers(request)
    from indexer.models import Page
    from indexer.registers.entries import get_entry
    from indexer.registers.model import RegisterError

    try:
        e = get_entry(app.db, entry_id)
    except RegisterError:
        raise HTTPException(404) from None
    with app.db.read() as s:
        pages = {
            pid: (d, no)
            for pid, d, no in s.execute(
                select(Page.id, Page.document_id, Page.page_no).where(
                    Page.id.in_([r.page_id for r in e.regions] or [-1])
                )
            ).all()
        }
    with app.db.write() as s:
        audit(s, user.username, "entry.view", "register_entry", entry_id, {})
    bt = e.type
    keys = [k for k in bt.all_keys if k.key in e.data]
    return render(request, "books/entry.html", {"e": e, "keys": keys, "pages": pages, "bt": bt}, active="books")

"""Sổ hộ tịch from the desk: an admin or an archivist opens a new register book (type, year,
quyển số, commune) and closes one — what ``sohoa book new`` and ``sohoa book close`` do, without a
command line. Clerks never see these forms (their filing panel says whom to ask instead).

Guarantees: both are audited by ``indexer.registers.books`` with the person's name; a refusal
(a book that already exists, a bad year) is said in Vietnamese and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from indexer.accounts import Role, UserInfo
from sohoa.web.security import current_user, desk_of, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
KEEPERS = (Role.ARCHIVIST, Role.ADMIN)
can_keep_books = require_role(*KEEPERS)


def _refused(request: Request, message: str) -> Response:
    if request.headers.get("HX-Request"):
        return HTMLResponse(f'<p class="alert error" role="alert">{escape(message)}</p>')
    return render(request, "error.html", {"title": "Chưa mở được sổ", "message": message}, status_code=400)


def _go(request: Request, url: str) -> Response:
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.post("/books/new")
def book_new(
    request: Request,
    user: Annotated[UserInfo, Depends(can_keep_books)],
    book_type: Annotated[str, Form(max_length=40)],
    year: Annotated[int, Form(ge=1900, le=2200)],
    volume: Annotated[str, Form(max_length=10)] = "01",
    commune: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    from indexer.registers.books import create_book
    from indexer.registers.model import RegisterError

    desk = desk_of(request)
    try:
        info = create_book(
            desk.app.db,
            book_type,
            year,
            volume,
            commune=commune.strip() or None,
            opened_on=datetime.now(desk.tz).date(),
            actor=user.username,
        )
    except RegisterError as e:
        return _refused(request, e.message.replace("--commune TÊN hoặc --commune-code MÃ", "xã"))
    return _go(request, f"/books/{info.id}?opened=1")


@router.post("/books/{book_id}/close")
def book_close(request: Request, book_id: int, user: Annotated[UserInfo, Depends(can_keep_books)]) -> Response:
    from indexer.registers.books import close_book
    from indexer.registers.model import RegisterError

    desk = desk_of(request)
    try:
        close_book(desk.app.db, book_id, datetime.now(desk.tz).date(), actor=user.username)
    except RegisterError as e:
        return _refused(request, e.message)
    return _go(request, f"/books/{book_id}")

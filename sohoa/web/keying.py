"""The keying screen of a ledger book: one entry at a time, its row of the page enlarged and pinned
above one input per column of the book type, the whole page a glance away; Tab goes through the
columns, Enter saves (htmx, no reload) and brings the next entry, whose images — and the next
page's — the browser has already loaded. The rules (once / twice, who may key) are
``indexer.registers.keying``; the typing aids are ``static/keying.js`` with the offers of
``indexer.registers.completion``; the row and cell pictures ``sohoa.web.rowimages``.

Guarantees: a keyer of a book keyed twice sees the OCR's reading or their own, never the other
keyer's; what was typed is saved as typed (NFC) — the date shown normalised beside its input, an
offer taken only on a key press; the cell of the column being typed is framed on the row picture
when the entry keeps its cells. Archivists and admins key; every entry shown and every save is audited.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from indexer import background
from indexer.accounts import UserInfo
from indexer.audit import audit
from sohoa.web.books import _book, _need_registers, can_verify
from sohoa.web.rowimages import row_picture
from sohoa.web.security import current_user
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
can_key = can_verify  # archivists and admins
PREFETCH_ROWS = 3

MESSAGES = {
    "saved": "Đã lưu số {so}, đã xác nhận đúng với sổ.",
    "incomplete": "Đã lưu số {so}; còn thiếu {missing}: mục chưa xác nhận.",
    "waiting": "Đã lưu số {so} (lần nhập thứ nhất; chờ người nhập thứ hai).",
    "agreed": "Số {so}: hai lần nhập khớp nhau — xong.",
    "disagreed": "Số {so}: hai lần nhập khác nhau — chờ phân xử.",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # date | name | place | text
    value: str
    ocr: bool  # the value is the OCR's reading, not yet a person's
    prev: str  # the previous row's value, as this person sees it
    date_shown: str  # a date value normalised (dd/mm/yyyy), or ""
    cell: str  # where its cell is on the row picture ("left,top,width,height" in percent), or ""


def _kind(bt: Any, key: str) -> str:
    from indexer.registers.completion import is_place
    from indexer.registers.vocabulary import DATE, NAME

    spec = bt.key(key)
    if spec is not None and spec.kind == DATE:
        return "date"
    if spec is not None and spec.kind == NAME:
        return "name"
    return "place" if is_place(key) else "text"


def _shown_date(value: str) -> str:
    from indexer.registers.keying import typed_date
    from indexer.registers.model import fmt_date

    return fmt_date(typed_date(value)) if value else ""


def _entry_context(app: Any, book: Any, pos: Any, user: UserInfo, typed: dict[str, str] | None) -> dict[str, Any]:
    from indexer.registers.keying import columns, keying_view, titles

    bt = book.type
    v = keying_view(app.db, book.id, pos, user.username, near_end=PREFETCH_ROWS)
    values, ocr = (typed, set()) if typed is not None else (v.values, v.ocr)
    pic = row_picture(app, pos.entry_id)
    cols = []
    title = titles(bt)
    for k in columns(bt):
        kind, value = _kind(bt, k.key), values.get(k.key, "")
        shown = _shown_date(value) if kind == "date" else ""
        cell = pic.cell_in_row(k.key) if pic is not None else ""
        cols.append(
            Column(k.key, title[k.key], kind, value, k.key in ocr and bool(value), v.prev.get(k.key, ""), shown, cell)
        )
    return {
        "book": book,
        "pos": pos,
        "so": v.so,
        "status": v.status,
        "cols": cols,
        "pic": pic,
        "keyers": len(v.keyers),
        "mine": user.username in v.keyers,
        "prefetch": _prefetch(app, book, pos, v.rows, v.next_rows),
    }


def _prefetch(app: Any, book: Any, pos: Any, ids: list[int], nxt: list[int]) -> list[str]:
    """Images the browser loads ahead: the next rows of this page and, near its end, the next
    page (its picture and its first rows)."""
    urls = [f"/books/{book.id}/entries/{i}/row.jpg" for i in ids[pos.index + 1 : pos.index + 1 + PREFETCH_ROWS]]
    if nxt:
        urls += [f"/books/{book.id}/entries/{i}/row.jpg" for i in nxt[:PREFETCH_ROWS]]
        pic = row_picture(app, nxt[0])
        if pic is not None:
            urls.append(f"/documents/{pic.document_id}/pages/{pic.doc_page_no}/image?w=800")
    return urls


def audit_view(app: Any, user: UserInfo, entry_id: int) -> None:
    with app.db.write() as s:
        audit(s, user.username, "entry.view", "register_entry", entry_id, {"via": "keying"})


def _render_entry(
    request: Request,
    app: Any,
    book: Any,
    pos: Any,
    user: UserInfo,
    *,
    message: str = "",
    error: str = "",
    typed: dict[str, str] | None = None,
    audited: int | None = None,
    full: bool,
) -> Response:
    """The entry at ``pos`` (or the end of the book); its view is audited here unless the save
    that shows it already did (``audited``)."""
    ctx: dict[str, Any] = {"book": book, "message": message, "error": error, "pos": pos}
    if pos is not None:
        ctx.update(_entry_context(app, book, pos, user, typed))
        if audited is None:
            audit_view(app, user, pos.entry_id)
    ctx["double"] = is_double(app, book.id)
    return render(request, "books/keying.html" if full else "books/_keying_entry.html", ctx, active="books")


def is_double(app: Any, book_id: int) -> bool:
    from indexer.models import RegisterBook

    with app.db.read() as s:
        return bool(s.scalar(select(RegisterBook.double_keying).where(RegisterBook.id == book_id)))


@router.get("/books/{book_id}/keying")
def keying_page(
    request: Request,
    book_id: int,
    user: Annotated[UserInfo, Depends(can_key)],
    entry: int | None = None,
    error: str = "",
) -> Response:
    from indexer.registers.completion import warm
    from indexer.registers.keying import locate, next_to_key

    app = _need_registers(request)
    book = _book(app, book_id)
    threading.Thread(target=warm, args=(book.year,), name="keying-places", daemon=True).start()
    pos = locate(app.db, book_id, entry) if entry is not None else next_to_key(app.db, book_id, user.username)
    if entry is not None and pos is None:
        raise HTTPException(404)
    return _render_entry(request, app, book, pos, user, error=error[:300], full=True)


@router.post("/books/{book_id}/keying/{entry_id}")
async def keying_save(
    request: Request, book_id: int, entry_id: int, user: Annotated[UserInfo, Depends(can_key)]
) -> Response:
    from indexer.registers.completion import remember
    from indexer.registers.keying import locate, next_to_key, save_keying
    from indexer.registers.model import RegisterError

    app = _need_registers(request)
    form = await request.form()
    values = {k[2:]: v for k, v in form.multi_items() if k.startswith("f_") and isinstance(v, str)}
    book = _book(app, book_id)
    nxt = await run_in_threadpool(next_to_key, app.db, book_id, user.username, after=entry_id)
    shown = nxt.entry_id if nxt is not None else None
    bg = background.running(app.db)

    def save() -> Any:
        if bg is None:
            return save_keying(app.db, book_id, entry_id, values, actor=user.username, shown=shown)
        with bg.gate:  # the worker's transactions wait their turn in this process
            return save_keying(app.db, book_id, entry_id, values, actor=user.username, shown=shown, index_later=True)

    try:
        out = await run_in_threadpool(save)
    except RegisterError as exc:
        pos = locate(app.db, book_id, entry_id)
        if pos is None:
            raise HTTPException(404) from None
        if not request.headers.get("HX-Request"):
            return RedirectResponse(f"/books/{book_id}/keying?entry={entry_id}&error={quote(exc.message)}", 303)
        return _render_entry(request, app, book, pos, user, error=exc.message, typed=values, full=False)
    if bg is not None:
        bg.poke()  # the entry's people to the name index once the keyer pauses
    remember(app.db, book_id, user.username, values)
    so = values.get("so") or str(entry_id)
    message = MESSAGES[out.state].format(so=so, missing=", ".join(out.missing))
    if not request.headers.get("HX-Request"):
        target = f"/books/{book_id}/keying" + (f"?entry={nxt.entry_id}" if nxt else "")
        return RedirectResponse(target, status_code=303)
    return _render_entry(request, app, book, nxt, user, message=message, audited=shown, full=False)


@router.get("/books/{book_id}/keying/offers")
def keying_offers(
    request: Request, book_id: int, key: str, q: str, user: Annotated[UserInfo, Depends(can_key)]
) -> Response:
    from indexer.registers.completion import offers

    app = _need_registers(request)
    return JSONResponse({"offers": offers(app.db, book_id, key, q[:120], actor=user.username)})

"""Around the keying screen: a book's keying setting ("nhập hai lần"), the arbitration of the entries
two keyers read differently, and each person's agreement rates for the archive lead.

Guarantees: the arbitrator (an archivist or admin who keyed neither reading — the rule is
``indexer.registers.keying.arbitrate``) sees both readings with who keyed them, beside the row's
image, and for each column that differs chooses one or types the truth; nothing is settled without
a choice for every differing column. The agreement page is for admins only. Everything is audited
by the functions it calls.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from indexer.accounts import Role, UserInfo
from sohoa.web.books import _book, _need_registers, can_verify
from sohoa.web.security import current_user, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
is_admin = require_role(Role.ADMIN)


@router.get("/books/{book_id}/keying/links")
def keying_links(request: Request, book_id: int, user: Annotated[UserInfo, Depends(can_verify)]) -> Response:
    """The book page's keying box (loaded into it): the screen, the setting, what waits."""
    from indexer.registers.keying import to_arbitrate
    from sohoa.web.keying import is_double

    app = _need_registers(request)
    book = _book(app, book_id)
    double = is_double(app, book_id)
    waiting = to_arbitrate(app.db, book_id) if double else []
    return render(
        request,
        "books/_keying_links.html",
        {"book": book, "double": double, "waiting": len(waiting), "is_admin": user.role == Role.ADMIN},
    )


@router.post("/books/{book_id}/double-keying")
async def double_keying_set(request: Request, book_id: int, user: Annotated[UserInfo, Depends(can_verify)]) -> Response:
    from indexer.registers.keying import set_double_keying

    app = _need_registers(request)
    _book(app, book_id)
    form = await request.form()
    set_double_keying(app.db, book_id, form.get("on") == "1", actor=user.username)
    return RedirectResponse(f"/books/{book_id}", status_code=303)


def _choices(bt: Any, readings: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
    from indexer.registers.keying import cleaned, columns, differences

    (_, a), (_, b) = readings[:2]
    differ = set(differences(bt, a, b))
    keys = [k for k in columns(bt)] + [k for k in bt.all_keys if (k.key in a or k.key in b) and k not in columns(bt)]
    return [
        {
            "key": k.key,
            "label": k.label,
            "a": a.get(k.key, ""),
            "b": b.get(k.key, ""),
            "differ": k.key in differ,
            "agreed": cleaned(bt, k.key, a.get(k.key, "")) if k.key not in differ else "",
        }
        for k in keys
    ]


@router.get("/books/{book_id}/arbitrate")
def arbitrate_page(
    request: Request,
    book_id: int,
    user: Annotated[UserInfo, Depends(can_verify)],
    entry: int | None = None,
    error: str = "",
    done: str = "",
) -> Response:
    from indexer.registers.keying import locate, readings_of, to_arbitrate
    from sohoa.web.keying import audit_view
    from sohoa.web.rowimages import row_picture

    app = _need_registers(request)
    book = _book(app, book_id)
    queue = to_arbitrate(app.db, book_id, user.username)
    others = len(to_arbitrate(app.db, book_id)) - len(queue)
    eid = entry if entry is not None else (queue[0] if queue else None)
    ctx: dict[str, Any] = {"book": book, "left": len(queue), "others": others, "error": error[:300], "done": done}
    if eid is not None:
        readings = readings_of(app.db, eid)
        if len(readings) < 2:
            raise HTTPException(404)
        if user.username in {who for who, _ in readings}:  # a keyer never sees the other's reading
            raise HTTPException(403)
        pos = locate(app.db, book_id, eid)
        pic = row_picture(app, eid)
        ctx.update(
            entry_id=eid,
            pos=pos,
            cells=set(pic.cells) if pic is not None else set(),
            keyers=[who for who, _ in readings[:2]],
            rows=_choices(book.type, readings),
        )
        audit_view(app, user, eid)
    return render(request, "books/arbitrate.html", ctx, active="books")


@router.post("/books/{book_id}/arbitrate/{entry_id}")
async def arbitrate_post(
    request: Request, book_id: int, entry_id: int, user: Annotated[UserInfo, Depends(can_verify)]
) -> Response:
    from indexer.registers.keying import arbitrate, readings_of
    from indexer.registers.model import RegisterError

    app = _need_registers(request)
    book = _book(app, book_id)
    form = await request.form()
    readings = readings_of(app.db, entry_id)
    if len(readings) < 2:
        raise HTTPException(404)
    truth: dict[str, str] = {}
    unchosen = []
    for row in _choices(book.type, readings):
        k = row["key"]
        if not row["differ"]:
            truth[k] = row["a"] or row["b"]
            continue
        pick = form.get(f"c_{k}")
        if pick == "a":
            truth[k] = row["a"]
        elif pick == "b":
            truth[k] = row["b"]
        elif pick == "own":
            truth[k] = str(form.get(f"o_{k}") or "")
        else:
            unchosen.append(row["label"])
    back = f"/books/{book_id}/arbitrate"
    if unchosen:
        msg = "Chưa chọn giá trị cho: " + ", ".join(unchosen) + "."
        return RedirectResponse(f"{back}?entry={entry_id}&error={quote(msg)}", status_code=303)
    try:
        arbitrate(app.db, book_id, entry_id, truth, actor=user.username)
    except RegisterError as exc:
        return RedirectResponse(f"{back}?entry={entry_id}&error={quote(exc.message)}", status_code=303)
    return RedirectResponse(f"{back}?done={quote(truth.get('so') or str(entry_id))}", status_code=303)


@router.get("/keying/agreement")
def agreement_page(request: Request, user: Annotated[UserInfo, Depends(is_admin)], book: int | None = None) -> Response:
    from indexer.registers.keying_stats import agreement_rates

    app = _need_registers(request)
    info = _book(app, book) if book is not None else None
    return render(
        request,
        "books/agreement.html",
        {"rates": agreement_rates(app.db, book), "book": info},
        active="books",
    )

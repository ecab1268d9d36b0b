"""Corrections and confirmations of a page's fields from the document view (the fields panel).

* ``POST …/fields/{field_id}`` — the value as the clerk types it (htmx, after a short pause, and
  when the field is left); answers with the little "saved" note beside the field and, when the
  value changed (a confirmation taken back), the counters and the filing panel out of band.
* ``POST …/fields/{field_id}/confirm`` — Enter in the field: save and confirm; answers with the
  field's row redrawn (no longer doubtful) and, out of band, the panel's counters and the filing
  panel (how many fields are left before filing).
* ``POST …/fields/confirm-all`` — confirm every field of the page as shown.

Every change is audited with its old and new value (``indexer.fieldedits``). Any signed-in role
may correct fields: clerks at the counter, archivists digitising books, admins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from indexer.accounts import UserInfo
from indexer.documents import FieldRow, page_fields, page_ref
from indexer.fieldedits import FieldNotFound, FieldState, confirm_all, save_field
from sohoa.labellearning import learn_from_correction
from sohoa.web.fields_panel import fields_context
from sohoa.web.filing import shown_filing_context
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])


def _page_id(request: Request, doc_id: int, page_no: int) -> int:
    ref = page_ref(desk_of(request).app.db, doc_id, page_no)
    if ref is None or ref.state != "indexed":
        raise HTTPException(404)
    return ref.page_id


def _save(
    request: Request, doc_id: int, page_no: int, field_id: str, value: str, user: UserInfo, confirm: bool
) -> tuple[FieldState, list[FieldRow]]:
    page_id = _page_id(request, doc_id, page_no)
    db = desk_of(request).app.db
    try:
        state = save_field(db, page_id, field_id, value, actor=user.username, confirm=confirm)
    except FieldNotFound:
        raise HTTPException(404) from None
    return state, page_fields(db, page_id) or []


def _counts(request: Request, doc_id: int, page_no: int, rows: list[FieldRow], user: UserInfo) -> dict[str, object]:
    """The panel's counters and the filing panel, redrawn out of band after a save or confirmation."""
    return {
        "ctx": fields_context(rows, doc_id, page_no, focus=False),
        "filing_ctx": shown_filing_context(desk_of(request).app, doc_id, user),
    }


@router.post("/documents/{doc_id}/pages/{page_no}/fields/confirm-all")
def fields_confirm_all(
    request: Request, doc_id: int, page_no: int, user: Annotated[UserInfo, Depends(current_user)]
) -> Response:
    confirm_all(desk_of(request).app.db, _page_id(request, doc_id, page_no), actor=user.username)
    return RedirectResponse(f"/documents/{doc_id}?page={page_no}#fields", status_code=303)


@router.post("/documents/{doc_id}/pages/{page_no}/fields/{field_id}")
def field_save(
    request: Request,
    doc_id: int,
    page_no: int,
    field_id: str,
    user: Annotated[UserInfo, Depends(current_user)],
    value: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    state, rows = _save(request, doc_id, page_no, field_id, value, user, confirm=False)
    at = datetime.now(desk_of(request).tz).strftime("%H:%M:%S")
    ctx = _counts(request, doc_id, page_no, rows, user) if state.changed else {}
    return render(
        request, "documents/_field_saved.html", {"at": at, "field_id": field_id, "changed": state.changed, **ctx}
    )


@router.post("/documents/{doc_id}/pages/{page_no}/fields/{field_id}/confirm")
def field_confirm(
    request: Request,
    doc_id: int,
    page_no: int,
    field_id: str,
    user: Annotated[UserInfo, Depends(current_user)],
    value: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _, rows = _save(request, doc_id, page_no, field_id, value, user, confirm=True)
    app = desk_of(request).app
    learn_from_correction(
        app.db, app.settings.data_dir, _page_id(request, doc_id, page_no), field_id, value, user.username
    )
    if not request.headers.get("HX-Request"):
        return RedirectResponse(f"/documents/{doc_id}?page={page_no}#fields", status_code=303)
    row = next(r for r in rows if r.field_id == field_id)
    return render(
        request,
        "documents/_field_confirmed.html",
        {"f": row, "saved": True, **_counts(request, doc_id, page_no, rows, user)},
    )

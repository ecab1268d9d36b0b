"""A field's value cut from its page: the desk shows it beside a field marked "viết tay — cần
nhập" (``indexer.fields.handwriting``), so the clerk types the handwritten value looking at it.

Guarantees: the union of the field's value boxes with a margin, cut from the page picture the desk
draws (``rowimages.cut_region``: cached, written once); a field with no box, or a page not read,
is 404; every crop served is written to the audit trail as a view of the page (personal data).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from indexer.accounts import UserInfo
from indexer.audit import audit
from indexer.documents import page_ref
from indexer.models import FieldValue, Page
from sohoa.web import pageimages
from sohoa.web.rowimages import RowPicture, cut_region
from sohoa.web.security import current_user, desk_of

router = APIRouter(dependencies=[Depends(current_user)])
MARGIN = 0.4  # of the value's height, around it


def _serve(request: Request, doc_id: int, page_no: int, field_id: str, user: UserInfo) -> str:
    app = desk_of(request).app
    ref = page_ref(app.db, doc_id, page_no)
    if ref is None or ref.state != "indexed":
        raise HTTPException(404)
    with app.db.write() as s:
        row = s.execute(
            select(FieldValue.boxes, Page.width, Page.height)
            .join(Page, Page.id == FieldValue.page_id)
            .where(FieldValue.page_id == ref.page_id, FieldValue.field_id == field_id)
        ).first()
        if row is None or not row.boxes or not row.width:
            raise HTTPException(404)
        audit(s, user.username, "page.image", "document", doc_id, {"page": page_no, "field": field_id})
    boxes = [(int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in row.boxes if len(b) == 4]
    if not boxes:
        raise HTTPException(404)
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    m = (y1 - y0) * MARGIN
    part = (max(0.0, x0 - m), max(0.0, y0 - m), min(float(row.width), x1 + m), min(float(row.height or y1), y1 + m))
    pic = RowPicture(doc_id, page_no, None, int(row.width), int(row.height or 0))
    try:
        path = cut_region(app, pic, part, f"field-{x0}-{y0}-{x1}-{y1}")
    except pageimages.ImageUnavailable:
        raise HTTPException(404) from None
    if path is None:
        raise HTTPException(404)
    return str(path)


@router.get("/documents/{doc_id}/pages/{page_no}/fields/{field_id}/crop.jpg")
async def field_crop(
    request: Request, doc_id: int, page_no: int, field_id: str, user: Annotated[UserInfo, Depends(current_user)]
) -> Response:
    path = await run_in_threadpool(_serve, request, doc_id, page_no, field_id, user)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})

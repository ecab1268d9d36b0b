"""A register entry's row, and each of its cells, cut from the page image the desk draws
(``pageimages``, the page in the OCR words' pixels) by the boxes the entry keeps
(``register_entry_regions``: the row's box and, for a ledger row, its cells by vocabulary key).

Guarantees: a cut is the row (or cell) with a margin above and below, cached on disk beside the
page images (written once, atomically), served to anyone signed in; an entry without a row box
gets its whole page. The places of the cells within the row picture are given as percentages,
so the keying screen can frame the column being typed. Never draws a page itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from PIL import Image
from sqlalchemy import select

from capture.fsutil import atomic_write
from indexer.accounts import UserInfo
from sohoa.web import pageimages
from sohoa.web.books import _need_registers
from sohoa.web.security import current_user

router = APIRouter(dependencies=[Depends(current_user)])
ROW_MARGIN = 0.3  # of the row's height, above and below the row box
CELL_MARGIN = 0.15  # of the cell's height, around the cell box
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class RowPicture:
    document_id: int
    doc_page_no: int
    box: Box | None  # in the page's pixels
    page_w: int
    page_h: int
    cells: dict[str, Box] = field(default_factory=dict)  # by vocabulary key, in the page's pixels

    def frame(self) -> tuple[float, float, float, float] | None:
        """The part of the page the row picture shows: (x0, y0, x1, y1) in the page's pixels."""
        if self.box is None or not self.page_w or not self.page_h:
            return None
        x, y, w, h = self.box
        m = h * ROW_MARGIN
        return (
            max(0.0, x - m),
            max(0.0, y - m),
            min(float(self.page_w), x + w + m),
            min(float(self.page_h), y + h + m),
        )

    def cell_in_row(self, key: str) -> str:
        """Where the cell of ``key`` is on the row picture: "left,top,width,height" in percent, or ""."""
        f, c = self.frame(), self.cells.get(key)
        if f is None or c is None:
            return ""
        fw, fh = f[2] - f[0], f[3] - f[1]
        vals = ((c[0] - f[0]) / fw, (c[1] - f[1]) / fh, c[2] / fw, c[3] / fh)
        return ",".join(f"{100 * max(0.0, min(1.0, v)):.2f}" for v in vals)


def row_picture(app: Any, entry_id: int) -> RowPicture | None:
    from indexer.models import Page, RegisterEntryRegion

    with app.db.read() as s:
        row = s.execute(
            select(RegisterEntryRegion, Page)
            .join(Page, Page.id == RegisterEntryRegion.page_id)
            .where(RegisterEntryRegion.entry_id == entry_id)
            .order_by(RegisterEntryRegion.id)
            .limit(1)
        ).first()
    if row is None:
        return None
    r, page = row
    box = (r.x, r.y, r.w, r.h) if r.x is not None and r.y is not None and r.w and r.h else None
    cells = {
        k: (int(v[0]), int(v[1]), int(v[2]), int(v[3]))
        for k, v in (r.cells or {}).items()
        if isinstance(v, (list, tuple)) and len(v) == 4 and v[2] > 0 and v[3] > 0
    }
    return RowPicture(page.document_id, page.page_no, box, page.width or 0, page.height or 0, cells)


def cut_region(app: Any, pic: RowPicture, part: tuple[float, float, float, float] | None, name: str) -> Path | None:
    """``part`` (x0, y0, x1, y1 in the page's pixels) of the entry's page as a cached JPEG; the whole
    page when ``part`` is None."""
    from indexer.documents import page_ref

    ref = page_ref(app.db, pic.document_id, pic.doc_page_no)
    if ref is None:
        return None
    page_file, _ = pageimages.page_image(app, ref, pageimages.VIEW)
    if part is None or not pic.page_w:
        return page_file
    out: Path = app.settings.web_cache_dir / ref.sha256[:2] / f"{ref.sha256}-p{ref.page_no:04d}-{name}.jpg"
    if out.is_file():
        return out
    with Image.open(page_file) as im:
        k = im.width / pic.page_w
        x0, y0, x1, y1 = (round(v * k) for v in part)
        crop = im.crop((max(0, x0), max(0, y0), min(im.width, x1), min(im.height, y1)))
        crop.load()
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, durable=False, mode=0o600) as tmp:
        crop.save(tmp, "JPEG", quality=pageimages.JPEG_QUALITY)
    return out


def _serve(request: Request, book_id: int, entry_id: int, key: str | None) -> Path:
    from indexer.models import RegisterEntry

    app = _need_registers(request)
    with app.db.read() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None or e.book_id != book_id:
            raise HTTPException(404)
    pic = row_picture(app, entry_id)
    if pic is None:
        raise HTTPException(404)
    if key is None:
        part, name = pic.frame(), "row-{}-{}-{}-{}".format(*(pic.box or (0, 0, 0, 0)))
    else:
        c = pic.cells.get(key)
        if c is None:
            raise HTTPException(404)
        m = c[3] * CELL_MARGIN
        part, name = (c[0] - m, c[1] - m, c[0] + c[2] + m, c[1] + c[3] + m), "cell-{}-{}-{}-{}".format(*c)
    try:
        path = cut_region(app, pic, part, name)
    except pageimages.ImageUnavailable:
        raise HTTPException(404) from None
    if path is None:
        raise HTTPException(404)
    return path


_CACHE = {"Cache-Control": "private, max-age=600"}


@router.get("/books/{book_id}/entries/{entry_id}/row.jpg")
async def row_image(
    request: Request, book_id: int, entry_id: int, user: Annotated[UserInfo, Depends(current_user)]
) -> Response:
    """The entry's row cut from its page (the whole page when the entry has no row box)."""
    path = await run_in_threadpool(_serve, request, book_id, entry_id, None)
    return FileResponse(path, media_type="image/jpeg", headers=_CACHE)


@router.get("/books/{book_id}/entries/{entry_id}/cells/{key}.jpg")
async def cell_image(
    request: Request, book_id: int, entry_id: int, key: str, user: Annotated[UserInfo, Depends(current_user)]
) -> Response:
    """One cell of the entry's row (404 when the row's cells are not known)."""
    path = await run_in_threadpool(_serve, request, book_id, entry_id, key)
    return FileResponse(path, media_type="image/jpeg", headers=_CACHE)

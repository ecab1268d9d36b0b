"""A document: its page image (zoom, rotate), the OCR text, the searchable PDF and the original —
and, beside the image, the panels that other parts of sohoa register (``sohoa.web.panels``).

Every view of a page, of its full-size image, of its PDF and of the original is written to the
audit trail: citizens' records are personal data (Decree 13/2023/NĐ-CP).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from indexer.accounts import UserInfo
from indexer.audit import audit
from indexer.documents import DocumentDetail, PageRow, document_detail, page_ref
from sohoa.web import pageimages
from sohoa.web.panels import PanelContext, doubtful_words, panels_for
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])

EXT = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "application/pdf": ".pdf",
    "image/bmp": ".bmp",
    "image/webp": ".webp",
    "image/gif": ".gif",
}


def _audit(request: Request, user: UserInfo, action: str, doc_id: int, detail: dict[str, object]) -> None:
    with desk_of(request).app.db.write() as s:
        audit(s, user.username, action, "document", doc_id, detail)


def _load(request: Request, doc_id: int, page_no: int) -> tuple[DocumentDetail, PageRow]:
    doc = document_detail(desk_of(request).app.db, doc_id)
    if doc is None:
        raise HTTPException(404)
    page = doc.page(page_no)
    if page is None:
        raise HTTPException(404)
    return doc, page


def _page_context(request: Request, user: UserInfo, doc: DocumentDetail, page: PageRow) -> dict[str, object]:
    app = desk_of(request).app
    ctx = PanelContext(app, user, doc, page)
    panels = panels_for(ctx)
    in_ocr_pixels = bool(page.pdf_key) and app.archive_path(page.pdf_key).is_file()
    boxes = []
    if in_ocr_pixels:  # boxes are in the OCR image's pixels; only that image has them in place
        boxes = doubtful_words(ctx) + [b for p in panels for b in p.boxes]
    return {
        "doc": doc,
        "page": page,
        "panels": panels,
        "boxes": boxes,
        "image_w": page.width if in_ocr_pixels else None,
        "image_h": page.height if in_ocr_pixels else None,
        "finished": page.state in ("indexed", "failed") or doc.state == "quarantined",
        "view_width": pageimages.VIEW,
        # The image URL changes when its source does (original → searchable PDF), so no cache serves the old one.
        "image_version": "a" if in_ocr_pixels else f"o{page.rotation or 0}",
    }


@router.get("/documents/{doc_id}")
def view(
    request: Request,
    doc_id: int,
    user: Annotated[UserInfo, Depends(current_user)],
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    doc, pg = _load(request, doc_id, page)
    _audit(request, user, "document.view", doc_id, {"page": page})
    return render(request, "documents/view.html", _page_context(request, user, doc, pg), active="intake")


@router.get("/documents/{doc_id}/pages/{page_no}/area")
def page_area(
    request: Request, doc_id: int, page_no: int, user: Annotated[UserInfo, Depends(current_user)]
) -> Response:
    """The document block of one page (state, image, text, panels); htmx polls it until the page's OCR
    has finished, then it replaces itself with a version that no longer polls."""
    doc, pg = _load(request, doc_id, page_no)
    ctx = _page_context(request, user, doc, pg)
    if ctx["finished"]:
        _audit(request, user, "document.view", doc_id, {"page": page_no, "refresh": True})
    return render(request, "documents/_document.html", ctx)


@router.get("/documents/{doc_id}/pages/{page_no}/image")
async def page_image(
    request: Request,
    doc_id: int,
    page_no: int,
    user: Annotated[UserInfo, Depends(current_user)],
    w: int = pageimages.VIEW,
) -> Response:
    if w not in pageimages.WIDTHS:
        raise HTTPException(404)
    app = desk_of(request).app
    ref = await run_in_threadpool(page_ref, app.db, doc_id, page_no)
    if ref is None:
        raise HTTPException(404)
    try:
        path, _ = await run_in_threadpool(pageimages.page_image, app, ref, w)
    except pageimages.ImageUnavailable:
        raise HTTPException(404) from None
    if w >= pageimages.VIEW:  # thumbnails belong to the (audited) search or intake list
        await run_in_threadpool(_audit, request, user, "page.image", doc_id, {"page": page_no})
    # A thumbnail (its URL names its source) may stay in this browser's cache a few minutes, so
    # the intake list polled every few seconds does not fetch every row's image again.
    cache = "private, max-age=300" if w == pageimages.THUMB else "private, no-store"
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": cache})


def _filename(title: str, suffix: str) -> str:
    stem = re.sub(r"[^\w.-]+", "-", title.rsplit(".", 1)[0], flags=re.UNICODE).strip("-") or "ho-so"
    return f"{stem}{suffix}"


@router.get("/documents/{doc_id}/pages/{page_no}/pdf")
def page_pdf(request: Request, doc_id: int, page_no: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    app = desk_of(request).app
    ref = page_ref(app.db, doc_id, page_no)
    if ref is None or not ref.pdf_key or not app.archive_path(ref.pdf_key).is_file():
        raise HTTPException(404)
    _audit(request, user, "document.pdf", doc_id, {"page": page_no})
    return FileResponse(
        app.archive_path(ref.pdf_key),
        media_type="application/pdf",
        filename=_filename(ref.title, f"-trang-{page_no}.pdf"),
        content_disposition_type="inline",
    )


@router.get("/documents/{doc_id}/original")
def original(request: Request, doc_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    app = desk_of(request).app
    doc = document_detail(app.db, doc_id)
    if doc is None or not app.original_path(doc.store_key).is_file():
        raise HTTPException(404)
    _audit(request, user, "document.original", doc_id, {"sha256": doc.sha256[:16]})
    return FileResponse(
        app.original_path(doc.store_key),
        media_type=doc.media_type,
        filename=_filename(doc.title, EXT.get(doc.media_type, "")),
    )

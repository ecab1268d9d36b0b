"""Page images for the browser, as JPEG at a few fixed widths, cached on disk.

The picture comes from the page's searchable PDF in the archive when it exists: that image is the
page upright and deskewed, in the same pixels as the OCR words, so boxes drawn over it (doubtful
words now, fields later) land on the right place. Before OCR has finished, or when no PDF is
written, the stored original is drawn instead (turned upright when the rotation is known).
Thumbnails are drawn by the OCR worker beside the PDF (``ocr/thumbnail.py``) and served as they are.

Every picture is drawn by the one page renderer (``ocr.rasterize``: the same rotation rule as the
OCR). The cache lives in ``data_dir/cache/web``; a file there is written once, under a temporary
name, then renamed, so concurrent requests never see half an image. Deleting the folder is harmless.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from capture.fsutil import atomic_write
from indexer.documents import PageRef
from ocr.rasterize import PDF, PdfRenderError, render_page
from ocr.thumbnail import THUMB_WIDTH, thumbnail_path
from sohoa.app import App

THUMB = THUMB_WIDTH
VIEW = 1600
WIDTHS = (THUMB, 800, VIEW)
JPEG_QUALITY = 80


class ImageUnavailable(Exception):
    pass


def page_image(app: App, ref: PageRef, width: int) -> tuple[Path, bool]:
    """A JPEG of the page ``width`` pixels wide (or less), and whether it is in OCR coordinates."""
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {WIDTHS}")
    cache = app.settings.web_cache_dir / ref.sha256[:2]
    pdf = app.archive_path(ref.pdf_key) if ref.pdf_key else None
    if width == THUMB and pdf is not None:
        made = thumbnail_path(pdf)  # drawn by the OCR worker beside the PDF (ocr/thumbnail.py)
        if made.is_file():
            return made, True
    # A thumbnail needs no OCR coordinates: drawn from a scanned image (turned upright) it costs a
    # fraction of a PDF rendered by pdftoppm, which matters for a page of search results.
    thumb_from_original = (
        width == THUMB and ref.media_type != "application/pdf" and app.original_path(ref.store_key).is_file()
    )
    if pdf is not None and pdf.is_file() and not thumb_from_original:
        out = cache / f"{ref.sha256}-p{ref.page_no:04d}-a-w{width}.jpg"
        if not out.is_file():
            _draw(out, pdf, PDF, 0, width)
        return out, True
    src = app.original_path(ref.store_key)
    if not src.is_file():
        raise ImageUnavailable(f"original of document {ref.document_id} is missing")
    turn = (ref.rotation or 0) % 360
    out = cache / f"{ref.sha256}-p{ref.page_no:04d}-o{turn}-w{width}.jpg"
    if not out.is_file():
        _draw(out, src, ref.media_type, ref.page_no - 1, width, turn)
    return out, False


def _draw(out: Path, src: Path, media_type: str, index: int, width: int, turn: int = 0) -> None:
    """Page ``index`` of ``src`` ``width`` pixels wide, upright, as a JPEG, written atomically
    (a cache: not fsynced). Drawn by the one page renderer (``ocr.rasterize``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        im = render_page(src, media_type, index, width=width, rotation=turn)
    except (PdfRenderError, OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageUnavailable(f"cannot draw {src.name} page {index + 1}: {exc}") from None
    with atomic_write(out, durable=False, mode=0o600) as tmp:
        im.save(tmp, "JPEG", quality=JPEG_QUALITY)

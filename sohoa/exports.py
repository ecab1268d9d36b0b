"""A book exported for the national import: the XLSX in the vocabulary plus a ZIP of page images.

:func:`export_book` writes, per book, what the national import (Công văn 1437/BTP-CNTT, domain.md
§3) expects: one XLSX, one row per entry (``indexer.registers.export.write_xlsx``), and one ZIP with
one PDF per entry made of the entry's page images (colour, about 150 dpi, JPEG — some 100–200 kB an
A4 page), named in the row's ``tepDinhKem`` column; and the print-ready pages of the paper book.

It lives in the application layer because it reads the stored originals (``App.original_path``);
the data layer (``indexer/registers/export.py``) gives the rows, the names and the printed pages.
Every file is written to a temporary name and renamed, so an interrupted export leaves no half file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from capture.fsutil import atomic_write
from indexer.models import Document, Original, Page
from indexer.registers.books import find_book
from indexer.registers.entries import book_entries
from indexer.registers.export import (
    entry_history,
    entry_keyings,
    entry_pages,
    file_stem,
    is_double,
    pdf_name,
    print_pdf,
    write_xlsx,
)
from ocr.rasterize import render_page
from sohoa.app import App

EXPORT_DPI = 150
JPEG_QUALITY = 60


@dataclass
class BookExport:
    xlsx: Path
    zip: Path
    print_pdf: Path
    entries: int
    pdfs: int
    without_images: list[str] = field(default_factory=list)  # số of entries with no scanned page


def _page_image(app: App, page_id: int) -> Image.Image | None:
    """The page upright (its stored rotation undone), RGB, at most ``EXPORT_DPI``."""
    with app.db.read() as s:
        row = s.execute(
            select(Page.page_no, Page.rotation, Page.dpi, Original.store_key, Original.media_type)
            .join(Document, Document.id == Page.document_id)
            .join(Original, Original.id == Document.original_id)
            .where(Page.id == page_id)
        ).first()
    if row is None:
        return None
    page_no, rotation, dpi, key, media = row
    src = app.original_path(key)
    if not src.is_file():
        return None
    im = render_page(src, media, page_no - 1, dpi=EXPORT_DPI, rotation=rotation or 0, image_dpi=dpi)
    return im.convert("RGB") if im.mode != "RGB" else im


def entry_pdf(app: App, page_ids: list[int]) -> bytes | None:
    """One PDF of the given pages' images (reportlab, each image as JPEG), or None without images."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    images = [im for im in (_page_image(app, p) for p in page_ids) if im is not None]
    if not images:
        return None
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for im in images:
        dpi = im.info.get("dpi", (EXPORT_DPI, EXPORT_DPI))[0]
        w, h = im.width * 72.0 / dpi, im.height * 72.0 / dpi
        jpg = io.BytesIO()
        im.save(jpg, "JPEG", quality=JPEG_QUALITY, optimize=True)
        jpg.seek(0)
        c.setPageSize((w, h))
        c.drawImage(ImageReader(jpg), 0, 0, w, h)
        c.showPage()
    c.save()
    return buf.getvalue()


def export_book(app: App, book_ref: str | int, out_dir: Path) -> BookExport:
    book = find_book(app.db, book_ref)
    entries = book_entries(app.db, book.id)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(book)
    pages = entry_pages(app.db, [e.id for e in entries])
    files: dict[int, str] = {}
    without: list[str] = []
    zpath = out_dir / f"{stem}.zip"
    with atomic_write(zpath, durable=False) as tmpz, zipfile.ZipFile(tmpz, "w", compression=zipfile.ZIP_STORED) as z:
        for e in entries:
            pdf = entry_pdf(app, pages.get(e.id, []))
            if pdf is None:
                without.append(e.so or f"#{e.id}")
                continue
            name = pdf_name(book, e.so, e.id)
            z.writestr(name, pdf)
            files[e.id] = name
    ids = [e.id for e in entries]
    xlsx = write_xlsx(
        book,
        entries,
        files,
        out_dir / f"{stem}.xlsx",
        history=entry_history(app.db, ids),
        keyings=entry_keyings(app.db, ids),
        double_keying=is_double(app.db, book.id),
    )
    printed = print_pdf(app.db, book.id, out_dir / f"{stem}_in-so.pdf")
    return BookExport(xlsx, zpath, printed, len(entries), len(files), without)

"""Thin wrapper over poppler's ``pdftoppm`` (through pdf2image): one PDF page to an image."""

from __future__ import annotations

from pathlib import Path

from PIL import Image


class PdfRenderError(Exception):
    pass


def render_pdf_page(path: Path, index: int, dpi: int, timeout: int = 120) -> Image.Image:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

    try:
        pages = convert_from_path(
            str(path), dpi=dpi, first_page=index + 1, last_page=index + 1, fmt="ppm", timeout=timeout
        )
    except (PDFPageCountError, PDFSyntaxError, PDFInfoNotInstalledError, OSError, ValueError) as exc:
        raise PdfRenderError(f"{path.name} page {index + 1}: {exc}") from None
    except Exception as exc:  # pdf2image raises bare Exceptions on timeouts
        raise PdfRenderError(f"{path.name} page {index + 1}: {exc}") from None
    if not pages:
        raise PdfRenderError(f"{path.name} page {index + 1}: poppler rendered nothing")
    return pages[0]

"""Stage 1: read one page into memory, upright as the file says (EXIF), with its resolution; the
pixels come from the one page renderer (``ocr.rasterize``).

The resolution is the file's DPI tag or, without one, a guess from the A4 paper size; either
is only a first opinion, checked against the text size later (``ocr.resolution``)."""

from __future__ import annotations

from PIL import Image, ImageFile

from ocr.rasterize import PdfRenderError, open_image_page, render_pdf_page, to_array
from ocr.types import LoadedPage, OcrFailure, PageError, PageSource

STANDARD_DPI = (150, 200, 240, 300, 400, 600)
A4_SHORT_SIDE_IN = 8.27


def guess_dpi(width: int, height: int) -> int:
    """Resolution of a page scanned without a DPI tag, assuming A4 (or A3 landscape registers)."""
    raw = min(width, height) / A4_SHORT_SIDE_IN
    near = min(STANDARD_DPI, key=lambda d: abs(d - raw))
    # A phone-size image (576 px across: 70 dpi of A4) is not a 150-dpi scan.
    return near if abs(near - raw) <= 0.25 * near else max(1, int(round(raw)))


def load_page(src: PageSource, pdf_dpi: int = 300) -> LoadedPage:
    if src.media_type == "application/pdf":
        try:
            im = render_pdf_page(src.path, src.index, pdf_dpi)
        except PdfRenderError as exc:
            raise PageError(OcrFailure.BAD_INPUT, str(exc)) from None
        return LoadedPage(image=to_array(im), dpi=pdf_dpi, dpi_source="pdf")
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        im = open_image_page(src.path, src.index)
        dpi_info = im.info.get("dpi")
        arr = to_array(im)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise PageError(OcrFailure.BAD_INPUT, f"{src.path.name} page {src.index + 1}: {exc}") from None
    h, w = arr.shape[:2]
    dpi = 0
    if dpi_info:
        try:
            dpi = int(round(float(dpi_info[0])))
        except (TypeError, ValueError, IndexError):
            dpi = 0
    if 50 <= dpi <= 2400:
        # Checked against the text size before use (``ocr.resolution``): tags are often wrong.
        return LoadedPage(image=arr, dpi=dpi, dpi_source="tag")
    return LoadedPage(image=arr, dpi=guess_dpi(w, h), dpi_guessed=True, dpi_source="none")

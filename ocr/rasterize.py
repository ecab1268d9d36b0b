"""The one page renderer: a page of a PDF (poppler's ``pdftoppm``, through pdf2image) or a frame of
an image file (turned as its EXIF says), as an 8-bit grey or RGB picture, and the one rule that
turns a page upright. The OCR worker (``ocr.load``), the desk (``sohoa.web.pageimages``) and the
register export (``sohoa.exports``) draw pages only through here, so a page looks the same, the
same way up, wherever it is shown.

The rule for turning: a page's ``rotation`` is how far its content is turned *clockwise*
(0/90/180/270); :func:`upright` undoes it by turning the picture counter-clockwise — exactly what
``ocr.imageops.turn`` does to an array, so the desk's picture and the OCR's words agree.

Pure: nothing is written (pdf2image's temporary files aside); the callers decide where pictures go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

PDF = "application/pdf"


class PdfRenderError(Exception):
    pass


def render_pdf_page(
    path: Path, index: int, dpi: int | None = None, *, width: int | None = None, timeout: int = 120
) -> Image.Image:
    """Page ``index`` (0-based) of a PDF at ``dpi``, or ``width`` pixels wide (its height in
    proportion). Raises :class:`PdfRenderError`."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

    # pdf2image's annotation says no to None, its code takes it (no size: the resolution counts).
    size: Any = (width, None) if width else None
    try:
        pages = convert_from_path(
            str(path),
            dpi=dpi or 200,  # poppler sizes the page to ``width`` instead when one is given
            size=size,
            first_page=index + 1,
            last_page=index + 1,
            fmt="ppm",
            timeout=timeout,
        )
    except (PDFPageCountError, PDFSyntaxError, PDFInfoNotInstalledError, OSError, ValueError) as exc:
        raise PdfRenderError(f"{path.name} page {index + 1}: {exc}") from None
    except Exception as exc:  # pdf2image raises bare Exceptions on timeouts
        raise PdfRenderError(f"{path.name} page {index + 1}: {exc}") from None
    if not pages:
        raise PdfRenderError(f"{path.name} page {index + 1}: poppler rendered nothing")
    return pages[0]


def open_image_page(path: Path, index: int = 0, *, draft_width: int | None = None) -> Image.Image:
    """Frame ``index`` of an image file, loaded, turned as its EXIF orientation says; its DPI tag
    stays in ``info``. ``draft_width``: a JPEG may be decoded at a reduced size no narrower than
    this. Raises what PIL raises on a bad file (OSError, SyntaxError, ValueError, EOFError,
    DecompressionBombError)."""
    with Image.open(path) as opened:
        im: Image.Image = opened
        if index:
            im.seek(index)
        if draft_width:
            im.draft("RGB", (draft_width, draft_width))
        im = ImageOps.exif_transpose(im)
        im.load()
    return im


def to_array(im: Image.Image) -> np.ndarray:
    """8-bit grey or RGB, whatever the file held (bilevel, palette, 16-bit, alpha)."""
    if im.mode in ("1", "L"):
        return np.asarray(im.convert("L"))
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = max(float(arr.max()), 1.0)
        return (arr * (255.0 / (65535.0 if top > 255 else 255.0))).clip(0, 255).astype(np.uint8)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    rgb = np.asarray(im.convert("RGB"))
    # A colour scan of a black-and-white page is cheaper to keep as grey.
    if rgb.shape[0] * rgb.shape[1] > 0:
        sample = rgb[::16, ::16].astype(np.int16)
        if int(np.abs(sample - sample.mean(axis=2, keepdims=True)).max()) <= 12:
            return np.asarray(im.convert("L"))
    return rgb


def upright(im: Image.Image, rotation: int) -> Image.Image:
    """Undo a clockwise turn of the content by ``rotation`` degrees (0/90/180/270)."""
    r = rotation % 360
    return im.rotate(r, expand=True) if r else im


def _shrink(im: Image.Image, width: int) -> Image.Image:
    """Box-reduce a picture more than twice too wide first: LANCZOS over a full-size scan is what
    costs; the last step is left to the caller's resampling."""
    factor = im.width // (2 * width)
    if factor >= 2:
        if im.mode == "1":
            im = im.convert("L")
        if im.mode in ("L", "RGB"):
            im = im.reduce(factor)
    return im


def render_page(
    path: Path,
    media_type: str,
    index: int,
    *,
    dpi: int | None = None,
    width: int | None = None,
    rotation: int = 0,
    image_dpi: int | None = None,
) -> Image.Image:
    """Page ``index`` (0-based) of a stored file, upright (``rotation`` undone), 8-bit grey or RGB,
    with ``info["dpi"]`` its resolution. A PDF page is drawn at ``dpi`` (or ``width`` pixels
    wide); an image page is never enlarged: only reduced to ``width`` pixels wide or to ``dpi``
    (its own resolution: ``image_dpi`` when known, else its tag, else 300)."""
    if media_type == PDF:
        im = render_pdf_page(path, index, dpi, width=width)
        res = float(dpi) if dpi and not width else None
        im = Image.fromarray(to_array(im))
    else:
        im = open_image_page(path, index, draft_width=width)
        res = float(image_dpi or (im.info.get("dpi") or (300, 300))[0] or 300)
        if width:
            im, res = _shrink(im, width), None
        elif dpi and dpi < res:
            scale = dpi / res
            size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            im, res = im.resize(size, Image.Resampling.LANCZOS), float(dpi)
        im = Image.fromarray(to_array(im))
    im = upright(im, rotation)
    if width and im.width > width:
        im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS)
    if res:
        im.info["dpi"] = (res, res)
    return im

"""Page images for the browser, as JPEG at a few fixed widths, cached on disk.

The picture comes from the page's searchable PDF in the archive when it exists: that image is the
page upright and deskewed, in the same pixels as the OCR words, so boxes drawn over it (doubtful
words now, fields later) land on the right place. Before OCR has finished, or when no PDF is
written, the stored original is drawn instead (turned upright when the rotation is known).
Thumbnails are drawn by the OCR worker beside the PDF (``ocr/thumbnail.py``) and served as they are.

The cache lives in ``data_dir/cache/web``; a file there is written once, under a temporary name,
then renamed, so concurrent requests never see half an image. Deleting the folder is harmless.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

from indexer.documents import PageRef
from ocr.load import to_array
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
            _write_atomically(out, lambda tmp: _from_pdf(pdf, 1, width, tmp))
        return out, True
    src = app.original_path(ref.store_key)
    if not src.is_file():
        raise ImageUnavailable(f"original of document {ref.document_id} is missing")
    turn = (ref.rotation or 0) % 360
    out = cache / f"{ref.sha256}-p{ref.page_no:04d}-o{turn}-w{width}.jpg"
    if not out.is_file():
        if ref.media_type == "application/pdf":
            _write_atomically(out, lambda tmp: _from_pdf(src, ref.page_no, width, tmp, turn))
        else:
            _write_atomically(out, lambda tmp: _from_image(src, ref.page_no - 1, width, tmp, turn))
    return out, False


def _write_atomically(out: Path, make) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=".tmp-", suffix=".jpg")
    os.close(fd)
    tmp = Path(name)
    try:
        make(tmp)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _from_pdf(pdf: Path, page_no: int, width: int, out: Path, turn: int = 0) -> None:
    prefix = out.with_suffix("")
    cmd = [
        "pdftoppm",
        "-q",
        "-jpeg",
        "-jpegopt",
        f"quality={JPEG_QUALITY}",
        "-f",
        str(page_no),
        "-l",
        str(page_no),
        "-scale-to-x",
        str(width),
        "-scale-to-y",
        "-1",
        "-singlefile",
        str(pdf),
        str(prefix),
    ]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise ImageUnavailable(f"pdftoppm failed on {pdf.name} page {page_no}: {exc}") from None
    made = prefix.with_suffix(".jpg")
    if made != out:
        os.replace(made, out)
    if turn:
        with Image.open(out) as im:
            turned = im.rotate(turn, expand=True)
        turned.save(out, "JPEG", quality=JPEG_QUALITY)


def _from_image(src: Path, index: int, width: int, out: Path, turn: int) -> None:
    try:
        with Image.open(src) as opened:
            im: Image.Image = opened
            if index:
                im.seek(index)
            im.draft("RGB", (width, width))  # JPEG: decode at a reduced size when possible
            im = ImageOps.exif_transpose(im)
            factor = im.width // (2 * width)
            if factor >= 2:  # box-reduce first: LANCZOS over a full-size scan is what costs
                if im.mode == "1":
                    im = im.convert("L")
                if im.mode in ("L", "RGB"):
                    im = im.reduce(factor)
            im = Image.fromarray(to_array(im))  # 8-bit grey or RGB, whatever the file held
            if turn:
                im = im.rotate(turn, expand=True)  # undo a clockwise turn: rotate counter-clockwise
            if im.width > width:
                im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS)
            im.save(out, "JPEG", quality=JPEG_QUALITY)
    except (OSError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise ImageUnavailable(f"cannot draw {src.name} page {index + 1}: {exc}") from None

"""A small JPEG of the upright page, written beside its searchable PDF.

The web desk shows a thumbnail for every page in a list of search results; drawn there on first
view from a full-size scan it costs 10–50 ms a page, so twenty of them would make the first view of
a results page slow. The worker already holds the upright, deskewed image, so drawing it here
costs a millisecond or two. It shows the page in the same pixels as the OCR words (scaled).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from capture.fsutil import atomic_write

THUMB_WIDTH = 240
THUMB_SUFFIX = ".thumb.jpg"
JPEG_QUALITY = 80


def thumbnail_path(pdf_out: Path) -> Path:
    """``…/p0001.pdf`` → ``…/p0001.thumb.jpg``."""
    return pdf_out.with_name(pdf_out.stem + THUMB_SUFFIX)


def make_thumbnail(image: np.ndarray, width: int = THUMB_WIDTH) -> Image.Image:
    """The image (grey or RGB, 8-bit) scaled to ``width`` pixels wide; never enlarged."""
    h, w = image.shape[:2]
    if w > width:
        image = cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    return Image.fromarray(np.ascontiguousarray(image))


def write_thumbnail(image: np.ndarray, out: Path, width: int = THUMB_WIDTH) -> str:
    """Write the thumbnail under a temporary name, then rename: a reader never sees half a file.
    Returns the sha256 of the bytes written (hashed in memory, for fixity)."""
    buf = io.BytesIO()
    make_thumbnail(image, width).save(buf, "JPEG", quality=JPEG_QUALITY)
    data = buf.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, durable=False, mode=0o600) as tmp:  # drawn again from the PDF if lost
        tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest()

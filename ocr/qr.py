"""QR codes on a page image: image in, payloads out (zxing-cpp, Apache-2.0).

Guarantees: every QR code zxing-cpp can read on the page, in reading order (top to bottom, left
to right), each with its text (UTF-8 decoded, NFC) and its box in page pixels; an image with no QR
code gives an empty list, cheaply (one pass over a grey image at the page's resolution, no
rotation or inversion tries). Pure: no files, no database, nothing logged (a payload may hold a
personal ID number).
Never: guesses a payload, returns a partial read (zxing-cpp's error correction either decodes a
code whole or not at all).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import zxingcpp

Box = tuple[int, int, int, int]  # left, top, width, height
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True)
class QrCode:
    text: str
    box: Box


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)


def decode(image: np.ndarray, *, thorough: bool = False) -> list[QrCode]:
    """QR codes on ``image`` (grey or BGR). ``thorough`` also tries turned and inverted codes and
    other binarisations (slower; for a page known to carry a code)."""
    gray = np.ascontiguousarray(_gray(image))
    found = zxingcpp.read_barcodes(
        gray,
        formats=QR_ONLY,
        try_rotate=thorough,
        try_downscale=True,
        try_invert=thorough,
    )
    if not found and thorough:
        found = zxingcpp.read_barcodes(gray, formats=QR_ONLY, binarizer=zxingcpp.Binarizer.GlobalHistogram)
    out = []
    for b in found:
        if not b.valid:
            continue
        pts = [b.position.top_left, b.position.top_right, b.position.bottom_right, b.position.bottom_left]
        xs, ys = [p.x for p in pts], [p.y for p in pts]
        box = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        out.append(QrCode(unicodedata.normalize("NFC", b.text), box))
    out.sort(key=lambda q: (q.box[1], q.box[0]))
    return out

"""Seal ink out of the text: red and violet seals and stamps on colour scans.

Vietnamese administrative documents are printed in black; seals and stamps are red (or violet),
signatures and handwritten fill-ins blue pen. On a colour scan seal ink is told apart by
colour, not shape: a pixel whose channels differ strongly (chroma), red to violet, is seal ink,
unless it is also dark in every channel — black print under a red seal stays black (seal ink
multiplies with the print, it cannot lighten it). Blue pen stays: a hand-filled form field is
the clerk's to read (the signature goes with the other strokes, ``ocr.structure``).

``drop_colour_ink`` returns the grey page with coloured ink painted white, so black text,
including the part under a seal, is all that stays dark, and the mask of what it removed; ``colour_marks`` gives their boxes (``ColourMark``: red seal/stamp or blue pen)
for the result.

Guarantees: pure; grey images pass through untouched; never darkens a pixel; pixels dark in
every channel (black print) are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CHROMA = 60  # max - min channel: above this a pixel is coloured ink (JPEG fringes of black stay below)
DARK = 90  # brightest channel below this: black (print under the seal), kept
CHROMA_IN_MARK = 40  # ... and above this inside a region where strongly coloured ink gathers
MARK_MM = 4.0  # coloured blobs smaller than this across are not reported as marks
MARK_SHARE = 0.03  # nor dropped unless this share of the page's short side across (A4: 6 mm)


@dataclass(frozen=True)
class ColourMark:
    kind: str  # "red" (seal, stamp; violet included)
    left: int
    top: int
    width: int
    height: int


def coloured_mask(rgb: np.ndarray, chroma: int = CHROMA) -> np.ndarray:
    """Pixels of seal ink: coloured (not black, not paper) and red to violet, not blue."""
    hi = rgb.max(axis=2)
    lo = rgb.min(axis=2)
    r, b = rgb[..., 0].astype(np.int16), rgb[..., 2].astype(np.int16)
    return ((hi.astype(np.int16) - lo) > chroma) & (hi >= DARK) & (r * 5 >= b * 4)


def drop_colour_ink(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The grey page without coloured ink, and the mask of that ink (None when there was none).

    Only coloured blobs at least ``MARK_SHARE`` of the page's short side across count (a seal,
    a signature, a pen line): the colour fringes JPEG leaves around black letters do not."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    k = max(1, min(gray.shape) // 400)
    if not coloured_mask(rgb[::k, ::k]).any():  # no seal ink at all (most pages): cheap look
        return gray, None
    mask = coloured_mask(rgb)
    if not mask.any():
        return gray, None
    region = _large_regions(mask)
    if not region.any():
        return gray, None
    # Inside a mark's region, fainter colour (a blurred or pale seal) is the mark's ink too.
    mask = coloured_mask(rgb, CHROMA_IN_MARK) & region
    # The fringe of a coloured stroke (JPEG, blur) is less saturated than its core: widen a bit.
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    hi = rgb.max(axis=2)
    out = gray.copy()
    out[grown & (hi >= DARK)] = 255
    return out, mask


def _large_regions(mask: np.ndarray) -> np.ndarray:
    """Where coloured pixels gather into blobs of a mark's size (found on a small copy)."""
    h, w = mask.shape
    f = min(1.0, 400 / max(1, min(h, w)))
    small = (
        cv2.resize(mask.astype(np.uint8) * 255, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        if f < 1
        else mask.astype(np.uint8) * 255
    )
    small = cv2.dilate((small > 40).astype(np.uint8), np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    side = MARK_SHARE * min(small.shape)
    keep[1:] = np.maximum(stats[1:, 2], stats[1:, 3]) >= side
    region = keep[labels].astype(np.uint8)
    return cv2.resize(region, (w, h), interpolation=cv2.INTER_NEAREST) > 0


def colour_marks(rgb: np.ndarray, mask: np.ndarray, dpi: float) -> list[ColourMark]:
    """Boxes of the seal marks in ``mask`` (``rgb`` and ``mask`` in the same, upright frame)."""
    mm = dpi / 25.4
    f = min(1.0, 50 / max(dpi, 1))  # the marks are found on a ~50 dpi copy
    small = cv2.resize(mask.astype(np.uint8), None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else mask
    small = cv2.dilate((small > 0).astype(np.uint8), np.ones((5, 5), np.uint8))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    marks = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        x0, y0, x1, y1 = int(x / f), int(y / f), int((x + w) / f), int((y + h) / f)
        if max(x1 - x0, y1 - y0) < MARK_MM * mm:
            continue
        sub = rgb[y0:y1, x0:x1][mask[y0:y1, x0:x1]]
        if not len(sub):
            continue
        marks.append(ColourMark("red", x0, y0, x1 - x0, y1 - y0))
    return marks

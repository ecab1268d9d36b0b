"""Stage 2: is the page blank? Separator sheets and back sides carry specks, punch holes and
faint bleed-through but no lines of text; Tesseract would invent characters on them.

Only blobs that are dark like ink somewhere count as characters: bleed-through from the other
side is grey after background normalisation, print is near black. A page is *not* blank when it
holds ``MIN_TEXT_COMPONENTS`` such character-sized blobs, or one line of print: three or more
of them side by side on a common band (across the page, or down it on a page turned by 90°). Specks are too small
to count as characters, punch holes are solid round blobs, and a scanner border is too long;
none of them line up with two neighbours of the same size.

The one blank detector. The OCR stage asks :func:`detect_blank` whether to read a page; the
scanner asks :func:`is_blank_back` (handed to ``capture.scanner.batch`` by ``sohoa.scanning``:
capture knows nothing of OCR) whether a back side may be left out of OCR. The scanner's question
is stricter — dropping a written page would lose it from the dossier — so a back side holding a
large mark (a signature, a stamp, a drawing) or a dark page is never blank to it.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.imageops import downscale, normalize_background
from ocr.types import BlankResult

WORK_DPI = 100
MARGIN = 0.03  # scanner edges live in the outer 3 %
INK_LEVEL = 150  # darker than this after background normalisation is ink, not bleed-through
DARK_LEVEL = 110  # a line of print has blobs at least this dark
MIN_LINE_BLOBS = 3
MIN_TEXT_COMPONENTS = 25  # this many character-sized blobs are text, whatever their layout
MIN_FAINT_LINES = 3  # lines of grey character-sized blobs that make a page worth a reading
DARK_PAGE = 128  # a page whose median is darker than this (a photo, a black cover) is never blank


def _lines(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray) -> list[np.ndarray]:
    """Groups (≥ MIN_LINE_BLOBS) of blobs chained side by side: overlapping vertically by half the
    smaller height, similar in height, at most 1.5 heights apart."""
    n = len(x)
    if n < MIN_LINE_BLOBS:
        return []
    y1, x1 = y + h, x + w
    overlap = np.minimum(y1[:, None], y1[None]) - np.maximum(y[:, None], y[None])
    hmin, hmax = np.minimum(h[:, None], h[None]), np.maximum(h[:, None], h[None])
    gap = np.maximum(x[:, None], x[None]) - np.minimum(x1[:, None], x1[None])
    link = (overlap >= 0.5 * hmin) & (hmax <= 2.5 * hmin) & (gap <= 1.5 * hmax)
    np.fill_diagonal(link, False)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(link))):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[rj] = ri
    roots = np.array([find(i) for i in range(n)])
    out = []
    for r in np.unique(roots):
        members = np.flatnonzero(roots == r)
        if len(members) >= MIN_LINE_BLOBS:
            out.append(members)
    return out


def detect_blank(gray: np.ndarray, dpi: int) -> BlankResult:
    small, f = downscale(gray, dpi, WORK_DPI)
    d = dpi * f
    norm = normalize_background(small, int(round(d)))
    h, w = norm.shape
    my, mx = int(h * MARGIN), int(w * MARGIN)
    core = norm[my : h - my, mx : w - mx]
    ink = (core < INK_LEVEL).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    px = d / 25.4  # pixels per mm at the working resolution
    xs, ys, ws, hs, areas = (stats[1:, i] for i in range(5))
    # Print is near black somewhere in each character; bleed-through never is.
    dark = np.bincount(labels[core < DARK_LEVEL], minlength=n)[1:] > 0
    # A character is 1.2–8 mm tall, not a long line; a punch hole is a solid disc.
    disc = (ws >= 3 * px) & (hs >= 3 * px) & (areas >= 0.6 * ws * hs) & (np.abs(ws - hs) <= 0.3 * np.maximum(ws, hs))
    text_like = (hs >= 1.2 * px) & (hs <= 8 * px) & (ws <= 15 * px) & (areas >= 4) & ~disc & dark
    count = int(text_like.sum())
    # A signature, stamp or drawing: over 12 mm one way, at least 2 mm the other, not a thin rule
    # and not the scanner's edge (longer than half the page).
    long, short = np.maximum(hs, ws), np.minimum(hs, ws)
    large = int(((long >= 12 * px) & (short >= 2 * px) & (areas >= 20 * px * px) & (long < 0.5 * max(h, w))).sum())
    if count >= MIN_TEXT_COMPONENTS:
        return BlankResult(False, float(ink.mean()), count, large)
    tl = np.flatnonzero(text_like)
    # A line of print, across the page or (a page turned by 90°) down it.
    lines = any(
        _lines(pos[tl], cross[tl], length[tl], thick[tl])
        for pos, cross, length, thick in ((xs, ys, ws, hs), (ys, xs, hs, ws))
    )
    faint = False if lines else _faint_lines(core, px)
    return BlankResult(
        blank=not lines, ink_ratio=float(ink.mean()), text_components=count, large_marks=large, faint_lines=faint
    )


def _faint_lines(core: np.ndarray, px: float) -> bool:
    """Lines of character-sized blobs in ink lighter than print (the page's own Otsu threshold,
    not ``INK_LEVEL``): faint print — a worn toner cartridge, a light photocopy — or the other
    side showing through. Only a reading tells them apart."""
    t, _ = cv2.threshold(core, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if t >= 245 or float(core.min()) > t - 15:
        return False  # no second level of grey: paper only
    ink = (core < min(t, 240)).astype(np.uint8)
    _n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    xs, ys, ws, hs, areas = (stats[1:, i] for i in range(5))
    disc = (ws >= 3 * px) & (hs >= 3 * px) & (areas >= 0.6 * ws * hs)
    grey = (hs >= 1.2 * px) & (hs <= 8 * px) & (ws <= 15 * px) & (areas >= 4) & ~disc
    if int(grey.sum()) < MIN_TEXT_COMPONENTS:
        return False
    g = np.flatnonzero(grey)
    across = _lines(xs[g], ys[g], ws[g], hs[g])
    down = _lines(ys[g], xs[g], hs[g], ws[g])
    return max(len(across), len(down)) >= MIN_FAINT_LINES


def is_blank_back(gray: np.ndarray, dpi: int) -> bool:
    """May the scanner leave this back side out of OCR? Only when it holds no text, no large mark,
    and is not a dark page: a page kept by mistake costs one OCR pass, a page dropped is lost."""
    if gray.size == 0:
        return True
    if float(np.median(gray)) < DARK_PAGE:
        return False
    found = detect_blank(gray, dpi)
    return found.blank and found.large_marks == 0

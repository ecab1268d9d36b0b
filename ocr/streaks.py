"""Roller streaks of a photocopier, taken off the page before recognition.

A copier's dirty roller or drum leaves a thin vertical streak from the top edge of the sheet to
the bottom: solid, or a dotted grey band that a bilevel copy turns into speckle. Where it crosses
a word it joins the letters (Tesseract then reads "Trưởng" unsure, and the word looks joined-up
like handwriting to ``ocr.doubt``) or reads as an extra ``l``/``|``. Print never inks one narrow
band of columns all the way down the page: a table's rules stop at its edges, a text column has
line gaps and margins.

A streak here is a run of columns at most ``MAX_MM`` wide inked in at least ``MIN_SHARE`` of the
rows of every one of ``BANDS`` horizontal bands of the page and of the strips along its top and
bottom edges (a ledger's or a frame's rules stop in the margins). It is painted white, except where a
letter's stroke runs into it: a row keeps its ink inside the streak when the page is inked just
left and right of it (a thin streak: on either side).

Guarantees: pure (returns a new image and the streaks' column ranges); changes only pixels in the
streaks' columns; a page without streaks comes back equal.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_MM = 1.5  # wider than this is no roller streak
MIN_SHARE = 0.3  # share of a band's rows the streak inks (dotted grey streaks ~0.5, solid ~1)
BANDS = 8  # the page's height in this many bands, each crossed by the streak
EDGE_STRIP = 0.03  # ... and the strips this deep at the top and bottom edge (margins: no print)
THIN_PX = 3  # a streak this thin keeps a row where a stroke meets it from one side


def find_streaks(ink: np.ndarray, dpi: float) -> list[tuple[int, int]]:
    """Column ranges [start, end) of the vertical streaks on an ink mask (bool, True = ink)."""
    h, w = ink.shape
    if h < BANDS * 4:
        return []
    edges = np.linspace(0, h, BANDS + 1).astype(int)
    strip = max(2, int(EDGE_STRIP * h))
    rows = [*zip(edges[:-1], edges[1:], strict=True), (0, strip), (h - strip, h)]
    share = np.stack([ink[a:b].mean(axis=0) for a, b in rows])
    col: np.ndarray = np.asarray((share >= MIN_SHARE).all(axis=0))
    out = []
    max_px = max(1, int(round(MAX_MM * dpi / 25.4)))
    x = 0
    while x < w:
        if not col[x]:
            x += 1
            continue
        start = x
        while x < w and col[x]:
            x += 1
        # A streak's soft rim inks less than its core: take in the neighbouring columns that are
        # inked in most bands.
        a, b = start, x
        while a > 0 and share[:, a - 1].min() >= MIN_SHARE / 2:
            a -= 1
        while b < w and share[:, b].min() >= MIN_SHARE / 2:
            b += 1
        if b - a <= max_px and (a, b) not in out:
            out.append((a, b))
    return out


def remove_streaks(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The page (grey, white paper) with its vertical roller streaks painted out."""
    _, inv = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = inv > 0
    streaks = find_streaks(ink, dpi)
    if not streaks:
        return gray, []
    out = gray.copy()
    w = gray.shape[1]
    for a, b in streaks:
        left = ink[:, a - 1] if a > 0 else np.zeros(len(ink), bool)
        right = ink[:, b] if b < w else np.zeros(len(ink), bool)
        stroke = (left | right) if b - a <= THIN_PX else (left & right)
        out[~stroke, a:b] = 255
        if b - a > THIN_PX:
            out[stroke, a:b] = 0  # a wide streak hides the stroke's pixels: bridge it
    return out, streaks

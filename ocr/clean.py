"""Stage 5: clean the upright page for recognition: white paper, no dark scanner border, no
dotted fill-in leaders (they fuse with the values written on them), no ruled lines, signatures
or stamps (Tesseract reads them as ``|``, ``_`` and invented words); the tables found on the
way give the reading order of their cells.

A photocopier's roller streaks go first (``ocr.streaks``): they join the letters they cross.
One Otsu threshold and one connected-component pass of the background-normalised page serve
the border, the leader and the structure (rules, tables, signatures, stamps) removal.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.imageops import normalize_background
from ocr.leaders import remove_leaders
from ocr.streaks import remove_streaks
from ocr.structure import Table, find_structure

BORDER_LEVEL = 90  # a scanner border is darker than this even after normalisation


def whiten_border(out: np.ndarray, labels: np.ndarray, stats: np.ndarray, dpi: int) -> None:
    """Dark regions touching the image edge (scanner lid, shadow) become white, in place.

    Candidates are the large ink components touching the edge; within one, only the connected
    parts darker than ``BORDER_LEVEL`` that themselves touch the edge go (text is never that
    big), plus a thin rim around them (blur, JPEG)."""
    h, w = out.shape
    min_area = (dpi / 25.4 * 3) ** 2  # larger than a 3 mm square
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    big = (area >= min_area) & ((bw > 0.3 * w) | (bh > 0.3 * h))
    for i in np.flatnonzero(touches & big) + 1:
        x0, y0, ww, hh = (int(v) for v in stats[i, :4])
        sub = out[y0 : y0 + hh, x0 : x0 + ww]
        dark = ((labels[y0 : y0 + hh, x0 : x0 + ww] == i) & (sub < BORDER_LEVEL)).astype(np.uint8)
        n, lab, st, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
        kill = np.zeros(n, dtype=bool)
        for j in range(1, n):
            sx, sy, sw, sh, sa = st[j]
            gx, gy = x0 + sx, y0 + sy
            edge = gx == 0 or gy == 0 or gx + sw >= w or gy + sh >= h
            kill[j] = edge and sa >= min_area and (sw > 0.3 * w or sh > 0.3 * h)
        if kill.any():
            mask = cv2.dilate(kill[lab].astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
            sub[mask] = 255


@dataclass
class Cleaned:
    image: np.ndarray  # grey, white paper, only text left
    tables: list[Table]


def clean_page(gray: np.ndarray, dpi: int, erase_structure: bool = True) -> Cleaned:
    norm, _streaks = remove_streaks(normalize_background(gray, dpi), dpi)
    _, ink = cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    comps = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = norm  # normalize_background returns a new array: paint in place
    whiten_border(out, comps[1], comps[2], dpi)
    structure = find_structure(ink, comps, dpi)
    remove_leaders(norm, dpi, comps, out=out)
    if erase_structure:
        out[structure.erase] = 255
    return Cleaned(out, structure.tables)

"""Is a line of ink handwritten or printed? Told from the ink's geometry, never from what it says.

A typeface puts every letter that has no descender on one straight baseline: the bottoms of a
printed line's letters lie on a line to within a pixel or two, whatever the face, size, skew,
blur or photocopy. A hand does not: letters ride up and down a wavy baseline, and each is a
little turned. So, over the boxes of one value (a field's words on a line), the ink is cut into
its connected pieces, a straight line is fitted through the pieces' bottoms (Theil–Sen, so
descenders and strays do not pull it), and the **baseline spread** is the median distance of the
bottoms from that line over the pieces' median height. Printed lines stay near 0.02; a hand well
above ``HAND_SPREAD``.

Guarantees: pure (grey image and boxes in, a number out); ``None`` when the ink is too little to
judge (fewer than ``MIN_PIECES`` letter-sized pieces on every line), never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # left, top, width, height

MIN_PIECES = 5  # letter-sized pieces on a line needed to judge it
HAND_SPREAD = 0.075  # baseline spread above which a line is handwriting


@dataclass(frozen=True)
class Piece:
    x: float  # centre
    bottom: float
    height: float


def _pieces(gray: np.ndarray, box: Box) -> list[Piece]:
    """The letter-sized connected pieces of ink in a word's box (page coordinates)."""
    left, top, width, height = box
    if width < 4 or height < 4:
        return []
    pad = max(1, height // 5)
    y0, y1 = max(0, top - pad), min(gray.shape[0], top + height + pad)
    x0, x1 = max(0, left), min(gray.shape[1], left + width)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or int(crop.max()) - int(crop.min()) < 40:
        return []
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h < 0.3 * height or area < max(4, 0.01 * height * height):
            continue  # diacritics, dots below, specks
        if y == 0 or y + h >= ink.shape[0]:
            continue  # cut by the crop: a neighbour line's stroke or a rule
        if w > 3 * height and h < 0.5 * height:
            continue  # an underline or a leader
        out.append(Piece(x0 + x + w / 2, y0 + y + h, float(h)))
    return out


def _lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes grouped into text lines (vertical centres within half a box height)."""
    lines: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: b[1] + b[3] / 2):
        c = b[1] + b[3] / 2
        if lines:
            last = lines[-1]
            lc = median(x[1] + x[3] / 2 for x in last)
            lh = median(x[3] for x in last)
            if abs(c - lc) <= 0.5 * max(lh, b[3]):
                last.append(b)
                continue
        lines.append([b])
    return lines


def _theil_sen(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    i, j = np.triu_indices(len(xs), k=1)
    dx = xs[j] - xs[i]
    ok = np.abs(dx) > 1e-6
    slope = float(np.median((ys[j] - ys[i])[ok] / dx[ok])) if ok.any() else 0.0
    return slope, float(np.median(ys - slope * xs))


def line_spread(pieces: Sequence[Piece]) -> float | None:
    """Median distance of the pieces' bottoms from their fitted baseline, over their median height."""
    if len(pieces) < MIN_PIECES:
        return None
    xs = np.array([p.x for p in pieces], dtype=np.float64)
    ys = np.array([p.bottom for p in pieces], dtype=np.float64)
    slope, icpt = _theil_sen(xs, ys)
    resid = np.abs(ys - (slope * xs + icpt))
    return float(np.median(resid)) / max(float(np.median([p.height for p in pieces])), 1.0)


def baseline_spread(gray: np.ndarray, boxes: Sequence[Box]) -> float | None:
    """The value's baseline spread: the largest over its lines that can be judged, or ``None``."""
    spreads = []
    for line in _lines(boxes):
        pieces = [p for b in line for p in _pieces(gray, b)]
        s = line_spread(pieces)
        if s is not None:
            spreads.append(s)
    return max(spreads) if spreads else None


def looks_hand_lettered(gray: np.ndarray, boxes: Sequence[Box]) -> bool:
    s = baseline_spread(gray, boxes)
    return s is not None and s > HAND_SPREAD

"""Remove dotted fill-in leaders (``.........``) from a page image.

A leader is a horizontal run of small, similar, evenly spaced dots. Each dot alone could be
a full stop or the dot below ạ/ệ, so only dots with several aligned neighbours on both sides
are erased.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_RUN = 4


def remove_leaders(gray: np.ndarray, dpi: int) -> np.ndarray:
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, cent = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return gray
    mm = dpi / 25.4
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    small = (w <= 0.9 * mm) & (h <= 0.9 * mm) & (area >= 1) & (w <= 2.5 * h) & (h <= 2.5 * w)
    idx = np.nonzero(small)[0] + 1
    if len(idx) < MIN_RUN:
        return gray
    cx, cy = cent[idx, 0], cent[idx, 1]
    # Group dots into rows by their centre's y (within 0.4 mm), then split rows into runs.
    order = np.lexsort((cx, np.round(cy / (0.4 * mm))))
    leader = np.zeros(n, dtype=bool)
    max_gap = 4.0 * mm
    run: list[int] = []

    def flush() -> None:
        if len(run) >= MIN_RUN:
            leader[idx[run]] = True

    prev = None
    for k in order:
        if prev is not None and abs(cy[k] - cy[prev]) <= 0.4 * mm and 0 < cx[k] - cx[prev] <= max_gap:
            run.append(k)
        else:
            flush()
            run = [k]
        prev = k
    flush()
    if not leader.any():
        return gray
    mask = leader[labels]
    mask = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    out = gray.copy()
    out[mask] = 255
    return out

"""Stage 5: clean the upright page for recognition: white paper, no dark scanner border, no
dotted fill-in leaders (they fuse with the values written on them)."""
from __future__ import annotations

import cv2
import numpy as np

from ocr.imageops import normalize_background
from ocr.leaders import remove_leaders


def whiten_border(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Dark regions touching the image edge (scanner lid, shadow) become white."""
    _, dark = cv2.threshold(gray, 90, 255, cv2.THRESH_BINARY_INV)
    h, w = gray.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    out = gray
    min_area = (dpi / 25.4 * 3) ** 2  # larger than a 3 mm square
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        touches = x == 0 or y == 0 or x + bw >= w or y + bh >= h
        if touches and area >= min_area and (bw > 0.3 * w or bh > 0.3 * h):
            if out is gray:
                out = gray.copy()
            out[labels == i] = 255
    return out


def clean_page(gray: np.ndarray, dpi: int) -> np.ndarray:
    norm = normalize_background(gray, dpi)
    norm = whiten_border(norm, dpi)
    return remove_leaders(norm, dpi)

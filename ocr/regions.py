"""A second look at one region of an upright page: the crop of a doubtful value, read again as
a single line — first with small specks (the dotted leader under the value) wiped, then at 2×."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from ocr.engine import OcrEngine
from ocr.types import Recognition

Box = tuple[int, int, int, int]  # left, top, width, height


def crop_boxes(gray: np.ndarray, boxes: list[Box]) -> np.ndarray | None:
    """The padded crop around ``boxes``, or None when they span several lines or nothing."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    if y1 - y0 > 3 * max(b[3] for b in boxes):
        return None  # a value on several lines: not a one-line re-read
    pad = max(4, (y1 - y0) // 3)
    crop = gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    return crop if crop.size else None


def strip_specks(gray: np.ndarray) -> np.ndarray:
    """The crop with specks smaller than a third of the text height (leader dots) painted white."""
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    if n <= 1:
        return gray
    tall = float(np.percentile(stats[1:, cv2.CC_STAT_HEIGHT], 90))
    small = [
        i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] < 0.3 * tall and stats[i, cv2.CC_STAT_WIDTH] < 0.3 * tall
    ]
    if not small:
        return gray
    out = gray.copy()
    out[np.isin(labels, small)] = 255
    return out


def reread_region(gray: np.ndarray, boxes: list[Box], dpi: int, engine: OcrEngine) -> Iterator[Recognition]:
    """Successive single-line readings of the region; the caller stops when one satisfies it."""
    crop = crop_boxes(gray, boxes)
    if crop is None:
        return
    yield engine.recognise(strip_specks(crop), dpi, psm=7)
    big = cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    yield engine.recognise(big, dpi * 2, psm=7)

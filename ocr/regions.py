"""A second look at one region of an upright page: the crop of a doubtful value, read again as
a single line — first with small specks (the dotted leader under the value) wiped, then (a scan
finer than 250 dpi) at 200 dpi, then at 2×. The crop takes in ink that touches the value's boxes
closer than a word space: characters the first read lost."""

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
    x0, x1 = _ink_run(gray, x0, x1, y0, y1)
    crop = gray[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    return crop if crop.size else None


def _ink_run(gray: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> tuple[int, int]:
    """``x0, x1`` widened over ink that touches the boxes with less than a word space between: the
    first read may have lost a value's first or last characters (``17/11/1993`` read ``1ọoa``),
    never the label before it (a space apart) nor a cell's rule."""
    h = y1 - y0
    band = gray[y0:y1, max(0, x0 - 3 * h) : x1 + 3 * h]
    if band.size == 0:
        return x0, x1
    off = max(0, x0 - 3 * h)
    _, ink = cv2.threshold(band, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    counts = ink.sum(axis=0)
    cols = counts > 0
    rule = counts >= 0.9 * h  # a cell's side: the value ends there
    space = max(2, int(0.3 * h))

    def walk(start: int, step: int) -> int:
        edge, gap, x = start, 0, start + step
        while 0 <= x - off < len(cols) and abs(x - start) <= 3 * h:
            if rule[x - off]:
                break
            if cols[x - off]:
                if gap >= space:
                    break
                edge, gap = x, 0
            else:
                gap += 1
                if gap >= space:
                    break
            x += step
        return edge

    return walk(x0, -1), walk(x1 - 1, 1) + 1


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


def strip_rules(gray: np.ndarray) -> np.ndarray:
    """The crop with a table's rules painted white: ink as tall as the crop and thin (a cell's side),
    or as wide as it and thin (its top or bottom). A ``1`` beside a cell's side reads as ``|1``."""
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = bw.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bw, connectivity=8)
    rules = [
        i
        for i in range(1, n)
        if (stats[i, cv2.CC_STAT_HEIGHT] >= 0.85 * h and stats[i, cv2.CC_STAT_WIDTH] <= max(3, 0.08 * h))
        or (stats[i, cv2.CC_STAT_WIDTH] >= 0.85 * w and stats[i, cv2.CC_STAT_HEIGHT] <= max(3, 0.08 * h))
    ]
    if not rules:
        return gray
    out = gray.copy()
    out[np.isin(labels, rules)] = 255
    return out


def reread_region(gray: np.ndarray, boxes: list[Box], dpi: int, engine: OcrEngine) -> Iterator[Recognition]:
    """Successive single-line readings of the region; the caller stops when one satisfies it."""
    crop = crop_boxes(gray, boxes)
    if crop is None:
        return
    crop = strip_rules(crop)
    yield engine.recognise(strip_specks(crop), dpi, psm=7)
    if dpi >= 250:  # a fine scan read at the page's own size can still trip (``1//11/12392``): at 200 dpi
        f = 200 / dpi
        small = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        yield engine.recognise(small, 200, psm=7)
    big = cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    yield engine.recognise(big, dpi * 2, psm=7)

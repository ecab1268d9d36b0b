"""Is a back side blank? Back sides of one-sided forms carry punch holes, specks, the scanner's
edge and faint bleed-through of the front, but no lines of text. Cheap, and deliberately
conservative: a page with any text-sized marks in rows is kept (dropping a written page would
lose it from the dossier; keeping a blank one costs only an OCR pass that flags it blank).

capture/ knows nothing of OCR; sohoa can hand :class:`~capture.scanner.batch.BatchCapture` any
other ``is_blank(gray, dpi) -> bool``.
"""

from __future__ import annotations

import cv2
import numpy as np

MARGIN = 0.06  # scanner edges, shadows and punch holes live in the outer 6 %
MIN_TEXT_MARKS = 25  # fewer text-sized marks than this: blank
INK_DROP = 90  # this much darker than the local paper is ink; bleed-through is fainter


def ink_mask(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Marks clearly darker than the paper around them (uneven lighting and tint removed)."""
    k = max(15, int(dpi * 0.6)) | 1
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = cv2.blur(paper, (k, k))
    darker = paper.astype(np.int16) - gray.astype(np.int16)
    return (darker > INK_DROP).astype(np.uint8)


def marks(gray: np.ndarray, dpi: int) -> tuple[int, int]:
    """(text-sized marks, large marks) inside the margins. Large marks are signatures, stamps,
    drawings: bigger than 12 mm one way and at least 2 mm the other (a thin rule or a scanner
    edge is not one)."""
    h, w = gray.shape[:2]
    my, mx = int(h * MARGIN), int(w * MARGIN)
    core = gray[my : h - my, mx : w - mx]
    if core.size == 0:
        return 0, 0
    ink = ink_mask(core, dpi)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return 0, 0
    px = dpi / 25.4
    hs, ws, areas = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA]
    # A written or printed character is 1–10 mm tall and not a long rule; specks are smaller.
    text_like = (hs >= 1.0 * px) & (hs <= 10 * px) & (ws <= 20 * px) & (areas >= 3)
    large = (np.maximum(hs, ws) >= 12 * px) & (np.minimum(hs, ws) >= 2 * px) & (areas >= 20 * px * px)
    return int(text_like.sum()), int(large.sum())


def text_marks(gray: np.ndarray, dpi: int) -> int:
    return marks(gray, dpi)[0]


def is_blank(gray: np.ndarray, dpi: int) -> bool:
    if gray.size == 0:
        return True
    if float(np.median(gray)) < 128:  # a dark page (a photo, a black cover) is never "blank"
        return False
    text, large = marks(gray, dpi)
    return text < MIN_TEXT_MARKS and large == 0

"""Stage 2: is the page blank? Separator sheets and back sides carry specks, punch holes and
faint bleed-through but no lines of text; Tesseract would invent characters on them."""
from __future__ import annotations

import cv2
import numpy as np

from ocr.imageops import downscale, normalize_background
from ocr.types import BlankResult

WORK_DPI = 100
MARGIN = 0.05  # punch holes and scanner edges live in the outer 5 %
INK_LEVEL = 150  # darker than this after background normalisation is ink, not bleed-through
MIN_TEXT_COMPONENTS = 25


def detect_blank(gray: np.ndarray, dpi: int) -> BlankResult:
    small, f = downscale(gray, dpi, WORK_DPI)
    norm = normalize_background(small, int(round(dpi * f)))
    h, w = norm.shape
    my, mx = int(h * MARGIN), int(w * MARGIN)
    core = norm[my : h - my, mx : w - mx]
    ink = (core < INK_LEVEL).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    px = WORK_DPI / 25.4  # pixels per mm at the working resolution
    hs, ws, areas = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_AREA]
    # A character is 1.2–8 mm tall and not a long line.
    text_like = (hs >= 1.2 * px) & (hs <= 8 * px) & (ws <= 15 * px) & (areas >= 4)
    count = int(text_like.sum())
    return BlankResult(
        blank=count < MIN_TEXT_COMPONENTS,
        ink_ratio=float(ink.mean()),
        text_components=count,
    )

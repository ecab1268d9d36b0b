"""Stage 3: which way up is the page? Tesseract OSD, trusted only above a confidence threshold."""
from __future__ import annotations

import numpy as np

from ocr.imageops import downscale
from ocr.tesseract import Tesseract
from ocr.types import Orientation

OSD_DPI = 150


def detect_orientation(gray: np.ndarray, dpi: int, engine: Tesseract, min_confidence: float) -> Orientation:
    small, f = downscale(gray, dpi, OSD_DPI)
    osd = engine.osd(small, max(1, int(round(dpi * f))))
    if osd is None:
        return Orientation(0, None, applied=False)
    if osd.rotation != 0 and osd.confidence < min_confidence:
        return Orientation(0, osd.confidence, applied=False)
    return Orientation(osd.rotation, osd.confidence, applied=osd.rotation != 0)

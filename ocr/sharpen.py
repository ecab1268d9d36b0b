"""Blurred print sharpened before recognition.

A page printed soft and scanned (an augraphy print-scan copy: ink blurred, a colour fringe beside
each letter, a mottled paper) reaches Tesseract with every stroke inside a wide grey rim; its
own thresholding then joins the letters and the lines (whole lines were lost). Such a page is
told by that rim, on the ~150 dpi analysis copy with the background divided out: the pixels
halfway between ink and paper next to the ink, per pixel of the ink's outline (``rim_ratio``).
Print scanned in focus measured 0.6-1.1 on the bench's drawn pages of every kind and
resolution (bilevel copies included) and 1.0-1.1 on the real-dev scans; the blurred page 2.4.
Only a page above ``BLURRED_RIM`` is read a second time from the working copy sharpened with an
unsharp mask of about 0.25 mm (``unsharp``); ``ocr.pipeline`` keeps the better-looking reading
(``ocr.quality``), so a page the mask does not help keeps its plain one."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.imageops import normalize_background

BLURRED_RIM = 1.7  # rim pixels per outline pixel above which print is blurred
SHARPEN_SIGMA_MM = 0.25  # the unsharp mask's Gaussian, in mm on the page
SHARPEN_AMOUNT = 1.0


def rim_ratio(gray: np.ndarray, dpi: int) -> float | None:
    """Mid-tone pixels next to the ink per pixel of the ink's outline; None without grey ink
    (a bilevel page, nothing printed)."""
    norm = normalize_background(gray, dpi)
    t, _ = cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (norm < t).astype(np.uint8)
    if not ink.any():
        return None
    level = float(np.percentile(norm[ink > 0], 10))
    span = 255.0 - level
    outline = (ink > 0) & (cv2.erode(ink, np.ones((3, 3), np.uint8)) == 0)
    near = cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0
    mid = near & (norm > level + 0.2 * span) & (norm < level + 0.8 * span)
    n = int(outline.sum())
    return float(mid.sum()) / n if n else None


def is_blurred(gray: np.ndarray, dpi: int) -> bool:
    r = rim_ratio(gray, dpi)
    return r is not None and r >= BLURRED_RIM


def unsharp(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The image with its edges steepened (unsharp mask, sigma ``SHARPEN_SIGMA_MM``)."""
    sigma = max(0.5, SHARPEN_SIGMA_MM * dpi / 25.4)
    soft = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0)

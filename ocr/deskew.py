"""Stage 4: measure the small tilt of the text (degrees, counter-clockwise positive).

Projection-profile search: ink pixels are projected along each candidate angle; text lines
and ruled lines give the sharpest profile (largest sum of squares) when the angle is right.
A coarse search over ±max_deg is refined around the best angle.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.imageops import downscale

WORK_DPI = 150
MAX_POINTS = 250_000


def _ink_points(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    small, _ = downscale(gray, dpi, WORK_DPI)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = ink.shape
    my, mx = int(h * 0.03), int(w * 0.03)
    ink[:my] = 0
    ink[h - my :] = 0
    ink[:, :mx] = 0
    ink[:, w - mx :] = 0
    ys, xs = np.nonzero(ink)
    if len(ys) > MAX_POINTS:
        step = len(ys) // MAX_POINTS + 1
        ys, xs = ys[::step], xs[::step]
    return ys.astype(np.float64), xs.astype(np.float64)


def _score(ys: np.ndarray, xs: np.ndarray, angle_deg: float) -> float:
    t = np.tan(np.radians(angle_deg))
    proj = np.round(ys + xs * t).astype(np.int64)
    proj -= proj.min()
    counts = np.bincount(proj)
    return float(np.dot(counts, counts))


def estimate_skew(gray: np.ndarray, dpi: int, max_deg: float = 8.0, hint: float | None = None) -> float:
    """``hint``: a coarse estimate (±0.5°) from elsewhere, e.g. the orientation stage; the
    coarse ±``max_deg`` search is then skipped."""
    ys, xs = _ink_points(gray, dpi)
    if len(ys) < 200:
        return 0.0
    best = 0.0
    stages: tuple[tuple[float, float], ...] = ((0.5, max_deg), (0.1, 0.6), (0.02, 0.12))
    if hint is not None and abs(hint) <= max_deg:
        best, stages = float(hint), ((0.1, 0.7), (0.02, 0.12))
    for step, span in stages:
        angles = np.arange(best - span, best + span + step / 2, step)
        scores = [_score(ys, xs, a) for a in angles]
        best = float(angles[int(np.argmax(scores))])
    return round(best, 2)

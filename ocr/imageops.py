"""Small image helpers shared by the stages: resize to a working resolution, turn, rotate."""

from __future__ import annotations

import cv2
import numpy as np


def downscale(gray: np.ndarray, dpi: int, target_dpi: int) -> tuple[np.ndarray, float]:
    """The image at about ``target_dpi`` (never enlarged), and the factor applied."""
    f = min(1.0, target_dpi / max(dpi, 1))
    if f >= 0.999:
        return gray, 1.0
    h, w = gray.shape[:2]
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA), f


def turn(image: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a clockwise turn of ``rotation`` degrees (0/90/180/270)."""
    r = rotation % 360
    if r == 0:
        return image
    if r == 90:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    if r == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)


def rotate_small(image: np.ndarray, skew_deg: float) -> np.ndarray:
    """Undo a counter-clockwise tilt of ``skew_deg`` degrees, filling the corners with white."""
    if abs(skew_deg) < 0.01:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew_deg, 1.0)
    fill = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def normalize_background(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Divide out paper tint and uneven illumination: the paper becomes white, ink keeps its contrast."""
    small, _f = downscale(gray, dpi, 50)
    k = max(3, int(round(50 * 0.25)) | 1)  # about a quarter inch: wider than any stroke
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), 2)
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return out

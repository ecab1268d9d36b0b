"""A scanned page as the capture checks look at it: grey, at a low working resolution."""

from __future__ import annotations

import numpy as np
from PIL import Image

WORK_DPI = 100


def working_gray(image: Image.Image, dpi: int, work_dpi: int = WORK_DPI) -> tuple[np.ndarray, int]:
    """(grey uint8 array, its resolution); never upsampled. ``dpi`` 0 means unknown (300 assumed)."""
    dpi = dpi or 300
    gray = image if image.mode == "L" else image.convert("L")
    if dpi > work_dpi:
        w, h = gray.size
        f = work_dpi / dpi
        gray = gray.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BOX)
        dpi = work_dpi
    return np.asarray(gray), dpi

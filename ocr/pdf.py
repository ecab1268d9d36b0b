"""Stage 7: a searchable PDF of one page: the page image with invisible text over each word."""
from __future__ import annotations

import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ocr.types import Word

FONT_NAME = "SohoaText"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


@lru_cache(maxsize=1)
def _font() -> str:
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont(FONT_NAME, path))
            return FONT_NAME
    raise RuntimeError("no font with Vietnamese glyphs found; install fonts-dejavu-core")


def write_searchable_pdf(image: np.ndarray, words: list[Word], dpi: int, out: Path, jpeg_quality: int = 70) -> Path:
    """Write atomically to ``out`` (temporary file, then rename)."""
    font = _font()
    h, w = image.shape[:2]
    pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=jpeg_quality, optimize=True)
    buf.seek(0)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".pdf-", suffix=".tmp")
    os.close(fd)
    try:
        c = canvas.Canvas(tmp, pagesize=(pw, ph), pageCompression=1)
        c.drawImage(ImageReader(buf), 0, 0, width=pw, height=ph)
        scale = 72.0 / dpi
        for word in words:
            size = max(word.height * scale, 1.0)
            natural = pdfmetrics.stringWidth(word.text, font, size)
            if natural <= 0:
                continue
            t = c.beginText()
            t.setTextRenderMode(3)  # invisible
            t.setFont(font, size)
            t.setHorizScale(100.0 * word.width * scale / natural)
            # Baseline about a fifth of the box above its bottom (descenders).
            t.setTextOrigin(word.left * scale, ph - (word.top + word.height * 0.8) * scale)
            t.textOut(word.text)
            c.drawText(t)
        c.showPage()
        c.save()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out

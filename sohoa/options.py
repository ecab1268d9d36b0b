"""Settings → the typed options the pure stages take."""

from __future__ import annotations

from capture.probe import Limits
from config import Settings
from ocr.pipeline import OcrOptions


def ocr_options(settings: Settings) -> OcrOptions:
    o = settings.ocr
    return OcrOptions(
        languages=o.languages,
        engine=o.engine,
        tessdata_dir=o.tessdata_dir,
        pdf_dpi=o.pdf_dpi,
        osd_min_confidence=o.osd_min_confidence,
    )


def limits(settings: Settings) -> Limits:
    lim = settings.limits
    return Limits(
        max_bytes=int(lim.max_file_mb * 1024 * 1024),
        max_pixels=lim.max_pixels,
        max_pages=lim.max_pages,
        pdf_dpi=settings.ocr.pdf_dpi,
    )

"""The OCR of one page, start to end: a short orchestrator over the stages.

``process_page`` is pure but for the optional PDF it writes; the caller owns the engine (one
per worker process, reused) and decides where outputs go.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocr.blank import detect_blank
from ocr.clean import clean_page
from ocr.deskew import estimate_skew
from ocr.imageops import rotate_small, turn
from ocr.load import load_page
from ocr.orient import detect_orientation
from ocr.pdf import write_searchable_pdf
from ocr.tesseract import Tesseract
from ocr.types import LoadedPage, PageResult, PageSource


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "vie"
    engine: str = "tesserocr"
    tessdata_dir: Path | None = None
    pdf_dpi: int = 300
    osd_min_confidence: float = 2.0


class _Clock:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.t, 4)
        self.t = now


def process_page(
    src: PageSource, options: OcrOptions, engine: Tesseract, pdf_out: Path | None = None
) -> PageResult:
    clock = _Clock()
    page = load_page(src, options.pdf_dpi)
    clock.lap("load")
    return process_loaded(page, options, engine, pdf_out, clock)


def process_loaded(
    page: LoadedPage, options: OcrOptions, engine: Tesseract, pdf_out: Path | None = None, clock: _Clock | None = None
) -> PageResult:
    clock = clock or _Clock()
    gray, dpi = page.gray, page.dpi
    blank = detect_blank(gray, dpi)
    clock.lap("blank")
    if blank.blank:
        if pdf_out is not None:
            write_searchable_pdf(page.image, [], dpi, pdf_out)
            clock.lap("pdf")
        h, w = gray.shape
        return PageResult("", [], None, 0, None, 0.0, True, w, h, dpi, engine.name, clock.timings)

    orientation = detect_orientation(gray, dpi, engine, options.osd_min_confidence)
    gray = turn(gray, orientation.rotation)
    clock.lap("orient")
    skew = estimate_skew(gray, dpi)
    gray = rotate_small(gray, skew)
    clock.lap("deskew")
    cleaned = clean_page(gray, dpi)
    clock.lap("clean")
    rec = engine.recognize(cleaned, dpi)
    clock.lap("ocr")
    if pdf_out is not None:
        shown = gray if page.image.ndim == 2 else upright(page.image, orientation.rotation, skew)
        write_searchable_pdf(shown, rec.words, dpi, pdf_out)
        clock.lap("pdf")
    h, w = gray.shape
    return PageResult(
        text=rec.text,
        words=rec.words,
        mean_conf=rec.mean_conf,
        rotation=orientation.rotation,
        rotation_conf=orientation.confidence,
        skew_deg=skew,
        blank=False,
        width=w,
        height=h,
        dpi=dpi,
        engine=rec.engine,
        timings=clock.timings,
    )


def upright(image: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    return rotate_small(turn(image, rotation), skew)

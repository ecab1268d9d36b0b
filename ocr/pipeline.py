"""The OCR of one page, start to end: a short orchestrator over the stages.

``process_page`` is pure but for the optional PDF it writes; the caller owns the engine (one
per worker process, reused) and decides where outputs go.

Resolutions: blank, orientation and skew are judged on one ~150 dpi copy; cleaning and
recognition run at ``ocr_dpi`` (200: Tesseract is a quarter faster than at 300 and, with the
cleaning tuned there, as accurate); the PDF shows the page at its own resolution, upright and
deskewed, with the words scaled back onto it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ocr.blank import detect_blank
from ocr.clean import clean_page
from ocr.deskew import estimate_skew
from ocr.imageops import downscale, rotate_small, turn
from ocr.layout import is_junk, order_text
from ocr.load import load_page
from ocr.orient import detect_orientation
from ocr.pdf import write_searchable_pdf
from ocr.tesseract import Tesseract
from ocr.thumbnail import thumbnail_path, write_thumbnail
from ocr.types import LoadedPage, PageResult, PageSource, Word

ANALYSIS_DPI = 150  # blank, orientation and skew are judged on a copy at about this resolution


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "vie"
    engine: str = "tesserocr"
    tessdata_dir: Path | None = None
    pdf_dpi: int = 300
    osd_min_confidence: float = 2.0
    ocr_dpi: int = 200  # clean and recognise at no more than this resolution
    erase_structure: bool = True  # paint rules, signatures and stamps white before recognition
    # Tesseract page segmentation: 4 = one column of text of variable sizes, read row by row.
    # Forms, ledgers and prose here are single-column; side-by-side fields are read as one row,
    # as clerks (and the bench) read them; ``ocr.layout`` handles the two-block page header.
    psm: int = 4
    thumbnail: bool = True  # a small JPEG beside the searchable PDF, for the desk (ocr/thumbnail.py)


class _Clock:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.t, 4)
        self.t = now


def process_page(src: PageSource, options: OcrOptions, engine: Tesseract, pdf_out: Path | None = None) -> PageResult:
    clock = _Clock()
    page = load_page(src, options.pdf_dpi)
    clock.lap("load")
    return process_loaded(page, options, engine, pdf_out, clock)


def process_loaded(
    page: LoadedPage, options: OcrOptions, engine: Tesseract, pdf_out: Path | None = None, clock: _Clock | None = None
) -> PageResult:
    clock = clock or _Clock()
    gray, dpi = page.gray, page.dpi
    # One low-resolution copy serves the blank, orientation and skew estimates.
    small, fs = downscale(gray, dpi, ANALYSIS_DPI)
    sdpi = max(1, int(round(dpi * fs)))
    blank = detect_blank(small, sdpi)
    clock.lap("blank")
    if blank.blank:
        if pdf_out is not None:
            write_searchable_pdf(page.image, [], dpi, pdf_out)
            if options.thumbnail:
                write_thumbnail(page.image, thumbnail_path(pdf_out))
            clock.lap("pdf")
        h, w = gray.shape
        return PageResult("", [], None, 0, None, 0.0, True, w, h, dpi, engine.name, clock.timings)

    orientation = detect_orientation(small, sdpi, engine, options.osd_min_confidence)
    gray = turn(gray, orientation.rotation)
    clock.lap("orient")
    skew = estimate_skew(turn(small, orientation.rotation), sdpi, hint=orientation.skew_hint)
    gray = rotate_small(gray, skew)
    clock.lap("deskew")
    work, f = downscale(gray, dpi, options.ocr_dpi)
    wdpi = dpi * f
    cleaned = clean_page(work, int(round(wdpi)), erase_structure=options.erase_structure)
    clock.lap("clean")
    rec = engine.recognize(cleaned.image, int(round(wdpi)), psm=options.psm)
    text = order_text(rec.words, cleaned.tables, work.shape[1], wdpi)
    words = [w for w in rec.words if not is_junk(w, wdpi / 25.4)]
    if f != 1.0:
        words = [_scale_word(w, 1.0 / f) for w in words]
    clock.lap("ocr")
    if pdf_out is not None:
        shown = gray if page.image.ndim == 2 else upright(page.image, orientation.rotation, skew)
        write_searchable_pdf(shown, words, dpi, pdf_out)
        if options.thumbnail:
            write_thumbnail(shown, thumbnail_path(pdf_out))
        clock.lap("pdf")
    h, w = gray.shape
    return PageResult(
        text=text,
        words=words,
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


def _scale_word(w: Word, k: float) -> Word:
    return replace(
        w,
        left=int(round(w.left * k)),
        top=int(round(w.top * k)),
        width=int(round(w.width * k)),
        height=int(round(w.height * k)),
    )


def upright(image: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    return rotate_small(turn(image, rotation), skew)

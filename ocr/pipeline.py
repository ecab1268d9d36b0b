"""The OCR of one page, start to end: a short orchestrator over the stages.

``ocr_page`` is pure but for the optional PDF it writes; the caller owns the engine (one
per worker process, reused) and decides where outputs go.

Resolutions: the page's resolution is the file's tag only when its text agrees
(``ocr.resolution`` measures the x-height; a 300-dpi scan tagged 72 is processed at 300).
Blank, orientation and skew are judged on one ~150 dpi copy; cleaning and recognition run at
the scale that brings the body text's x-height to ``target_x_height`` pixels (small text is
enlarged, large text reduced; without a measurement, ``ocr_dpi``). Rippled lines are
straightened on that working copy (``ocr.dewarp``), and a page of blurred print is read
sharpened as well (``ocr.sharpen``), only on pages that show them. The PDF shows the page at its own resolution, upright and deskewed, with
the words scaled (and, on a straightened page, mapped) back onto it.

Never worse than plain Tesseract: a first reading that looks failed by measures that need no
truth (``ocr.quality``: valid syllables, confidence) is read again without cleaning and with
Tesseract's own page segmentation, and the better-looking reading is kept. Only such pages pay
for the extra passes. What was assumed and tried is recorded in the ``PageResult``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ocr.blank import detect_blank
from ocr.clean import clean_page
from ocr.colour import colour_marks, drop_colour_ink
from ocr.deskew import estimate_skew
from ocr.dewarp import Warp, find_warp
from ocr.doubt import Aside, set_aside
from ocr.engine import OcrEngine
from ocr.imageops import downscale, rotate_small, turn
from ocr.layout import is_junk, order_text
from ocr.load import load_page
from ocr.orient import detect_orientation
from ocr.pdf import write_searchable_pdf_hashed
from ocr.quality import Quality, assess, needs_retry, word_kind
from ocr.resolution import (
    TAG_TOLERANCE,
    Resolution,
    TextSize,
    decide_dpi,
    dpi_from_text,
    measure_text,
    recognition_scale,
    resize,
)
from ocr.sharpen import is_blurred, unsharp
from ocr.structure import Table
from ocr.thumbnail import thumbnail_path, write_thumbnail
from ocr.types import LoadedPage, PageResult, PageSource, Recognition, Word

ANALYSIS_DPI = 150  # blank, orientation and skew are judged on a copy at about this resolution


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "vie"
    engine: str = "tesserocr"
    tessdata_dir: Path | None = None
    pdf_dpi: int = 300
    osd_min_confidence: float = 2.0
    ocr_dpi: int = 200  # without a measured text size: clean and recognise at no more than this
    # Body-text x-height (pixels) that small text is enlarged to (13 pt text at 220 dpi); larger
    # text is reduced towards it but never below ``ocr_dpi``.
    target_x_height: float = 18.0
    retry: bool = True  # read a doubtful page again (no cleaning, psm 3) and keep the better
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


@dataclass
class OcrPage:
    """A page as the OCR stage loaded it, and what it read. The later steps of the same job (a
    second look at doubtful values, a ledger's grid) take the page from here: it is loaded and
    rendered once per job."""

    page: LoadedPage
    result: PageResult

    @cached_property
    def upright_gray(self) -> np.ndarray:
        """The page in grey, turned upright and deskewed as the OCR stage did: the words' pixels."""
        return upright(self.page.gray, self.result.rotation, self.result.skew_deg)

    def write_archive(self, result: PageResult, pdf_out: Path, thumbnail: bool) -> PageResult:
        """The searchable PDF of ``result``: the words the later steps kept (a hand-filled
        form's unsure values taken out) are the PDF's text, so it is written after them."""
        shown = self.upright_gray if self.page.image.ndim == 2 and not result.blank else None
        return write_archive(self.page, result, pdf_out, thumbnail, shown)


def ocr_page(src: PageSource, options: OcrOptions, engine: OcrEngine, pdf_out: Path | None = None) -> OcrPage:
    """Load the page (``ocr.load``) and OCR it; the loaded page is handed on with the result."""
    clock = _Clock()
    page = load_page(src, options.pdf_dpi)
    clock.lap("load")
    return OcrPage(page, process_loaded(page, options, engine, pdf_out, clock))


def process_loaded(
    page: LoadedPage, options: OcrOptions, engine: OcrEngine, pdf_out: Path | None = None, clock: _Clock | None = None
) -> PageResult:
    clock = clock or _Clock()
    ink = None
    if page.image.ndim == 3:
        gray, ink = drop_colour_ink(page.image)  # seals and pen marks are not text
    else:
        gray = page.gray
    size = measure_text(gray)
    res = decide_dpi(
        page.dpi if page.dpi_source in ("tag", "given", "pdf") else None,
        page.dpi if page.dpi_source == "none" else None,
        size,
        from_pdf=page.dpi_source in ("pdf", "given"),
    )
    source = "given" if page.dpi_source == "given" else res.source
    dpi = res.dpi
    clock.lap("resolution")
    # One low-resolution copy serves the blank, orientation and skew estimates.
    small, fs = downscale(gray, dpi, ANALYSIS_DPI)
    sdpi = max(1, int(round(dpi * fs)))
    blank = detect_blank(small, sdpi)
    clock.lap("blank")
    dpi_tag = page.dpi if page.dpi_source == "tag" else None

    def blank_page(passes: list[str]) -> PageResult:
        h, w = page.gray.shape
        result = PageResult(
            "", [], None, 0, None, 0.0, True, w, h, dpi, engine.name, clock.timings,
            dpi_source=source, dpi_tag=dpi_tag, x_height_px=size.x_height, passes=passes,
        )  # fmt: skip
        return result if pdf_out is None else write_archive(page, result, pdf_out, options.thumbnail)

    # Lines of grey blobs and no ink: faint print or the other side showing through. It is read
    # (a page wrongly called blank is lost to the index); kept blank when the reading has no text.
    probe = blank.blank and blank.faint_lines
    if blank.blank and not probe:
        return blank_page([])

    orientation = detect_orientation(small, sdpi, engine, options.osd_min_confidence)
    gray = turn(gray, orientation.rotation)
    clock.lap("orient")
    skew = estimate_skew(turn(small, orientation.rotation), sdpi, hint=orientation.skew_hint)
    gray = rotate_small(gray, skew)
    marks = []
    rgb = None
    if ink is not None:
        upright_ink = rotate_small(turn(ink.astype(np.uint8) * 255, orientation.rotation), skew) > 127
        rgb = upright(page.image, orientation.rotation, skew)
        marks = [m.__dict__ for m in colour_marks(rgb, upright_ink, dpi)]
    clock.lap("deskew")
    if orientation.rotation % 180:
        size = measure_text(gray)  # letters measured on their side are widths, not heights
    xh = _usable_x_height(size, res, dpi)
    f = recognition_scale(xh, dpi, options.target_x_height, options.ocr_dpi, gray.shape[0] * gray.shape[1])
    work = resize(gray, f)
    warp = find_warp(work, int(round(dpi * f)))  # rippled lines, read straightened
    if warp is not None:
        work = warp.apply(work)
    reading = _read(work, f, dpi, options, engine, clean=True, psm=options.psm, ink_letters=size.letters)
    tried = [reading]
    tag = ""
    if is_blurred(small, sdpi):  # soft print in a grey rim: also read sharpened, keep the better
        sharp = unsharp(work, dpi * f)
        alt = _read(
            sharp, f, dpi, options, engine, clean=True, psm=options.psm, ink_letters=size.letters, tag="+unsharp"
        )
        tried.append(alt)
        if alt.quality.score > reading.quality.score:
            reading, work, tag = alt, sharp, "+unsharp"
    clock.lap("ocr")
    if options.retry and needs_retry(reading.quality):
        for alt in _alternatives(work, dpi, f, options, engine, size.letters, tag):
            tried.append(alt)
            if not needs_retry(alt.quality):
                break
        clock.lap("retry")
    best = max(tried, key=lambda r: r.quality.score)
    if probe and not reads_as_text(best.words, best.quality):
        return blank_page(["faint-probe:" + best.name])
    words, aside = best.words, [a.word for a in best.aside]
    if warp is not None:  # boxes back onto the page as it is
        dy = warp.field(work.shape[:2])
        words, aside = _unwarp(words, warp, dy), _unwarp(aside, warp, dy)
    if best.scale != 1.0:
        words = [_scale_word(w, 1.0 / best.scale) for w in words]
    h, w = gray.shape
    result = PageResult(
        text=best.text,
        words=words,
        mean_conf=best.rec.mean_conf,
        rotation=orientation.rotation,
        rotation_conf=orientation.confidence,
        skew_deg=skew,
        blank=False,
        width=w,
        height=h,
        dpi=dpi,
        engine=best.rec.engine,
        timings=clock.timings,
        ocr_dpi=dpi * best.scale,
        passes=[best.name] + [r.name for r in tried if r is not best] + (["dewarp"] if warp is not None else []),
        quality=best.quality.as_dict(),
        marks=marks,
        set_aside=[Aside(_scale_word(w, 1.0 / best.scale), a.reason).as_dict() for w, a in zip(aside, best.aside)],
        dpi_source=source,
        dpi_tag=dpi_tag,
        x_height_px=size.x_height,
    )
    if pdf_out is None:
        return result
    shown = gray if page.image.ndim == 2 else rgb
    return write_archive(page, result, pdf_out, options.thumbnail, shown)


def write_archive(
    page: LoadedPage, result: PageResult, pdf_out: Path, thumbnail: bool, shown: np.ndarray | None = None
) -> PageResult:
    """The page's searchable PDF (and thumbnail): the page as the OCR stage saw it (upright and
    deskewed; a blank page as loaded) under an invisible text layer of exactly ``result.words``.
    Returns ``result`` with the sha256 of each file by name, as written, and the time taken.
    ``shown``: that image when the caller already has it."""
    t = time.perf_counter()
    if shown is None:
        shown = page.image if result.blank else upright(page.image, result.rotation, result.skew_deg)
    written = {pdf_out.name: write_searchable_pdf_hashed(shown, result.words, result.dpi, pdf_out)}
    if thumbnail:
        thumb = thumbnail_path(pdf_out)
        written[thumb.name] = write_thumbnail(shown, thumb)
    timings = {**result.timings, "pdf": round(time.perf_counter() - t, 4)}
    return replace(result, archive_sha256=written, timings=timings)


FAINT_MIN_WORDS = 8  # sure Vietnamese syllables that make a faint page text, not show-through
FAINT_VALID_SHARE = 0.5  # ... and the share of all it read that are syllables (mirrored print: ~0.1)


def reads_as_text(words: list[Word], quality: Quality) -> bool:
    """Whether a reading of a faint page found text: print read the right way round is mostly
    sure syllables; the other side's print, mirrored, gives letters that make few (a handful by
    chance: ``em``, ``ôn``)."""
    sure = sum(1 for w in words if w.conf >= 70 and word_kind(w.text) == "valid")
    return sure >= FAINT_MIN_WORDS and quality.valid_share >= FAINT_VALID_SHARE


def _usable_x_height(size: TextSize, res: Resolution, dpi: int) -> float | None:
    """The measured x-height, unless it contradicts a resolution known otherwise (a scanner's
    or a PDF renderer's): text crossed by pen lines or set in a tiny font is measured wrong,
    and a page is not enlarged on that word alone."""
    if size.x_height is None or res.source in ("measured", "size"):
        return size.x_height
    implied = dpi_from_text(size)
    if implied is None or not 1 / TAG_TOLERANCE <= implied / dpi <= TAG_TOLERANCE:
        return None
    return size.x_height


@dataclass
class _Reading:
    name: str
    scale: float  # work image = page × scale
    rec: Recognition
    words: list[Word]  # junk dropped, in work-image pixels
    text: str
    quality: Quality
    aside: list[Aside]  # words not in the text: junk and handwriting (work-image pixels)


def _read(
    work: np.ndarray,
    scale: float,
    dpi: int,
    options: OcrOptions,
    engine: OcrEngine,
    clean: bool,
    psm: int,
    ink_letters: int | None = None,
    tag: str = "",
) -> _Reading:
    """One recognition pass over a working copy (the page scaled by ``scale``)."""
    wdpi = dpi * scale
    idpi = int(round(wdpi))
    tables: list[Table] = []
    image = work
    if clean:
        cleaned = clean_page(work, idpi, erase_structure=options.erase_structure)
        image, tables = cleaned.image, cleaned.tables
    rec = engine.recognise(image, idpi, psm=psm)
    words = [w for w in rec.words if not is_junk(w, wdpi / 25.4)]
    quality = assess(words, ink_letters)  # all the recogniser said, before anything is set aside
    kept, aside = set_aside(words, image)
    text = order_text(kept, tables, work.shape[1], wdpi)
    name = f"{'clean' if clean else 'raw'}-psm{psm}@{idpi}{tag}"
    return _Reading(name, scale, rec, kept, text, quality, aside)


def _alternatives(
    work: np.ndarray, dpi: int, f: float, options: OcrOptions, engine: OcrEngine, ink_letters: int, tag: str = ""
) -> Iterator[_Reading]:
    """Second opinions on a doubtful page, likeliest first; the caller stops at the first that
    no longer looks doubtful. Uncleaned with Tesseract's own segmentation (what plain Tesseract
    does, at the chosen scale), then cleaned with it. ``work``: the page at that scale (``tag``
    names what was done to it)."""
    for clean, psm in ((False, 3), (True, 3)):
        yield _read(work, f, dpi, options, engine, clean=clean, psm=psm, ink_letters=ink_letters, tag=tag)


def _unwarp(words: list[Word], warp: Warp, dy: np.ndarray) -> list[Word]:
    """Words read on the straightened page, with the boxes they cover on the page itself."""
    out = []
    for w in words:
        left, top, width, height = warp.unmap_box((w.left, w.top, w.width, w.height), dy)
        out.append(replace(w, left=left, top=top, width=width, height=height))
    return out


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

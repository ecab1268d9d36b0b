"""What a worker process runs for one page. One Tesseract engine per process, reused.

A page is OCR'd and then read (document type and fields, ``indexer.fields``) in the same worker,
so the indexer only stores what comes back.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from indexer.fields import DocumentReading, catalogue, read_document
from indexer.fields.handwriting import handwriting_boxes, mark_hand_filled, mark_handwritten, overlaps
from ocr.doubt import SURE_CONF, Aside
from ocr.engine import OcrEngine, make_engine
from ocr.handprint import baseline_spread
from ocr.layout import order_text
from ocr.pipeline import OcrOptions, OcrPage, ocr_page
from ocr.types import PageResult, PageSource, Word

log = logging.getLogger(__name__)

_engine: OcrEngine | None = None
_engine_key: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class PageTask:
    source: PageSource
    options: OcrOptions
    pdf_out: Path | None = None
    label_overlay: Path | None = None  # label wordings an admin accepted (``indexer.labelvariants``)


def core_share(processes: int, cores: int | None = None) -> int:
    """OpenCV threads for one of ``processes`` OCR processes on ``cores`` (default: this machine's)."""
    return max(1, (cores or os.cpu_count() or 1) // max(1, processes))


def share_cores(processes: int, cores: int | None = None) -> int:
    """Give OpenCV this process's :func:`core_share`; returns it.

    OpenCV runs its filters on a thread per core by default. With as many OCR processes as cores,
    those threads only take turns with the other processes: about 6 % more CPU per page for
    nothing (dev pages, one process alone: CPU above wall clock with the default, equal with one
    thread). A lone process keeps them: they cut its page's latency (the clerk at the counter
    waits for it)."""
    import cv2

    n = core_share(processes, cores)
    cv2.setNumThreads(n)
    return n


def engine_for(options: OcrOptions) -> OcrEngine:
    """This process's engine for ``options``, made on first use and kept (``ocr.engine``)."""
    global _engine, _engine_key
    key = (options.languages, options.engine, str(options.tessdata_dir))
    if _engine is None or _engine_key != key:
        if _engine is not None:
            _engine.close()
        _engine = make_engine(options.engine, options.languages, options.tessdata_dir)
        _engine_key = key
    return _engine


@dataclass
class PageOutcome:
    """A page's OCR result and, when it could be read, its document type and fields."""

    result: PageResult
    reading: DocumentReading | None = None
    id_cards: list[dict[str, str]] = field(default_factory=list)  # CCCD QR codes read on the page


def read_id_cards(done: OcrPage, reading: DocumentReading | None) -> list[dict[str, str]]:
    """The CCCD cards whose QR code is readable on the page (only a page whose text names the
    card is searched); the page's own identity fields are checked against them at once, and the
    indexer checks the whole dossier's again when it stores the page (``indexer.idcards``)."""
    from indexer.fields.cccd import cards_on_page, cross_check, looks_like_card

    if not looks_like_card(done.result.text):
        return []  # most pages: the upright page is not even made
    cards = cards_on_page(done.upright_gray, done.result.text)
    if reading is not None:
        for card in cards:
            cross_check(reading.fields, card)
    return [c.as_dict() for c in cards]


DOUBTFUL_CONF = 40.0  # words the OCR stage set aside reach the reader no surer than this


def reader_words(result: PageResult) -> list[Word]:
    """The words the field reader sees: those kept as text, plus those the OCR stage set aside as
    junk or handwriting (``ocr.doubt``) with their confidence capped, so a value that holds one is
    read whole and marked for review instead of silently losing a word (``CCCD`` read unsure)."""
    back = [
        Word(
            str(a["text"]),
            min(float(str(a["conf"])), DOUBTFUL_CONF),
            *(int(str(a[k])) for k in ("left", "top", "width", "height", "block", "par", "line")),
        )
        for a in result.set_aside
        if all(k in a for k in ("block", "par", "line"))
    ]
    if not back:
        return result.words
    return sorted([*result.words, *back], key=lambda w: (w.block, w.par, w.line, w.left))


def read_page(result: PageResult, upright_gray: np.ndarray | None = None) -> DocumentReading | None:
    """The fields of an OCR'd page; a bug in the reader costs the fields, never the page. With the
    page's pixels (``OcrPage.upright_gray``), a form filled in by hand is told by its values' ink."""
    try:
        reading = read_document(reader_words(result), blank=result.blank, width=result.width, height=result.height)
        mark_handwritten(reading, handwriting_boxes(result.set_aside))  # "viết tay — cần nhập"
        if upright_gray is not None and reading.fields:
            spreads = {fid: baseline_spread(upright_gray, f.boxes) for fid, f in reading.fields.items()}
            labels = {
                fid: baseline_spread(upright_gray, [f.label_box]) for fid, f in reading.fields.items() if f.label_box
            }
            if mark_hand_filled(reading, spreads, labels):
                reading.notes.append(HAND_FILLED_NOTE)
        return reading
    except Exception as exc:
        log.warning("could not read the fields of a page: %s", exc.__class__.__name__)
        return None


HAND_FILLED_NOTE = "tờ khai điền tay"


def hand_words_aside(result: PageResult, reading: DocumentReading | None) -> PageResult:
    """On a form filled in by hand, the unsure words of its values go out of the text (and so
    out of the search index) as handwriting, as ``ocr.doubt`` does with a word it sees is
    handwritten: a hand read unsurely is junk in the index. Sure words stay (a clear hand read
    right is found by search); the fields keep their readings, marked "viết tay — cần nhập"."""
    if reading is None or HAND_FILLED_NOTE not in reading.notes:
        return result
    boxes = [b for f in reading.fields.values() for b in f.boxes]
    out = [
        w
        for w in result.words
        if w.conf < SURE_CONF and any(overlaps((w.left, w.top, w.width, w.height), b) for b in boxes)
    ]
    if not out:
        return result
    gone = {id(w) for w in out}
    kept = [w for w in result.words if id(w) not in gone]
    aside = [Aside(w, "handwriting").as_dict() for w in out]
    return replace(
        result,
        words=kept,
        text=order_text(kept, [], result.width, result.dpi),
        set_aside=[*result.set_aside, *aside],
    )


def reread_doubtful(done: OcrPage, reading: DocumentReading, engine: OcrEngine) -> int:
    """OCR the image regions of doubtful IDs, codes and dates again (``ocr.regions``), on the page
    the OCR stage had. The reader takes a second read that passes the checks the first failed,
    and a second read that agrees with a digit repair confirms it
    (indexer.fields.reader.apply_reread). Returns how many second reads were taken."""
    from indexer.fields.reader import (
        apply_reread,
        confirm_by_reread,
        confirm_candidates,
        reread_agrees,
        reread_candidates,
    )
    from ocr.regions import reread_region

    ids = reread_candidates(reading)
    gray, result = done.upright_gray, done.result
    taken = 0
    for fid in ids:
        for rec in reread_region(gray, reading.fields[fid].boxes, result.dpi, engine):
            if apply_reread(reading, fid, rec.text, rec.mean_conf):
                taken += 1
                break
            if reread_agrees(reading, fid, rec.text):
                break  # read the same again: no later, other read replaces it
    for fid in confirm_candidates(reading, ids):  # doubted only for confidence: the first second look may confirm
        again = next(
            (r for r in reread_region(gray, reading.fields[fid].boxes, result.dpi, engine) if r.text.strip()), None
        )
        if again is not None and reread_agrees(reading, fid, again.text):
            confirm_by_reread(reading, fid)
    return taken


def run_page_task(task: PageTask) -> PageOutcome:
    """OCR the page, read its fields, then look again at what was doubtful: every step after the
    OCR stage uses the page it loaded (loaded and rendered once). The searchable PDF is written
    last, once the words that stay text are known (``hand_words_aside``)."""
    engine = engine_for(task.options)
    catalogue.use_overlay(task.label_overlay)  # the reader sees the wordings accepted up to now
    done = ocr_page(task.source, task.options, engine)  # the PDF waits for the words kept
    result = done.result
    reading = read_page(result, None if result.blank else done.upright_gray)
    if reading is not None and not result.blank:
        try:
            reread_doubtful(done, reading, engine)
        except Exception as exc:
            log.warning("could not re-read doubtful fields: %s", exc.__class__.__name__)
        try:  # a columnar ledger page: entries from its ruled grid, each with its row's region
            from indexer.registers.ledger import refine_reading

            refine_reading(done, reading, engine)
        except Exception as exc:
            log.warning("could not read the ledger grid: %s", exc.__class__.__name__)
    result = hand_words_aside(result, reading)
    if task.pdf_out is not None:  # its text layer holds exactly the words of the text
        result = done.write_archive(result, task.pdf_out, task.options.thumbnail)
    cards: list[dict[str, str]] = []
    if not result.blank:
        try:
            cards = read_id_cards(done, reading)
        except Exception as exc:
            log.warning("could not read a CCCD QR code: %s", exc.__class__.__name__)
    return PageOutcome(result, reading, cards)

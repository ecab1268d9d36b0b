"""The image half of reading a columnar ledger page (sổ kẻ cột): its ruled grid, and a cell read
again from its own pixels. Which column a cell is, and whether its text is good enough, is the
indexer's business (``indexer.registers.ledger``); this module only looks at the image.

* **Grid.** The ledger's rows and cells (``ocr.ledgerrows.find_rows``: rules followed across the
  page, faint, broken or hand-drawn ones too, and rows from line spacing where entries are not
  ruled apart) as a straight table; a page where that finds no ledger falls back to the printed
  grid of the upright page (``ocr.structure.rule_mask``: long thin openings, the largest table of
  ``ocr.structure.find_tables``). Its horizontal separators are the row edges, its vertical ones
  the column edges of each row.
* **Scale.** The page's resolution as the file tags it where the OCR stage's measurement from
  the text size overruled the tag (:func:`grid_dpi`: handwriting is no ruler).
* **A cell alone.** The cell is cropped inside its rules; an empty cell (almost no ink, or flat)
  is not read; otherwise it is read at twice its size as one block of text.

Pure: the page is given (upright and deskewed, in the OCR words' pixels), nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from ocr.engine import OcrEngine
from ocr.ledgerrows import LedgerRows, find_rows
from ocr.resolution import SCREEN_TAGS
from ocr.structure import Table, find_tables, rule_mask


def grid_dpi(dpi: float, source: str, tag: int | None) -> float:
    """The resolution to find a ledger's grid at, from the OCR result's (``PageResult.dpi``,
    ``dpi_source``, ``dpi_tag``). The OCR stage reads a page's resolution off its text, with
    printed body type for a ruler (``ocr.resolution``); a ledger's entries are handwriting, far
    larger than type, so on a ledger that measurement overstates the resolution (a 200-dpi page
    taken for 400: every millimetre of the grid finder twice too long). The file's own tag, when
    the measurement overruled it, is the better ruler here, unless it is a screen default
    (72, 96 dpi), which says nothing about the scan."""
    if source == "measured" and tag is not None and tag not in SCREEN_TAGS and tag >= 100:
        return float(tag)
    return float(dpi)


def find_grid(gray: np.ndarray, dpi: float) -> Table | None:
    """The largest ruled table of an upright grey page, or None."""
    mm = dpi / 25.4
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    hmask = rule_mask(ink, 15 * mm, horizontal=True)
    vmask = rule_mask(ink, 8 * mm, horizontal=False)
    tables = find_tables(hmask, vmask, mm)
    if not tables:
        return None
    return max(tables, key=lambda t: (t.x1 - t.x0) * (t.y1 - t.y0))


def cell_crop(gray: np.ndarray, x0: float, x1: float, y0: float, y1: float, dpi: float) -> np.ndarray | None:
    """The cell between those rules, the rules kept out; None for a cell too small or empty."""
    inset = max(2, int(0.6 * dpi / 25.4))  # keep the rules out
    a, b = int(y0) + inset, int(y1) - inset
    c, d = int(x0) + inset, int(x1) - inset
    if b - a < 8 or d - c < 8:
        return None
    crop = gray[a:b, c:d]
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() / 255 < 0.002 or crop.std() < 12:
        return None  # an empty cell
    return crop


def read_crop(engine: OcrEngine, crop: np.ndarray, dpi: int) -> tuple[str, float | None]:
    """A cell's crop read alone: at twice its size, as one block of text (its lines joined)."""
    big = cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    rec = engine.recognise(big, dpi * 2, psm=6)
    return rec.text.replace("\n", " "), rec.mean_conf


@dataclass
class LedgerImage:
    """An upright ledger page for the indexer: its grid, and its cells read again on request.
    Without an engine no cell is read again."""

    gray: np.ndarray
    dpi: float
    engine: OcrEngine | None = None

    @cached_property
    def rows(self) -> LedgerRows:
        """The ledger's rows and cells (:func:`ocr.ledgerrows.find_rows`), found once."""
        return find_rows(self.gray, self.dpi)

    @cached_property
    def grid(self) -> Table | None:
        """The ledger as a table: from its rows when they were found, else the page's largest
        ruled table (:func:`find_grid`); found once."""
        if self.rows.method != "none" and self.rows.bands:
            return self.rows.table()
        return find_grid(self.gray, self.dpi)

    def read_cell(self, x0: float, x1: float, y0: float, y1: float) -> tuple[str, float | None] | None:
        """The cell's text and mean confidence read from its own pixels; None when the cell is
        empty or there is no engine."""
        if self.engine is None:
            return None
        crop = cell_crop(self.gray, x0, x1, y0, y1, self.dpi)
        if crop is None:
            return None
        return read_crop(self.engine, crop, int(round(self.dpi)))

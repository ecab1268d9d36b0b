"""Columnar ledgers (sổ kẻ cột, before 2016): one entry per row of the ruled table, each cell's
text from the page's OCR words — read again from the cell's own image where the words fail — and
each entry tied to its row's box on the page. The image half (the grid, a cell read alone) is
``ocr.ledgergrid``; this module binds columns, judges cell texts and makes the entries.

1. **Grid** (``ocr.ledgergrid.LedgerImage.grid``: rows and cells found from faint, broken or
   hand-drawn rules, or from line spacing): its horizontal separators are the row edges, its
   vertical ones the column edges of each row.
2. **Columns** are bound to the catalogue's register columns (``doc_types.yaml``) by the numbered
   markers ``(1) (2) …`` in the header row, else by the header texts, else by position when the
   counts agree (also when they agree and most columns bound by their header sit at their
   catalogue position: a header the OCR garbled does not leave its column out).
3. **Cells.** A word belongs to the cell holding its centre. A cell that should hold a number, a
   date or a name but has no word, low-confidence words, or text that is not a number / a day of
   the calendar / a name, is read alone from the image (``LedgerImage.read_cell``); the second
   read is kept when it is better.
4. **Rows.** Rows above the marker row are the header; a body row with text becomes an entry
   (a ruled row the image saw no writing in never does, whatever the OCR made of its specks; one
   it saw writing in always does, also when the OCR read nothing of it — it is to be keyed):
   ``{column id: text, …, "region": [x, y, w, h], "cells": {column id: [x, y, w, h]}}``.
   Without a ruled grid the word-based reader (``indexer.fields.register``) is used and each
   entry's region is the span of its lines.

Pure but for the cells the image reads again: no database, no files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from indexer.fields.catalogue import DocType, atoms
from indexer.fields.layout import build_page
from indexer.fields.names import read_name
from indexer.fields.reading import DocumentReading
from indexer.fields.register import extract_register
from indexer.vntext import is_syllable
from ocr.ledgergrid import LedgerImage, grid_dpi
from ocr.structure import Table
from ocr.types import Word

if TYPE_CHECKING:
    from ocr.engine import OcrEngine
    from ocr.pipeline import OcrPage

Box = tuple[int, int, int, int]

_MARK = re.compile(r"^[(\[{|]?\s*(\d{1,2})\s*[)\]}|]?$")
_NUMBER = re.compile(r"^\d{1,5}$")
NUMBER_COLUMNS = {"so"}
NAME_COLUMNS = {
    "child_name",
    "mother_name",
    "father_name",
    "deceased_name",
    "wife_name",
    "husband_name",
    "declarant_name",
}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
LOW_CONF = 55.0


@dataclass
class W:
    text: str
    conf: float
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _words(words: Sequence[object]) -> list[W]:
    """OCR words (:class:`ocr.types.Word`) or their stored rows ``[text, conf, left, top, width,
    height, …]``; anything else is a TypeError."""
    out = []
    for w in words:
        if isinstance(w, Word):
            text, conf, left, top, width, height = w.text, w.conf, w.left, w.top, w.width, w.height
        elif isinstance(w, (list, tuple)):
            text, conf, left, top, width, height = w[:6]
        else:
            raise TypeError(f"not an OCR word: {type(w).__name__}")
        if str(text).strip():
            out.append(W(str(text), float(conf), int(left), int(top), int(left) + int(width), int(top) + int(height)))
    return out


@dataclass
class Row:
    values: dict[str, str]
    region: Box
    reread: list[str] = field(default_factory=list)  # columns whose text came from a cell re-read
    confidence: float = 0.0
    cells: dict[str, Box] = field(default_factory=dict)  # column id → the cell's box on the page

    def as_entry(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.values)
        out["region"] = list(self.region)
        if self.reread:
            out["reread"] = list(self.reread)
        if self.cells:
            out["cells"] = {k: list(v) for k, v in self.cells.items()}
        return out


@dataclass
class LedgerReading:
    method: str  # grid | words | none
    rows: list[Row]
    table: Box | None = None

    def entries(self) -> list[dict[str, object]]:
        return [r.as_entry() for r in self.rows]


# -- the grid -------------------------------------------------------------------------------------


def _bands(table: Table, min_h: float) -> list[tuple[float, float]]:
    rows = sorted(table.rows)
    return [(a, b) for a, b in zip(rows, rows[1:]) if b - a >= min_h]


def _cell_words(words: list[W], x0: float, x1: float, y0: float, y1: float) -> list[W]:
    return [w for w in words if x0 <= w.cx < x1 and y0 <= w.cy < y1]


def _text(ws: list[W]) -> str:
    if not ws:
        return ""
    ws = sorted(ws, key=lambda w: w.cy)
    lines: list[list[W]] = []
    for w in ws:
        if lines and abs(w.cy - np.mean([v.cy for v in lines[-1]])) <= 0.6 * max(8, w.y1 - w.y0):
            lines[-1].append(w)
        else:
            lines.append([w])
    text = " ".join(" ".join(v.text for v in sorted(line, key=lambda v: v.x0)) for line in lines)
    return clean_cell(text)


_LEADER = re.compile(r"\s*(?:\.\s*){2,}|…+")
_GLUE = re.compile(r"(?<=[^\W\d_])[.;:](?=[^\W\d_])")


def clean_cell(text: str) -> str:
    """A cell's text without dotted leaders, stray edge punctuation, or a dot gluing two words."""
    text = _LEADER.sub(" ", text)
    text = _GLUE.sub(" ", text)
    return " ".join(text.split()).strip(" .,;:|_-—–")


def _bind_columns(header: list[list[W]], dt: DocType, n: int) -> dict[int, str] | None:
    """Column index → register column id: the numbered markers of the header cells first, their
    header texts for the columns whose marker OCR garbled, then — between two bound columns —
    position; by position alone only when the counts agree."""
    reg = dt.register
    assert reg is not None
    ids = [c.id for c in reg.columns]
    bound: dict[int, str] = {}
    for i, ws in enumerate(header):
        for w in ws:
            m = _MARK.match(w.text.replace(" ", ""))
            if m and ("(" in w.text or ")" in w.text) and 1 <= int(m.group(1)) <= len(ids):
                bound[i] = ids[int(m.group(1)) - 1]
                break
    for i, ws in enumerate(header):
        if i in bound:
            continue
        t = " ".join(a for a in atoms(_text(ws)) if not a.isdigit())
        if not t:
            continue
        best, best_s = None, 0.0
        for c in reg.columns:
            for h in c.headers:
                sc = fuzz.ratio(t, " ".join(h))
                if sc > best_s:
                    best, best_s = c.id, sc
        if best is not None and best_s >= 75 and best not in bound.values():
            bound[i] = best
    if len(bound) < max(2, min(n, len(ids)) - 2):
        return dict(enumerate(ids)) if n == len(ids) else None
    if n == len(ids) and sum(ids[i] == c for i, c in bound.items()) > len(bound) / 2:
        return dict(enumerate(ids))  # the counts agree and most columns sit where the catalogue has them
    known = sorted(bound)
    for i in range(n):
        if i in bound:
            continue
        lo = max((k for k in known if k < i), default=None)
        hi = min((k for k in known if k > i), default=None)
        guess = None
        if lo is not None and ids.index(bound[lo]) + (i - lo) < len(ids):
            guess = ids[ids.index(bound[lo]) + (i - lo)]
        elif hi is not None and ids.index(bound[hi]) - (hi - i) >= 0:
            guess = ids[ids.index(bound[hi]) - (hi - i)]
        if guess is not None and guess not in bound.values():
            bound[i] = guess
    return bound


def _is_date_column(col: str) -> bool:
    return col.endswith("_date")


def _valid_date(text: str) -> bool:
    """``dd/mm/yyyy`` that is a day of the calendar (a year alone passes too: old books)."""
    t = text.replace(" ", "")
    if re.fullmatch(r"(1[89]|20)\d\d", t):
        return True
    m = _DATE.match(t)
    if not m:
        return False
    try:
        date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def _needs_reread(col: str, ws: list[W], text: str) -> bool:
    if _is_date_column(col):
        return bool(text) and not _valid_date(text)
    if col in NUMBER_COLUMNS:
        return not _NUMBER.match(text.replace(" ", ""))
    if col in NAME_COLUMNS:
        if not text:
            return True
        if min(w.conf for w in ws) < LOW_CONF:
            return True
        return not all(is_syllable(t) for t in text.split())
    return False


def _better(col: str, old: str, old_conf: float, new: str, new_conf: float | None) -> bool:
    if not new:
        return False
    if _is_date_column(col):
        return _valid_date(new) and not _valid_date(old)
    if col in NUMBER_COLUMNS:
        return bool(_NUMBER.match(new.replace(" ", ""))) and not _NUMBER.match(old.replace(" ", ""))
    valid_new = sum(is_syllable(t) for t in new.split())
    valid_old = sum(is_syllable(t) for t in old.split())
    if not old:
        return valid_new >= 2
    if valid_new > valid_old and len(new.split()) <= len(old.split()) + 1:
        return True
    return valid_new == valid_old == len(new.split()) and (new_conf or 0) > old_conf + 15


def read_grid(
    image: LedgerImage, words: Sequence[object], dt: DocType, table: Table | None = None
) -> LedgerReading | None:
    """The entries of the ruled table of a ledger page, or None when no table fits the catalogue."""
    if dt.register is None:
        return None
    table = table or image.grid
    if table is None:
        return None
    dpi = image.dpi
    ws = _words(words)
    mm = dpi / 25.4
    bands = _bands(table, 3.0 * mm)
    if len(bands) < 2:
        return None
    # Header: the bands down to and including the one with the column markers read by the OCR;
    # else as many bands as the image's rows took for the header (or the first band).
    header_end = 0
    if table is image.grid and image.rows.method != "none" and image.rows.header:
        header_end = min(len(image.rows.header), len(bands) - 1) - 1
    for i, (a, b) in enumerate(bands[:4]):
        marks = [
            w
            for w in ws
            if a <= w.cy < b
            and table.x0 <= w.cx < table.x1
            and _MARK.match(w.text.replace(" ", ""))
            and ("(" in w.text or ")" in w.text)
        ]
        if len(marks) >= 3:
            header_end = i
            break
    body_y = (bands[header_end + 1][0] + bands[header_end + 1][1]) / 2 if header_end + 1 < len(bands) else bands[-1][0]
    xs = table.columns_at(body_y)
    if len(xs) < 3:
        return None
    n = len(xs) - 1
    head_cells: list[list[W]] = [[] for _ in range(n)]
    for a, b in bands[: header_end + 1]:
        for i in range(n):
            head_cells[i] += _cell_words(ws, xs[i], xs[i + 1], a, b)
    binding = _bind_columns(head_cells, dt, n)
    if binding is None:
        return None
    rows: list[Row] = []
    # the ruled rows the image saw no writing in (specks the OCR read as text do not make an entry)
    from_rows = table is image.grid and image.rows.method != "none"
    empty = [image.rows.span(bd)[0] for bd in image.rows.bands if not bd.inked] if from_rows else []
    for a, b in bands[header_end + 1 :]:
        if any(abs(a - t) <= 2 for t in empty):
            continue
        cols = table.columns_at((a + b) / 2)
        if len(cols) - 1 != n:
            cols = xs
        values: dict[str, str] = {c.id: "" for c in dt.register.columns}
        confs: list[float] = []
        reread: list[str] = []
        cells: dict[str, Box] = {}
        for i in range(n):
            col = binding.get(i)
            if col is None:
                continue
            cells[col] = (int(cols[i]), int(a), int(cols[i + 1] - cols[i]), int(b - a))
            cw = _cell_words(ws, cols[i], cols[i + 1], a, b)
            text = _text(cw)
            conf = min((w.conf for w in cw), default=0.0)
            if _needs_reread(col, cw, text):
                again = image.read_cell(cols[i], cols[i + 1], a, b)
                if again is not None:
                    new, new_conf = again
                    new = clean_cell(new)
                    if _better(col, text, conf, new, new_conf):
                        text, conf = new, new_conf or conf
                        reread.append(col)
            values[col] = " ".join(text.split())
            if cw or col in reread:
                confs.append(conf)
        if not any(values.values()) and not from_rows:
            continue  # an empty ruled row at the foot of the page
        # (with the image's rows, a row with writing the OCR could not read is still an entry: to key)
        box = (int(cols[0]), int(a), int(cols[-1] - cols[0]), int(b - a))
        rows.append(Row(values, box, reread, float(np.mean(confs)) if confs else 0.0, cells))
    if not rows:
        return None
    return LedgerReading("grid", rows, (table.x0, table.y0, table.x1 - table.x0, table.y1 - table.y0))


def read_words(words: Sequence[object], dt: DocType, width: int = 0, height: int = 0) -> LedgerReading:
    """The word-based reader (no grid): entries bound by the column markers; each entry's region is
    the span of the lines from its number to the next number."""
    page = build_page(words, width, height)
    entries = extract_register(page, dt)
    if not entries:
        return LedgerReading("none", [])
    ws = _words(words)
    tops: list[tuple[int, int]] = []  # (y of the number, x of the number) per entry, in order
    starts = [w for w in ws if _NUMBER.match(w.text.strip(".,"))]
    used: set[int] = set()
    for e in entries:
        so = (e.get("so") or "").strip(".,")
        hit = next((i for i, w in enumerate(starts) if i not in used and w.text.strip(".,") == so), None)
        if hit is not None:
            used.add(hit)
            tops.append((starts[hit].y0, starts[hit].x0))
        else:
            tops.append((-1, -1))
    x0 = min((w.x0 for w in ws), default=0)
    x1 = max((w.x1 for w in ws), default=0)
    rows = []
    for i, e in enumerate(entries):
        y = tops[i][0]
        nxt = next((t[0] for t in tops[i + 1 :] if t[0] > y), None)
        below = [w for w in ws if w.y0 >= y - 4 and (nxt is None or w.y0 < nxt - 4)] if y >= 0 else []
        y1 = max((w.y1 for w in below), default=y + 10) if y >= 0 else 0
        region = (x0, max(0, y - 6), x1 - x0, (y1 - y + 12) if y >= 0 else 0)
        rows.append(Row({k: v for k, v in e.items()}, region))
    return LedgerReading("words", rows)


def tidy(values: Mapping[str, str]) -> dict[str, str]:
    """Names as the field reader prints them (NFC, one tone style, lexicon repairs)."""
    out = dict(values)
    for k in NAME_COLUMNS:
        v = out.get(k)
        if isinstance(v, str) and v:
            out[k] = read_name(v).text
    return out


def read_ledger(
    image: LedgerImage | None, words: Sequence[object], dt: DocType, *, width: int = 0, height: int = 0
) -> LedgerReading:
    """Grid first; the word-based reader when there is no image, no grid, or the grid found fewer
    entries than the words did (a grid with a lost rule merges two rows)."""
    by_words = read_words(words, dt, width, height)
    grid = read_grid(image, words, dt) if image is not None else None
    if grid is None or len(grid.rows) < len(by_words.rows):
        chosen = by_words
    else:
        chosen = grid
    for r in chosen.rows:
        r.values = tidy(r.values)
    return chosen


def refine_reading(done: OcrPage, reading: DocumentReading, engine: OcrEngine) -> bool:
    """In the OCR worker (``sohoa.tasks``), after the field reader: re-read a ledger page's entries
    from its ruled grid, on the page the OCR stage had, each with its row's region. Returns
    whether the entries were replaced."""
    from indexer.fields.catalogue import load

    result = done.result
    dt = load().get(reading.doc_type)
    if dt is None or dt.register is None or result.blank:
        return False
    image = LedgerImage(done.upright_gray, grid_dpi(result.dpi, result.dpi_source, result.dpi_tag), engine)
    got = read_ledger(image, result.words, dt, width=result.width, height=result.height)
    if not got.rows:
        return False
    # DocumentReading types its entries as text only; a ledger entry also carries its row's
    # "region" box and the "reread" columns, which the store and the desk read.
    reading.register_entries = got.entries()  # type: ignore[assignment]
    return True

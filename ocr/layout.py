"""Reading order of the recognised words: the page text as the bench (and a clerk) reads it.

* Text outside tables keeps Tesseract's line order (page segmentation mode 4: one column,
  side-by-side parts of a row read as one line).
* A ruled table is read row by row, cells left to right; the lines of a wrapped cell are joined
  with spaces, and each table row becomes one line of text. Rows and cells come from the
  table's rules (``ocr.structure``), not from Tesseract, which reads across cell borders.
* The page header of an administrative document is two side-by-side blocks (issuing body on
  the left, national motto on the right) that Tesseract often fuses line by line. Lines at the
  top of the page that split into a left and a right part, or sit wholly on one side, are read
  as the left block, then the right block. Elsewhere, side-by-side parts of one line (e.g.
  "Giới tính: Nam   Dân tộc: Kinh", or the two signature columns) stay one line.
* A title centred on the page and a note far to its side on the same baseline are two lines.
* The foot of a letter ("Nơi nhận:" and the recipients on the left, the signer on the right) is
  read block by block too (``ocr.signblock``).
* Tokens that are specks or stroke remnants rather than print are dropped (``is_junk``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from ocr.signblock import recipients_first
from ocr.structure import Table
from ocr.types import Word

JUNK_CONF = 60.0
TINY_MM = 1.0  # a token this small in both directions is a lone mark
NEVER_PRINTED = set("`~^|_\\{}[]<>@#$&=¬¡¿·°§¶©®™ˆ˜¨´")
SPECK_LIKE = set(".,:;'`")
CELL_EDGE_JUNK = ".,_|'` "
HEADER_GAP_MM = 4.0  # a gap this wide in a top line separates the two header blocks
ALIGN_MM = 2.5  # header lines line up with their block (left, centre or right) this closely
HEADER_LINES = 8
BLOCK_GAP_MM = 10.0  # a gap this wide on a line separates a centred title from a side note


def is_junk(w: Word, mm: float) -> bool:
    """Tokens that are specks, stroke ends or leader remnants rather than print: only symbols
    that this paperwork never prints; no letter or digit and unsure; a lone speck-sized mark."""
    if all(ch in NEVER_PRINTED for ch in w.text):
        return True
    alnum = any(ch.isalnum() for ch in w.text)
    if not alnum and w.conf < JUNK_CONF:
        return True
    tiny = w.width <= TINY_MM * mm and w.height <= TINY_MM * mm
    return tiny and (w.conf < JUNK_CONF or (not alnum and all(ch in SPECK_LIKE for ch in w.text)))


def _visual_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words of one table cell grouped into lines (top to bottom), each left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top + w.height / 2, w.left)):
        cy = w.top + w.height / 2
        for line in lines:
            top = min(v.top for v in line)
            bot = max(v.top + v.height for v in line)
            if top <= cy <= bot:
                line.append(w)
                break
        else:
            lines.append([w])
    lines.sort(key=lambda ln: min(v.top + v.height / 2 for v in ln))
    return [sorted(ln, key=lambda v: v.left) for ln in lines]


def _cell_of(table: Table, w: Word) -> tuple[int, int] | None:
    cx, cy = w.left + w.width / 2, w.top + w.height / 2
    if not (table.x0 - 2 <= cx <= table.x1 + 2 and table.rows[0] <= cy <= table.rows[-1]):
        return None
    r = min(max(bisect_right(table.rows, cy) - 1, 0), len(table.rows) - 2)
    cols = table.columns_at((table.rows[r] + table.rows[r + 1]) / 2)
    c = min(max(bisect_right(cols, cx) - 1, 0), max(len(cols) - 2, 0))
    return r, c


def _table_lines(table: Table, cells: dict[tuple[int, int], list[Word]]) -> list[str]:
    out = []
    for r in range(len(table.rows) - 1):
        parts = []
        for c in sorted(k[1] for k in cells if k[0] == r):
            text = " ".join(" ".join(w.text for w in ln) for ln in _visual_lines(cells[(r, c)]))
            if any(ch.isalnum() for ch in text):
                # A cell holds a value or a label, never a sentence: punctuation at its very edge
                # is the rim of an erased rule.
                text = text.strip(CELL_EDGE_JUNK)
            if text:
                parts.append(text)
        if parts:
            out.append(" ".join(parts))
    return out


def _segments(line: list[Word], gap: float) -> list[list[Word]]:
    segs: list[list[Word]] = []
    for w in sorted(line, key=lambda v: v.left):
        if segs and w.left - max(v.left + v.width for v in segs[-1]) <= gap:
            segs[-1].append(w)
        else:
            segs.append([w])
    return segs


def _extent(words: Sequence[Word]) -> tuple[float, float, float]:
    x0 = min(w.left for w in words)
    x1 = max(w.left + w.width for w in words)
    return x0, (x0 + x1) / 2, x1


Extent = tuple[float, float, float]  # left edge, centre, right edge


def _aligned(a: Extent, b: Extent, tol: float) -> bool:
    return any(abs(p - q) <= tol for p, q in zip(a, b))


def _split_header_line(
    line: list[Word], page_w: int, mm: float, refs: list[tuple[Extent, Extent]]
) -> tuple[list[Word], list[Word]] | None:
    """Split a header line into its left-block and right-block parts: at a wide gap (no
    ``refs``), or at the word break where both parts line up with the blocks of ``refs`` (same
    alignment — left edges, centres or right edges — on both sides)."""
    words = sorted(line, key=lambda v: v.left)
    best, best_err = None, ALIGN_MM * mm
    for k in range(1, len(words)):
        left, right = words[:k], words[k:]
        le, re_ = _extent(left), _extent(right)
        if le[2] >= 0.55 * page_w or re_[0] <= 0.4 * page_w:
            continue
        if not refs:
            if re_[0] - le[2] >= HEADER_GAP_MM * mm:
                return left, right
            continue
        for rl, rr in refs:
            for a in range(3):
                err = max(abs(le[a] - rl[a]), abs(re_[a] - rr[a]))
                if err <= best_err:
                    best, best_err = (left, right), err
    return best


def _lone_mark(line: list[Word]) -> bool:
    return len(line) == 1 and sum(ch.isalnum() for ch in line[0].text) <= 1


def _header_first(lines: list[list[Word]], page_w: int, mm: float) -> list[list[Word]]:
    """Reorder the top lines of a two-block page header: left block, then right block.

    The blocks are known from the first lines of the page that have a wide gap between a left
    and a right part (up to the first line that spans the middle without one). From the top, a
    line belongs to the header while it splits into parts lined up with those blocks, or sits
    wholly on one side lined up with that side's block, no farther than two line heights below
    the previous header line. A speck read as a lone character among the top lines (a copy's
    toner dot in the margin) is set before the header rather than breaking it."""
    specks = [i for i, ln in enumerate(lines[:HEADER_LINES]) if _lone_mark(ln)]
    if specks:
        rest = [ln for i, ln in enumerate(lines) if i not in specks]
        ordered = _header_first(rest, page_w, mm)
        return lines if ordered is rest else [lines[i] for i in specks] + ordered
    refs: list[tuple[Extent, Extent]] = []
    for line in lines[:HEADER_LINES]:
        ext = _extent(line)
        if ext[2] < 0.5 * page_w or ext[0] > 0.45 * page_w:
            continue
        parts = _split_header_line(line, page_w, mm, [])
        if parts is None:
            break
        refs.append((_extent(parts[0]), _extent(parts[1])))
    if not refs:
        return lines
    tol = ALIGN_MM * mm
    left: list[list[Word]] = []
    right: list[list[Word]] = []
    n = 0
    prev_bottom = None
    for line in lines[:HEADER_LINES]:
        top = min(w.top for w in line)
        height = max(w.top + w.height for w in line) - top
        if prev_bottom is not None and top - prev_bottom > 2 * height:
            break
        ext = _extent(line)
        if ext[2] < 0.5 * page_w and any(_aligned(ext, rl, tol) for rl, _ in refs):
            left.append(line)
        elif ext[0] > 0.45 * page_w and any(_aligned(ext, rr, tol) for _, rr in refs):
            right.append(line)
        else:
            parts = _split_header_line(line, page_w, mm, [])
            if parts is None and abs(ext[1] - page_w / 2) > 0.02 * page_w:  # a centred line is a title
                parts = _split_header_line(line, page_w, mm, refs)
            if parts is None:
                break
            left.append(parts[0])
            right.append(parts[1])
        prev_bottom = top + height
        n += 1
    if len(left) < 2 or len(right) < 2:
        return lines  # a header block has two lines at least (body and unit; motto)
    return left + right + lines[n:]


def _split_centred(line: list[Word], page_w: int, mm: float) -> list[list[Word]]:
    """A line centred on the page (a title) with a note far to its side on the same baseline
    (``Quyển số: 02`` at the right margin) is two lines: the centred one first."""
    segs = _segments(line, BLOCK_GAP_MM * mm)
    if len(segs) < 2:
        return [line]
    first = _extent(segs[0])
    # The title is the leftmost part, centred and well clear of the left margin (a row of form
    # fields starts at the margin).
    if abs(first[1] - page_w / 2) <= 0.02 * page_w and first[0] > 0.2 * page_w:
        return [segs[0], [w for seg in segs[1:] for w in seg]]
    return [line]


def order_text(words: Sequence[Word], tables: Sequence[Table], page_w: int, dpi: float) -> str:
    mm = dpi / 25.4
    words = [w for w in words if not is_junk(w, mm)]
    cells: list[dict[tuple[int, int], list[Word]]] = [{} for _ in tables]
    flow: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        for t, table in enumerate(tables):
            cell = _cell_of(table, w)
            if cell is not None:
                cells[t].setdefault(cell, []).append(w)
                break
        else:
            flow.setdefault((w.block, w.par, w.line), []).append(w)
    lines = _header_first([ln for ln in flow.values() if ln], page_w, mm)
    lines = recipients_first(lines, page_w, mm)
    lines = [part for line in lines for part in _split_centred(line, page_w, mm)]

    pending = sorted(range(len(tables)), key=lambda t: tables[t].y0)
    out: list[str] = []
    for line in lines:
        cy = sum(w.top + w.height / 2 for w in line) / len(line)
        while pending and tables[pending[0]].y0 < cy:
            t = pending.pop(0)
            out.extend(_table_lines(tables[t], cells[t]))
        out.append(" ".join(w.text for w in sorted(line, key=lambda v: v.left)))
    for t in pending:
        out.extend(_table_lines(tables[t], cells[t]))
    return "\n".join(out)

"""A grid whose columns are bound by their header text, never by position: the marriage
declaration's ``Thông tin | Bên nữ | Bên nam`` (some copies print ``Bên nam`` first).

Rows start at their row label in the label column and run to the next row label; a cell's text
is the words of its column inside its row, line by line (wrapped cells joined with spaces).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.fields.catalogue import DocType, Table
from indexer.fields.extract import RawField
from indexer.fields.labels import find_labels
from indexer.fields.layout import Line, Page, Tok


@dataclass
class _Header:
    section: str
    x0: int
    x1: int
    y: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def _find_headers(page: Page, table: Table) -> tuple[list[_Header], Line | None]:
    cands = [(h, c.section) for c in table.columns for h in c.headers]
    for line in page.lines:
        hits = find_labels(line, cands, need_colon_inside=False, min_score=0.85)
        sections = {h.payload for h in hits}
        if len(sections) == len(table.columns):
            heads = []
            for h in hits:
                if any(x.section == h.payload for x in heads):
                    continue
                toks = line.toks[h.start : h.end]
                heads.append(_Header(h.payload, toks[0].x0, toks[-1].x1, line.yc))
            return sorted(heads, key=lambda x: x.cx), line
    return [], None


def _row_starts(page: Page, table: Table, header: Line, label_right: float) -> list[tuple[str, Line, int]]:
    """(row id, line, index of the first value token) for each row label under the header."""
    cands = [(lab, r.id) for r in table.rows for lab in r.labels]
    out: list[tuple[str, Line, int]] = []
    seen = set()
    for line in page.lines:
        if line.yc <= header.yc:
            continue
        left = Line([t for t in line.toks if t.x0 < label_right])
        if not left.toks:
            continue
        hits = find_labels(left, cands, need_colon_inside=False, min_score=0.8)
        if hits and hits[0].start == 0 and hits[0].payload not in seen:
            seen.add(hits[0].payload)
            out.append((hits[0].payload, line, hits[0].end))
    return out


def extract_table(page: Page, dt: DocType) -> list[RawField]:
    table = dt.table
    if table is None:
        return []
    heads, header_line = _find_headers(page, table)
    if not heads or header_line is None:
        return []
    # Column edges: the label column ends before the first value column's header; value columns
    # meet halfway between their headers, refined below by the words' own gaps.
    first_cx = heads[0].cx
    rows = _row_starts(page, table, header_line, first_cx)
    if not rows:
        return []
    # The label column's right edge: right of every row label's last word.
    label_edge = max(line.toks[end - 1].x1 for _, line, end in rows) + 0.3 * page.char_h
    edges = [label_edge]
    for a, b in zip(heads, heads[1:]):
        edges.append((a.cx + b.cx) / 2)
    edges.append(float("inf"))
    edges = _refine(page, rows, edges, header_line)
    out: list[RawField] = []
    row_meta = {r.id: r for r in table.rows}
    bottoms = [line.y0 for _, line, _ in rows[1:]]
    last_bottom = _table_bottom(page, rows[-1][1])
    bottoms.append(last_bottom)
    for (row_id, line, _end), bottom in zip(rows, bottoms):
        top = line.y0 - 0.6 * page.char_h
        for ci, head in enumerate(heads):
            x_from, x_to = edges[ci], edges[ci + 1]
            toks: list[Tok] = []
            for ln in page.lines:
                if top <= ln.yc < bottom - 0.3 * page.char_h:
                    toks.extend(t for t in ln.toks if x_from <= t.x0 < x_to)
            meta = row_meta[row_id]
            out.append(RawField(f"{head.section}_{row_id}", meta.type, toks, meta.label_vi, head.section, meta.vocab))
    return out


def _refine(page: Page, rows: list[tuple[str, Line, int]], edges: list[float], header: Line) -> list[float]:
    """Move each inner edge into the widest empty vertical strip near it."""
    toks = [t for _, line, _ in rows for t in line.toks]
    for k in range(1, len(edges) - 1):
        guess = edges[k]
        span = 6 * page.char_h
        best, best_gap = guess, -1.0
        xs = range(int(guess - span), int(guess + span), max(1, int(page.char_h / 4)))
        for x in xs:
            # distance from x to the nearest word crossing or touching it
            crossing = [t for t in toks if t.x0 - 2 <= x <= t.x1 + 2]
            if crossing:
                continue
            left = max((t.x1 for t in toks if t.x1 < x), default=edges[k - 1])
            right = min((t.x0 for t in toks if t.x0 > x), default=x + span)
            gap = right - left
            if gap > best_gap:
                best, best_gap = (left + right) / 2, gap
        edges[k] = best if best_gap > 0 else guess
    return edges


def _table_bottom(page: Page, last_row: Line) -> float:
    """Where the last row ends: before the next line that starts at the page's left margin."""
    for ln in page.lines:
        if ln.yc > last_row.yc + 0.5 * page.char_h and ln.x0 <= last_row.x0 + page.char_h:
            return ln.y0
    return last_row.y1 + 3 * page.char_h

"""A grid whose columns are bound by their header text, never by position: the marriage
declaration's ``Thông tin | Bên nữ | Bên nam`` (some copies print ``Bên nam`` first).

What it guarantees:
- columns are found from their header words, in either order; their edges are the widest blank
  vertical strips between the headers, measured over the whole table (not one row);
- the label column's edge is the blank strip left of the first header that the fewest lines
  cross; a row label may wrap over two or three lines there (``Ngày, tháng, năm`` / ``sinh``) and
  is bound to the catalogue's row label by the similarity of its letters (OCR merges and garbles
  them: ``chữđỆm,`` still is ``Họ, chữ đệm, tên``); a label line bound to none joins the row beside
  it, and a block of them standing apart is the first row missing there in catalogue order;
- a cell may hold several lines, top-aligned or vertically centred on its row label: each column's
  lines are shared out among the rows in order, each run of lines going to the row whose label it
  sits beside best (top or centre), so a centred address never slides into the next row;
- the table ends at a sentence running across its columns; ``TableRead.band`` is its vertical
  extent, which the label reader then skips;
- an empty cell comes with the region where its value should stand (``RawField.region``: the
  column beside the row label), so the OCR worker can read that region again.
It never binds a column by its position, nor a row by its rank on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from indexer.fields.catalogue import DocType, Table
from indexer.fields.extract import RawField, box_of
from indexer.fields.labels import find_labels
from indexer.fields.layout import Line, Page, Tok

ROW_MIN = 0.6  # similarity (0..1) of a label cell's letters to a row label's, to bind it


@dataclass
class _Header:
    section: str
    x0: int
    x1: int
    y: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Row:
    id: str
    toks: list[Tok]  # the row label's words (one or more lines)
    lines: list[Line]

    @property
    def top(self) -> float:
        return min(t.y0 for t in self.toks)

    @property
    def center(self) -> float:
        return (min(t.y0 for t in self.toks) + max(t.y1 for t in self.toks)) / 2


@dataclass
class TableRead:
    fields: list[RawField]
    band: tuple[float, float]  # top and bottom (page y) of the table, header included
    columns: list[str] = field(default_factory=list)  # sections, left to right


def _find_headers(page: Page, table: Table) -> tuple[list[_Header], Line | None]:
    cands = [(h, c.section) for c in table.columns for h in c.headers]
    for line in page.lines:
        hits = find_labels(line, cands, need_colon_inside=False, min_score=0.85)
        sections = {h.payload for h in hits}
        if len(sections) == len(table.columns):
            heads: list[_Header] = []
            for h in hits:
                if any(x.section == h.payload for x in heads):
                    continue
                toks = line.toks[h.start : h.end]
                heads.append(_Header(h.payload, toks[0].x0, toks[-1].x1, line.yc))
            return sorted(heads, key=lambda x: x.cx), line
    return [], None


def _label_part(line: Line, right: float) -> Line:
    return Line([t for t in line.toks if t.x0 < right])


def _rows(page: Page, table: Table, below: list[Line], label_right: float, wrap: bool) -> list[_Row]:
    """Row labels in the label column, each over one to three lines."""
    cands = [(lab, r.id) for r in table.rows for lab in r.labels]
    rows: list[_Row] = []
    seen: set[str] = set()
    used: set[int] = set()
    for i, line in enumerate(below):
        if i in used:
            continue
        left = _label_part(line, label_right)
        if not left.toks:
            continue
        best: tuple[list[int], str, list[Tok], list[Line]] | None = None
        joined = Line(list(left.toks))
        lines = [line]
        taken = [i]
        k = i
        for extra in range(3 if wrap else 1):
            if extra:
                # the label's next line: the next line with words in the label column, close below
                k += 1
                while k < len(below) and not _label_part(below[k], label_right).toks:
                    k += 1
                if k >= len(below) or below[k].yc - lines[-1].yc > 2.2 * page.char_h:
                    break
                more = _label_part(below[k], label_right)
                if abs(more.toks[0].x0 - left.toks[0].x0) > 3 * page.char_h:
                    break
                joined = Line(joined.toks + more.toks)
                lines = [*lines, below[k]]
                taken = [*taken, k]
            hits = find_labels(joined, cands, need_colon_inside=False, min_score=0.8)
            if hits and hits[0].start == 0 and hits[0].payload not in seen:
                # the label must end within the words of the last line taken
                if extra == 0 or hits[0].end > len(joined.toks) - len(_label_part(lines[-1], label_right).toks):
                    if best is None or hits[0].end > len(best[2]):
                        best = (list(taken), hits[0].payload, joined.toks[: hits[0].end], list(lines))
        if best is None:
            continue
        taken, rid, toks, lines = best
        seen.add(rid)
        used.update(taken)
        rows.append(_Row(rid, toks, lines))
    return rows


def _gap_edge(toks: list[Tok], guess: float, span: float, lo: float, step: float) -> float:
    """The middle of the widest word-free vertical strip within ``span`` of ``guess``."""
    best, best_gap = guess, -1.0
    x = guess - span
    while x <= guess + span:
        if x > lo and not any(t.x0 - 2 <= x <= t.x1 + 2 for t in toks):
            left = max((t.x1 for t in toks if t.x1 < x), default=lo)
            right = min((t.x0 for t in toks if t.x0 > x), default=None)
            if right is not None and right - left > best_gap:
                best, best_gap = (left + right) / 2, right - left
        x += step
    return best if best_gap > 0 else guess


def _bands(rows: list[_Row], mode: str, h: float) -> list[tuple[float, float]]:
    """Each row's vertical band: from its label's top to the next label's top (cells aligned at the
    top), or between the midpoints of the label centres (cells centred on their labels)."""
    out = []
    for j, r in enumerate(rows):
        if mode == "top":
            lo = r.top - 0.4 * h if j else float("-inf")
            hi = rows[j + 1].top - 0.4 * h if j + 1 < len(rows) else float("inf")
        else:
            lo = (rows[j - 1].center + r.center) / 2 if j else float("-inf")
            hi = (r.center + rows[j + 1].center) / 2 if j + 1 < len(rows) else float("inf")
        out.append((lo, hi))
    return out


def _assign(
    frags: list[tuple[float, float, list[Tok]]], rows: list[_Row], pitch: float, mode: str, h: float
) -> tuple[float, list[list[Tok]]]:
    """Share the column's lines (top, centre, words), in order, among the rows, in order, each row
    taking a run (maybe empty): a line costs its distance outside the row's band (``_bands``), a
    run its distance from the label's top (``mode="top"``) or centre (``"centre"``), and a run
    that ends on a comma more (the value goes on)."""
    bands = _bands(rows, mode, h)
    n, m = len(frags), len(rows)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[int]] = [[0] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for j in range(1, m + 1):
        r = rows[j - 1]
        lo, hi = bands[j - 1]
        for i in range(n + 1):
            for p in range(i + 1):
                if cost[p][j - 1] == inf:
                    continue
                c = 0.0
                if p < i:
                    run = frags[p:i]
                    c = sum(max(0.0, lo - f[1], f[1] - hi) for f in run) / pitch
                    anchor = abs(run[0][0] - r.top) if mode == "top" else abs((run[0][1] + run[-1][1]) / 2 - r.center)
                    c += 0.3 * anchor / pitch
                    if i < n and run[-1][2][-1].text.endswith(","):
                        c += 0.5
                total = cost[p][j - 1] + c
                if total < cost[i][j]:
                    cost[i][j], back[i][j] = total, p
    out: list[list[Tok]] = [[] for _ in range(m)]
    i = n
    for j in range(m, 0, -1):
        p = back[i][j]
        out[j - 1] = [t for f in frags[p:i] for t in f[2]]
        i = p
    return cost[n][m], out


def _label_edge(lines: list[Line], heads: list[_Header], h: float, floor: float) -> tuple[int, float]:
    """The label column's right edge: the x left of the first header that the fewest lines cross
    with a word, in the widest blank strip there (row labels may be too damaged to match); with the
    number of lines crossing it."""
    sample = lines[:25]
    toks = [t for ln in sample for t in ln.toks]
    if not toks:
        return 0, heads[0].x0 - 0.5 * h
    lo = max(floor, min(ln.x0 for ln in sample) + h)
    hi = heads[0].x0 - 0.3 * h
    best: tuple[int, float, float] | None = None
    x = lo
    while x <= hi:
        crossing = sum(1 for ln in sample if any(t.x0 - 2 <= x <= t.x1 + 2 for t in ln.toks))
        free = [t for ln in sample if not any(u.x0 - 2 <= x <= u.x1 + 2 for u in ln.toks) for t in ln.toks]
        left = max((t.x1 for t in free if t.x1 < x), default=lo)
        right = min((t.x0 for t in free if t.x0 > x), default=hi)
        key = (crossing, -(right - left), (left + right) / 2)
        if best is None or key < best:
            best = key
        x += max(1.0, h / 4)
    return (best[0], best[2]) if best is not None else (len(sample), hi)


def _body(lines: list[Line], edge: float, h: float) -> list[Line]:
    """The table's lines, from under the header down to a sentence running across the label
    column's edge (evenly spaced words, no cell gap anywhere) or a blank of several lines."""
    out: list[Line] = []
    for ln in lines:
        if out and ln.yc - out[-1].yc > 4.5 * h:
            break
        left = [t for t in ln.toks if t.x0 < edge]
        right = [t for t in ln.toks if t.x0 >= edge]
        widest = max((b.x0 - a.x1 for a, b in zip(ln.toks, ln.toks[1:])), default=0)
        if left and right and len(ln.toks) >= 5 and widest < 1.2 * h:
            break  # words evenly spaced across the edge: a sentence, not cells
        out.append(ln)
    return out


def _text_of(toks: list[Tok]) -> str:
    return "".join(a for t in toks for a in t.atoms)


def _fuzzy_rows(table: Table, body: list[Line], edge: float, h: float) -> list[_Row]:
    """Row labels read from the label column, each over one to three close lines, bound to the
    catalogue's row labels by similarity (OCR may merge, split or garble their words), each row
    label once. A label line bound to none joins the row right beside it; a block of such lines
    standing apart is the first row label missing there in the catalogue's order (a label OCR
    could not read at all)."""
    labels = [(r.id, "".join(lab)) for r in table.rows for lab in r.labels]
    order = {r.id: k for k, r in enumerate(table.rows)}
    cells = [(ln, [t for t in ln.toks if t.x0 < edge]) for ln in body]
    cells = [(ln, toks) for ln, toks in cells if toks and _text_of(toks)]
    used: set[str] = set()

    def best_at(i: int) -> tuple[float, int, str] | None:
        best: tuple[float, int, str] | None = None
        for size in (1, 2, 3):
            if i + size > len(cells):
                break
            if size > 1 and cells[i + size - 1][0].yc - cells[i + size - 2][0].yc > 2.2 * h:
                break
            text = "".join(_text_of(toks) for _, toks in cells[i : i + size])
            for rid, lab in labels:
                if rid in used:
                    continue
                sim = Indel.normalized_similarity(text, lab)
                if best is None or sim > best[0] + 1e-9:
                    best = (sim, size, rid)
        return best

    groups: list[tuple[str | None, list[int]]] = []  # (row id or None, indexes of cells)
    i = 0
    while i < len(cells):
        here, nxt = best_at(i), best_at(i + 1)
        if here is not None and here[0] >= ROW_MIN and not (nxt is not None and nxt[0] > here[0] + 0.05):
            _sim, size, rid = here
            used.add(rid)
            groups.append((rid, list(range(i, i + size))))
            i += size
        else:
            groups.append((None, [i]))
            i += 1
    # lines bound to no row label: join a neighbour, or stand for a missing row
    merged: list[tuple[str | None, list[int]]] = []
    for gid, idx in groups:
        if (
            gid is None
            and merged
            and merged[-1][0] is None
            and cells[idx[0]][0].yc - cells[merged[-1][1][-1]][0].yc <= 2.2 * h
        ):
            merged[-1][1].extend(idx)
        else:
            merged.append((gid, list(idx)))
    rows: list[_Row] = []
    for k, (gid, idx) in enumerate(merged):
        if gid is not None:
            continue
        top, bottom = cells[idx[0]][0].yc, cells[idx[-1]][0].yc
        prev = next(((j, g) for j, g in reversed(list(enumerate(merged[:k]))) if g[0] is not None), None)
        after = next(((k + 1 + j, g) for j, g in enumerate(merged[k + 1 :]) if g[0] is not None), None)
        gap_prev = top - cells[prev[1][1][-1]][0].yc if prev else float("inf")
        gap_next = cells[after[1][1][0]][0].yc - bottom if after else float("inf")
        if min(gap_prev, gap_next) <= 1.8 * h:
            host = prev if gap_prev <= gap_next else after
            assert host is not None
            host[1][1].extend(idx)
            host[1][1].sort()
            continue
        lo = order[prev[1][0]] if prev and prev[1][0] else -1
        hi = order[after[1][0]] if after and after[1][0] else len(table.rows)
        missing = [r.id for r in table.rows if lo < order[r.id] < hi and r.id not in used]
        if missing:
            used.add(missing[0])
            merged[k] = (missing[0], idx)
    for gid, idx in merged:
        if gid is not None:
            group = [cells[j] for j in idx]
            rows.append(_Row(gid, [t for _, toks in group for t in toks], [ln for ln, _ in group]))
    return rows


def find_table(page: Page, dt: DocType) -> TableRead | None:
    table = dt.table
    if table is None:
        return None
    heads, header_line = _find_headers(page, table)
    if not heads or header_line is None:
        return None
    h = page.char_h
    below = [ln for ln in page.lines if ln.yc > header_line.yc + 0.5 * h]
    # Row labels that fit on one line and match well: where the label column is at least.
    exact = _rows(page, table, below, heads[0].x0 - 0.5 * h, wrap=False)
    # A row label stands in its own column, left of the first header: labels inside the columns
    # (``Họ, chữ đệm, tên: …`` under ``Bên nữ``) are side-by-side blocks, not a table.
    inside = [r for r in exact if r.toks[-1].x1 >= heads[0].x0]
    exact = [r for r in exact if r.toks[-1].x1 < heads[0].x0]
    if inside and len(inside) >= len(exact):
        return None
    # The label column ends after the longest matched row label, unless that one row label took
    # a word of its cell (``Giấy tờ tùy thân số …`` with the kind lost): then a strip further left
    # that fewer lines cross wins.
    ends = sorted(r.toks[-1].x1 for r in exact)
    floors = {ends[-1] + 0.2 * h, ends[len(ends) // 2] + 0.2 * h} if ends else {0.2 * h}
    label_edge = min((_label_edge(below, heads, h, f) for f in sorted(floors, reverse=True)), key=lambda e: e[0])[1]
    body = _body(below, label_edge, h)
    rows = _fuzzy_rows(table, body, label_edge, h)
    if len(rows) < 2:
        return None
    bottom = max(ln.y1 for ln in body) + 0.5 * h
    toks = [t for ln in body for t in ln.toks if t.x0 >= label_edge]
    edges = [label_edge]
    for a, b in zip(heads, heads[1:]):
        guess = (a.x1 + b.x0) / 2
        edges.append(_gap_edge(toks, guess, max(2 * h, (b.x0 - a.x1) / 2 + 4 * h), edges[-1], max(1.0, h / 4)))
    edges.append(float("inf"))
    pitch = max(h * 1.2, _pitch(body, h))
    row_meta = {r.id: r for r in table.rows}
    columns = []
    for ci in range(len(heads)):
        x_from, x_to = edges[ci], edges[ci + 1]
        frags: list[tuple[float, float, list[Tok]]] = []
        for ln in body:
            cell = [t for t in ln.toks if x_from <= t.x0 < x_to]
            if cell:
                frags.append(
                    (float(min(t.y0 for t in cell)), (min(t.y0 for t in cell) + max(t.y1 for t in cell)) / 2, cell)
                )
        columns.append(frags)
    # One alignment for the whole table: cells top-aligned with their row labels, or centred on them.
    best: tuple[float, list[list[list[Tok]]]] | None = None
    for mode in ("top", "centre"):
        tries = [_assign(frags, rows, pitch, mode, h) for frags in columns]
        total = sum(c for c, _ in tries)
        if best is None or total < best[0] - 1e-6:
            best = (total, [cells for _, cells in tries])
    assert best is not None
    out: list[RawField] = []
    right = max((t.x1 for t in toks), default=int(edges[-2])) + h
    for ci, (head, cells) in enumerate(zip(heads, best[1])):
        for row, cell in zip(rows, cells):
            meta = row_meta[row.id]
            label = " ".join(t.text for t in row.toks)
            x0, x1 = edges[ci], min(edges[ci + 1], right)
            region = (int(x0), int(row.center - 0.9 * h), int(x1 - x0), int(1.8 * h))
            out.append(
                RawField(
                    f"{head.section}_{row.id}",
                    meta.type,
                    cell,
                    label,
                    head.section,
                    meta.vocab,
                    label_box=box_of(row.toks),
                    region=None if cell else region,
                )
            )
    return TableRead(out, (header_line.y0 - 0.5 * h, bottom), [hd.section for hd in heads])


def _pitch(lines: list[Line], h: float) -> float:
    ys = sorted(ln.yc for ln in lines)
    gaps = sorted(b - a for a, b in zip(ys, ys[1:]) if b - a > 0.8 * h)
    return gaps[len(gaps) // 2] if gaps else 1.8 * h


def extract_table(page: Page, dt: DocType) -> list[RawField]:
    t = find_table(page, dt)
    return t.fields if t else []

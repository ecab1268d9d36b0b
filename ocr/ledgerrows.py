"""Rows and cells of a ledger page (sổ kẻ cột) from its image: each entry's row band and each
column's cell box, when the rules are printed, faint, broken or drawn by hand, and from line
spacing where the entries are not ruled apart.

* **Darkness** is the page against its own paper (a wide median is the paper), so a rule printed
  in light grey on toned paper counts as much as a black one on white.
* **Rules** are long runs of darkness: smoothed along their direction (bridging the scanner's
  noise and a worn pen), opened with a 6 mm line (letters are shorter; a gap leaves two pieces),
  then followed strip by strip across the page (10 mm strips). A rule is a chain of pieces at
  about the same height in at least half the strips it spans, spanning at least half the table:
  a hand-drawn rule may bend and slope on its own, a broken one may miss strips, a word's cursive
  stroke never spans half the table. Each rule is kept as a polyline (its height strip by strip),
  so a skewed page or a wavy rule gives each cell its own top and bottom.
* **Header**: the bands down to the short band of the column markers ``(1) (2) …`` (a band under
  0.6 of the usual band height among the first four), else the first band when it is taller
  than the rest, with the band under it when that is clearly shorter than the rows (markers
  above rows that are themselves short).
* **Rows**: each band below the header holding ink (rules excluded) is an entry; an empty ruled
  row at the foot of the page is not. A band without rules between its entries (no ruling at
  all, a rule lost) is cut by line spacing: the ink profile's valleys give the text lines, and a
  line with ink in the first column (the entry number) starts an entry; a line without (a value
  wrapped onto a second line) continues the entry above.
* **Cells**: between the column rules (followed down the page the same way; a column ruled in
  the header only carries on straight below), between the band's top and bottom at the cell's
  centre.

Pure: a grey upright page and its resolution in, boxes out; nothing is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ocr.structure import Table

Box = tuple[int, int, int, int]

STRIP_MM = 10.0  # strips the rules are followed across
PIECE_MM = 6.0  # shortest piece of a rule (longer than a letter's stroke)
SUPPORT = 0.5  # share of the strips a rule spans in which it was seen
MIN_BAND_MM = 3.0


@dataclass
class Rule:
    """A rule as a polyline: ``across`` (y of a horizontal rule, x of a vertical one) at points
    ``along`` it; outside its points it carries on straight."""

    along: np.ndarray
    across: np.ndarray

    def at(self, t: float) -> float:
        return float(np.interp(t, self.along, self.across))

    @property
    def start(self) -> float:
        return float(self.along[0])

    @property
    def end(self) -> float:
        return float(self.along[-1])


@dataclass
class Band:
    top: Rule
    bottom: Rule
    inked: bool = True


@dataclass
class LedgerRows:
    """What :func:`find_rows` found: ``method`` is ``rules`` (every entry ruled apart), ``lines``
    (some or all entries from line spacing) or ``none``."""

    method: str
    x0: float = 0.0
    x1: float = 0.0
    hrules: list[Rule] = field(default_factory=list)
    vrules: list[Rule] = field(default_factory=list)
    header: list[Band] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)  # body bands, empty ones included

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def entries(self) -> list[Band]:
        return [b for b in self.bands if b.inked]

    def span(self, band: Band, x: float | None = None) -> tuple[int, int]:
        """The band's top and bottom at ``x`` (the table's centre by default)."""
        x = self.xc if x is None else x
        return round(band.top.at(x)), round(band.bottom.at(x))

    def row_box(self, band: Band) -> Box:
        a, b = self.span(band)
        return (round(self.x0), a, round(self.x1 - self.x0), b - a)

    def columns(self, y: float) -> list[float]:
        """x of the column edges at height ``y``, the table's edges included."""
        xs = sorted(r.at(y) for r in self.vrules)
        mm = (self.x1 - self.x0) / 250  # about a millimetre on a landscape A4 table
        if not xs or xs[0] - self.x0 > 3 * mm:
            xs.insert(0, self.x0)
        if self.x1 - xs[-1] > 3 * mm:
            xs.append(self.x1)
        return xs

    def table(self) -> Table:
        """The page's ledger as a straight ruled table (``ocr.structure.Table``): row edges at the
        table's centre line (header, entries and empty rows), column edges at mid-height."""
        bands = self.header + self.bands
        ys = [b.top.at(self.xc) for b in bands] + [bands[-1].bottom.at(self.xc)] if bands else []
        y0, y1 = (min(ys), max(ys)) if ys else (0.0, 0.0)
        mid = (y0 + y1) / 2
        vsegs = [(r.at(mid), y0 - 1.0, y1 + 1.0) for r in self.vrules]
        tol = max(3.0, (self.x1 - self.x0) / 250)
        return Table(int(self.x0), int(y0), int(self.x1), int(y1), sorted(ys), vsegs, tol=tol)

    def cells(self, band: Band) -> list[Box]:
        """The band's cells, left to right: each between its column edges at the band's middle and
        between the band's top and bottom at the cell's centre."""
        a, b = self.span(band)
        xs = self.columns((a + b) / 2)
        out = []
        for left, right in zip(xs, xs[1:]):
            mid = (left + right) / 2
            top, bot = band.top.at(mid), band.bottom.at(mid)
            out.append((round(left), round(top), round(right - left), round(bot - top)))
        return out


# -- darkness and rule pieces -----------------------------------------------------------------------


def darkness(gray: np.ndarray, dpi: float) -> np.ndarray:
    """How much darker than its paper each pixel is (0 = paper)."""
    mm = dpi / 25.4
    q = 4
    small = cv2.resize(gray, (max(1, gray.shape[1] // q), max(1, gray.shape[0] // q)), interpolation=cv2.INTER_AREA)
    k = max(3, int(6 * mm / q) | 1)
    paper = cv2.medianBlur(cv2.medianBlur(small, min(k, 255)), 5)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.subtract(paper, gray)


def _noise(dark: np.ndarray) -> float:
    """The scan noise of the paper (a robust sigma of the darkness where there is no ink)."""
    sample = dark[::7, ::7].astype(np.float32)
    low = sample[sample <= np.percentile(sample, 80)]
    return float(1.4826 * np.median(np.abs(low - np.median(low)))) + 1.0


def _pieces(dark: np.ndarray, mm: float, noise: float) -> np.ndarray:
    """Mask of long horizontal runs of darkness (rules, whole or in pieces)."""
    smooth = cv2.blur(dark, (max(3, int(1.5 * mm)), 1))
    smooth = cv2.GaussianBlur(smooth, (1, 3), 0)
    level = max(8.0, 4.0 * noise / np.sqrt(max(1.0, 1.5 * mm)) + 4.0)
    # at half its own height: a dark rule is as thin as a faint one
    top = cv2.dilate(smooth, np.ones((max(3, int(2.0 * mm)) | 1, 1), np.uint8))
    mask = ((smooth > level) & (smooth.astype(np.uint16) * 2 >= top)).astype(np.uint8) * 255
    # a rule is thin across: runs of darkness thicker than a pen's rule are writing
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((max(4, int(1.0 * mm)), 1), np.uint8))
    mask = cv2.dilate(cv2.subtract(mask, thick), np.ones((3, 1), np.uint8))
    q = 4
    hh, ww = mask.shape
    cw = ww - ww % q
    small = cv2.resize(mask[:, :cw], (cw // q, hh), interpolation=cv2.INTER_AREA)
    small = ((small > 127) * 255).astype(np.uint8)
    small = cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((1, max(3, int(PIECE_MM * mm / q))), np.uint8))
    out = np.zeros_like(mask)
    out[:, :cw] = cv2.resize(small, (cw, hh), interpolation=cv2.INTER_NEAREST)
    return out


def _peaks(cover: np.ndarray, floor: float, gap: int) -> list[int]:
    """Positions of the local maxima of a coverage profile above ``floor``, at least ``gap`` apart."""
    idx = np.flatnonzero(cover >= floor)
    out: list[int] = []
    run: list[int] = []
    for i in idx:
        if run and i - run[-1] > gap:
            out.append(run[int(np.argmax(cover[run]))])
            run = []
        run.append(int(i))
    if run:
        out.append(run[int(np.argmax(cover[run]))])
    return out


def _chains(mask: np.ndarray, mm: float, lo: int, hi: int, strip_mm: float = STRIP_MM) -> list[Rule]:
    """Horizontal rules in a piece mask, followed strip by strip between x = lo and hi."""
    sw = max(8, int(strip_mm * mm))
    centres, points = [], []
    for s, x in enumerate(range(lo, max(lo + 1, hi - sw // 2), sw)):
        strip = mask[:, x : min(hi, x + sw)]
        if strip.shape[1] < sw // 2:
            break
        cover = (strip > 0).mean(axis=1)
        cover = np.convolve(cover, np.ones(3) / 3, mode="same")
        centres.append(x + strip.shape[1] / 2)
        points += [(s, y) for y in _peaks(cover, 0.45, max(2, int(0.8 * mm)))]
    n = len(centres)
    if n < 3 or not points:
        return []
    # follow: each chain takes the nearest point of the next strip within a step of its last height
    step = 1.2 * mm
    by_strip: dict[int, list[int]] = {}
    for s, y in points:
        by_strip.setdefault(s, []).append(y)
    chains: list[list[tuple[int, float]]] = []
    for s in range(n):
        free = sorted(by_strip.get(s, []))
        for ch in chains:
            last_s, last_y = ch[-1]
            if s - last_s > 6 or not free:
                continue
            trend = 0.0
            if len(ch) >= 3:
                trend = (ch[-1][1] - ch[-3][1]) / max(1, ch[-1][0] - ch[-3][0])
            want = last_y + trend * (s - last_s)
            best = min(free, key=lambda y: abs(y - want))
            if abs(best - want) <= step * (1 + 0.5 * (s - last_s - 1)):
                ch.append((s, float(best)))
                free.remove(best)
        chains += [[(s, float(y))] for y in free]
    chains = _join(chains, step, sw)
    out = []
    for ch in chains:
        first, last = ch[0][0], ch[-1][0]
        if len(ch) < 3 or len(ch) < SUPPORT * (last - first + 1):
            continue
        out.append((first, last, ch))
    if not out:
        return []
    longest = max(last - first + 1 for first, last, _ in out)
    rules = []
    for first, last, ch in out:
        if last - first + 1 < 0.5 * longest:
            continue
        along = np.array([centres[s] for s, _ in ch])
        across = np.array([y for _, y in ch])
        rules.append(Rule(along, across))
    return rules


def _join(chains: list[list[tuple[int, float]]], step: float, sw: int) -> list[list[tuple[int, float]]]:
    """Pieces of one worn rule joined: a chain starting after another ended, in line with it (its
    first height within a step, and a hundredth of the gap, of where the other ended)."""
    chains = sorted(chains, key=lambda c: c[0][0])
    out: list[list[tuple[int, float]]] = []
    for ch in chains:
        s0, y0 = ch[0]
        best = None
        for prev in out:
            s1, y1 = prev[-1]
            if s1 < s0 and abs(y1 - y0) <= step + 0.01 * (s0 - s1) * sw:
                if best is None or abs(y1 - y0) < abs(best[-1][1] - y0):
                    best = prev
        if best is not None and len(best) + len(ch) >= 3:
            best.extend(ch)
        else:
            out.append(list(ch))
    return out


def _merge(rules: list[Rule], at: float, tol: float) -> list[Rule]:
    """Rules sorted by their height at ``at``; a double rule (closer than ``tol``) is one."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: r.at(at)):
        if out and r.at(at) - out[-1].at(at) < tol:
            if len(r.along) > len(out[-1].along):
                out[-1] = r
            continue
        out.append(r)
    return out


def _transpose(r: Rule) -> Rule:
    return Rule(r.along, r.across)


# -- rows -------------------------------------------------------------------------------------------


def _straight(y: float, slope: float, xc: float) -> Rule:
    return Rule(np.array([xc - 1000.0, xc + 1000.0]), np.array([y - 1000.0 * slope, y + 1000.0 * slope]))


def _slope(rules: list[Rule]) -> float:
    slopes = [(r.across[-1] - r.across[0]) / (r.along[-1] - r.along[0]) for r in rules if r.along[-1] - r.along[0] > 0]
    return float(np.median(slopes)) if slopes else 0.0


def _ink(dark: np.ndarray, noise: float, rules: np.ndarray) -> np.ndarray:
    """Writing: dark enough to be ink, not a rule, not a speck."""
    level = max(45.0, 6 * noise)
    ink = ((dark > level) & (rules == 0)).astype(np.uint8)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def _band_ink(ink: np.ndarray, band: Band, x0: float, x1: float, mm: float) -> float:
    """Share of a band's inside (a millimetre off its rules) that is writing."""
    total = count = 0
    step = max(1, int(STRIP_MM * mm))
    for x in range(int(x0), int(x1), step):
        a = int(band.top.at(x + step / 2) + 1.2 * mm)
        b = int(band.bottom.at(x + step / 2) - 1.0 * mm)
        if b <= a:
            continue
        part = ink[max(0, a) : max(0, b), x : min(int(x1), x + step)]
        total += part.size
        count += int(part.sum())
    return count / total if total else 0.0


def _text_lines(ink: np.ndarray, band: Band, x0: float, x1: float, slope: float, mm: float) -> list[tuple[int, int]]:
    """The text lines inside a band: (top, bottom) at the table's centre, cut at the valleys of the
    ink profile (rows sheared by the page's slope)."""
    xc = (x0 + x1) / 2
    a = int(min(band.top.at(x0), band.top.at(x1)))
    b = int(max(band.bottom.at(x0), band.bottom.at(x1)))
    a, b = max(0, a), min(ink.shape[0], b)
    if b - a < 3 * mm:
        return []
    prof = np.zeros(b - a, np.float64)
    step = max(1, int(STRIP_MM * mm))
    for x in range(int(x0), int(x1), step):
        shift = int(round(slope * (x + step / 2 - xc)))
        col = ink[a:b, x : min(int(x1), x + step)].sum(axis=1).astype(np.float64)
        prof += np.roll(col, -shift)
    top_c, bot_c = band.top.at(xc) - a, band.bottom.at(xc) - a
    prof[: max(0, int(top_c + 0.8 * mm))] = 0
    prof[int(bot_c - 0.5 * mm) :] = 0
    sig = max(1.0, 0.5 * mm)
    k = int(3 * sig) | 1
    prof = cv2.GaussianBlur(prof.reshape(-1, 1), (1, 2 * k + 1), sig).ravel()
    if prof.max() <= 0:
        return []
    floor = 0.04 * prof.max()
    on = prof > floor
    lines: list[list[int]] = []
    for i in np.flatnonzero(on):
        if lines and i - lines[-1][1] <= 1:
            lines[-1][1] = int(i)
        else:
            lines.append([int(i), int(i)])
    # a run holding two lines is cut at its deepest valley under 0.45 of the lower peak
    out: list[tuple[int, int]] = []
    work = [tuple(x) for x in lines if x[1] - x[0] >= 1.2 * mm]
    while work:
        s, e = work.pop(0)
        seg = prof[s : e + 1]
        cut = _valley(seg, int(2.2 * mm))
        if cut is None:
            out.append((s + a, e + a))
        else:
            work[:0] = [(s, s + cut), (s + cut, e)]
    return out


def _valley(seg: np.ndarray, min_line: int) -> int | None:
    if len(seg) < 2 * min_line:
        return None
    best, best_r = None, 0.45
    for i in range(min_line, len(seg) - min_line):
        if seg[i] > seg[i - 1] or seg[i] > seg[i + 1]:
            continue
        left, right = seg[:i].max(), seg[i:].max()
        r = seg[i] / max(1e-9, min(left, right))
        if r < best_r:
            best, best_r = i, r
    return best


def _split(rows: LedgerRows, band: Band, ink: np.ndarray, slope: float, mm: float) -> list[Band]:
    """A band cut into entries by line spacing: a line with ink in the first column starts one."""
    lines = _text_lines(ink, band, rows.x0, rows.x1, slope, mm)
    if not lines:
        return [band]
    xs = rows.columns((lines[0][0] + lines[-1][1]) / 2)
    first = (xs[0], xs[1]) if len(xs) >= 3 and xs[1] - xs[0] < 0.3 * (rows.x1 - rows.x0) else None
    starts = []
    for i, (a, b) in enumerate(lines):
        if first is None or i == 0:
            starts.append(i)
            continue
        dy = int(round(slope * ((first[0] + first[1]) / 2 - rows.xc)))  # the line's height at the first column
        part = ink[max(0, a + dy) : max(0, b + dy), int(first[0] + 0.8 * mm) : int(first[1] - 0.8 * mm)]
        if part.size and part.mean() > 0.004:
            starts.append(i)
    xc = rows.xc
    edges = [band.top]
    for i in starts[1:]:
        y = (lines[i - 1][1] + lines[i][0]) / 2
        edges.append(_straight(y, slope, xc))
    edges.append(band.bottom)
    return [Band(t, b) for t, b in zip(edges, edges[1:])]


def _mend(body: list[Band], xc: float) -> list[Band]:
    """Rows cut by a rule that is none (a line of writing, blurred at a low resolution, taken for a
    worn rule) made whole: a band under 0.45 of the usual row is joined to the neighbour that
    makes the joined band nearest the usual row, when that is no taller than 1.3 of it."""
    if len(body) < 3:
        return body

    def height(b: Band) -> float:
        return b.bottom.at(xc) - b.top.at(xc)

    usual = float(np.percentile([height(b) for b in body], 75))  # as many rows may be cut as whole
    out = list(body)
    i = 0
    while i < len(out):
        if height(out[i]) < 0.45 * usual:
            pairs = [j for j in (i - 1, i) if j >= 0 and j + 1 < len(out)]
            pairs = [j for j in pairs if height(out[j]) + height(out[j + 1]) <= 1.3 * usual]
            if pairs:
                j = min(pairs, key=lambda j: abs(height(out[j]) + height(out[j + 1]) - usual))
                out[j : j + 2] = [Band(out[j].top, out[j + 1].bottom)]
                i = j
                continue
        i += 1
    return out


def find_rows(gray: np.ndarray, dpi: float) -> LedgerRows:
    """The entries' rows and cells of an upright grey ledger page."""
    mm = dpi / 25.4
    dark = darkness(gray, dpi)
    noise = _noise(dark)
    hmask = _pieces(dark, mm, noise)
    vmask = _pieces(np.ascontiguousarray(dark.T), mm, noise)
    margin = int(6 * mm)
    hr = _chains(hmask, mm, margin, gray.shape[1] - margin)
    if len(hr) < 2:
        return LedgerRows("none")
    x0 = float(np.median([r.start for r in hr])) - STRIP_MM * mm / 2
    x1 = float(np.median([r.end for r in hr])) + STRIP_MM * mm / 2
    xc = (x0 + x1) / 2
    hr = _merge(hr, xc, 2.0 * mm)
    y_top = hr[0].at(xc)
    y_bot = hr[-1].at(xc)
    slope = _slope(hr)
    vr = [_transpose(r) for r in _chains(vmask, mm, max(0, int(y_top - 2 * mm)), int(y_bot + 60 * mm), 4.0)]
    reach = STRIP_MM * mm  # the rules' ends are known to a strip: the table's edges are its outer column rules
    y_mid = (y_top + y_bot) / 2
    # no ledger column is narrower than 3 mm: two column rules closer than that are one, seen twice
    vr = [r for r in _merge(vr, y_mid, 3.0 * mm) if x0 - reach <= r.at(y_top) <= x1 + reach]
    if vr and abs(vr[0].at(y_mid) - x0) < reach:
        x0 = vr[0].at(y_mid)
    if vr and abs(vr[-1].at(y_mid) - x1) < reach:
        x1 = vr[-1].at(y_mid)
    xc = (x0 + x1) / 2
    rows = LedgerRows("rules", x0, x1, hr, vr)
    rules_px = cv2.dilate(hmask | vmask.T, np.ones((3, 3), np.uint8))
    ink = _ink(dark, noise, rules_px)
    bands = [Band(a, b) for a, b in zip(hr, hr[1:]) if b.at(xc) - a.at(xc) >= MIN_BAND_MM * mm]
    heights = [b.bottom.at(xc) - b.top.at(xc) for b in bands]
    head = 0
    if bands:
        usual = float(np.median(heights))
        marker = next((i for i, h in enumerate(heights[:4]) if h < 0.6 * usual), None)
        if marker is not None:
            head = marker + 1
        elif len(bands) > 2 and heights[0] > 1.3 * float(np.median(heights[1:])):
            head = 1  # a tall header; under it, a band clearly shorter than the rows is the markers'
            if len(bands) > 3 and heights[1] < 0.8 * float(np.median(heights[2:])):
                head = 2
    rows.header = bands[:head]
    body = _mend(bands[head:], xc)
    # writing below the last rule (entries never ruled off at the foot): one band down to it
    last = hr[-1]
    below = _straight(last.at(xc), slope, xc)
    foot = Band(last, _straight(gray.shape[0] - margin, slope, xc))
    lines_below = _text_lines(ink, foot, x0, x1, slope, mm) if foot.bottom.at(xc) - last.at(xc) > 5 * mm else []
    if lines_below and (not body or lines_below[0][0] - last.at(xc) < 0.5 * max(heights, default=0.0)):
        end = lines_below[-1][1]
        gaps = [b[0] - a[1] for a, b in zip(lines_below, lines_below[1:])]
        for i, g in enumerate(gaps):
            if g > 12 * mm:  # a signature or a note far below is not an entry
                end = lines_below[i][1]
                break
        body.append(Band(below, _straight(end + 1.5 * mm, slope, xc)))
    usual_body = float(np.median([b.bottom.at(xc) - b.top.at(xc) for b in body])) if body else 0.0
    out: list[Band] = []
    for b in body:
        h = b.bottom.at(xc) - b.top.at(xc)
        if len(body) <= 2 or h > 1.6 * usual_body:
            parts = _split(rows, b, ink, slope, mm)
            if len(parts) > 1 or len(body) <= 2:
                rows.method = "lines"
            out += parts
        else:
            out.append(b)
    for b in out:
        b.inked = _band_ink(ink, b, x0, x1, mm) > 0.002
    rows.bands = out
    return rows

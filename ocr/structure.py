"""What on a form page is not text: ruled lines, table grids, signatures and stamps.

Found on the ink mask of the upright, deskewed page:

* **Rules**: morphological opening with a long thin kernel (15 mm across, 8 mm down) keeps
  only straight ruled lines: table grids, underlines, frames (``rule_mask``). They are erased
  pixel by pixel (with their blurred rim), so a letter touching a rule keeps its own strokes.
* **Tables**: a connected grid of rules at least 30 mm wide and 8 mm tall with three or more
  vertical and horizontal rules. Its row separators and, per row, its column separators give
  the reading order of its cells (``ocr.layout``).
* **Strokes**: blobs larger than any letter (≥ 12 mm) but thin (less than a quarter of their box
  inked) and not a ruled grid: signatures, their slanted underline, stamp rings. A blob holding
  a stamp ring loses the ring (Hough circle) and then only the pieces that are still large or a
  solid star, so letters printed across the ring survive. Thin straight lines of any slant
  (≥ 6 mm long, ≤ 1.2 mm thick) go too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

EDGE_MM = 8.0
RULE_PAD = 5  # rules are erased with this square around each of their pixels (their blurred rim)
RING_SEARCH_MM = 1.5  # how far from Hough's radius the ring's stroke is looked for


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    rows: list[float]  # y of the horizontal separators, top to bottom (incl. top and bottom)
    vsegs: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y_top, y_bottom)
    tol: float = 3.0  # pixels: rules closer than this are one

    def columns_at(self, y: float) -> list[float]:
        """x of the vertical separators crossing height ``y``, left to right, with the table edges."""
        xs = _merge_positions([x for x, a, b in self.vsegs if a <= y <= b], self.tol)
        if not xs or xs[0] - self.x0 > self.tol:
            xs.insert(0, float(self.x0))
        if self.x1 - xs[-1] > self.tol:
            xs.append(float(self.x1))
        return xs


@dataclass
class Structure:
    tables: list[Table]
    erase: np.ndarray  # bool mask of non-text ink to paint white


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, float, float]]:
    """(position across, start, end) of each line segment in a rule mask."""
    _n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _ in stats[1:]:
        if horizontal:
            out.append((y + h / 2.0, float(x), float(x + w)))
        else:
            out.append((x + w / 2.0, float(y), float(y + h)))
    return out


def _merge_positions(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def find_tables(hmask: np.ndarray, vmask: np.ndarray, mm: float) -> list[Table]:
    """Ruled tables. Rules within ``EDGE_MM`` of the image edge are the paper's edge or the
    scanner's, never a printed table (page margins are wider)."""
    e = int(EDGE_MM * mm)
    hmask, vmask = hmask.copy(), vmask.copy()
    for m in (hmask, vmask):
        m[:e] = 0
        m[-e:] = 0
        m[:, :e] = 0
        m[:, -e:] = 0
    # Grids are found on a quarter-size copy (rules touching within 4 px are one grid).
    hh, ww = hmask.shape
    q = 4
    ch, cw = hh - hh % q, ww - ww % q
    grid = cv2.resize((hmask | vmask)[:ch, :cw], (max(1, cw // q), max(1, ch // q)), interpolation=cv2.INTER_AREA)
    grid = cv2.dilate((grid > 0).astype(np.uint8), np.ones((3, 3), np.uint8))
    _n, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for gx, gy, gw, gh, _ in stats[1:]:
        x, y = max(0, gx * q - q), max(0, gy * q - q)
        w, h = min(ww - x, gw * q + 2 * q), min(hh - y, gh * q + 2 * q)
        if w < 30 * mm or h < 8 * mm:
            continue
        hs = [s for s in _segments(hmask[y : y + h, x : x + w], True) if s[2] - s[1] >= 0.3 * w]
        vs = [s for s in _segments(vmask[y : y + h, x : x + w], False) if s[2] - s[1] >= 4 * mm]
        rows = _merge_positions([s[0] + y for s in hs], 1.0 * mm)
        if len(rows) < 3 or len({round(s[0] / mm) for s in vs}) < 3:
            continue
        vsegs = [(s[0] + x, s[1] + y - 1.0 * mm, s[2] + y + 1.0 * mm) for s in vs]
        tables.append(Table(int(x), int(y), int(x + w), int(y + h), rows, vsegs, tol=1.0 * mm))
    return tables


def _ring_mask(sub: np.ndarray, mm: float) -> np.ndarray | None:
    """Annuli of stamp rings (circles 8–25 mm in radius) found in a blob's mask, or None.

    Hough finds the circles; each ring's radius and stroke width are then read off the radial
    ink profile, so the band erased is no wider than the ring's own stroke."""
    f = min(1.0, 4.0 / mm)  # about 100 dpi is plenty for the Hough transform
    small = cv2.resize(sub, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else sub
    smm = mm * f
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(small, (5, 5), 1.5),
        cv2.HOUGH_GRADIENT,
        dp=1,
        minDist=2 * smm,
        param1=100,
        param2=30,
        minRadius=int(8 * smm),
        maxRadius=int(25 * smm),
    )
    if circles is None:
        return None
    hh, ww = sub.shape
    yy, xx = np.mgrid[0:hh, 0:ww]
    ink = sub > 0
    ring = np.zeros(sub.shape, dtype=bool)
    search = RING_SEARCH_MM * mm
    for cx, cy, r in circles[0][:4]:
        cx, cy, r = cx / f, cy / f, r / f
        d = np.hypot(xx - cx, yy - cy)
        near = ink & (np.abs(d - r) <= search)
        if not near.any():
            continue
        # Radial profile: ink per unit of circumference at each whole-pixel radius.
        radii = np.round(d[near]).astype(np.int64)
        lo = int(max(0, np.floor(r - search)))
        prof = np.bincount(radii - lo).astype(np.float64)
        prof /= 2 * np.pi * (np.arange(len(prof)) + lo + 0.5)
        peak = int(np.argmax(prof))
        if prof[peak] < 0.6:  # a real ring is inked along most of its circumference
            continue
        a = peak
        while a > 0 and prof[a - 1] >= 0.3 * prof[peak]:
            a -= 1
        b = peak
        while b + 1 < len(prof) and prof[b + 1] >= 0.3 * prof[peak]:
            b += 1
        ring |= (d >= lo + a - 1.0) & (d <= lo + b + 1.0)
    return ring if ring.any() else None


def rule_mask(ink: np.ndarray, length: float, horizontal: bool, squeeze: int = 4) -> np.ndarray:
    """The ink of straight rules at least ``length`` pixels long along one axis.

    The mask is squeezed ``squeeze``-fold along the rule direction first (a pixel is ink when
    half its run is, which also bridges the one-pixel breaks of a scanned rule), opened with a
    line as long as ``length`` there, and stretched back onto the ink: the same result as an
    opening at full size for a fraction of the work."""
    hh, ww = ink.shape
    # Whole multiples of the squeeze keep OpenCV on its fast integer-factor path.
    if horizontal:
        cw, ch = ww - ww % squeeze, hh
        size = (max(1, cw // squeeze), ch)
        kernel = np.ones((1, max(3, int(length / squeeze))), np.uint8)
    else:
        cw, ch = ww, hh - hh % squeeze
        size = (cw, max(1, ch // squeeze))
        kernel = np.ones((max(3, int(length / squeeze)), 1), np.uint8)
    out = np.zeros_like(ink)
    if cw < squeeze or ch < squeeze:
        return out
    small = cv2.resize(ink[:ch, :cw], size, interpolation=cv2.INTER_AREA)
    _, small = cv2.threshold(small, 127, 255, cv2.THRESH_BINARY)
    small = cv2.morphologyEx(small, cv2.MORPH_OPEN, kernel)
    out[:ch, :cw] = cv2.resize(small, (cw, ch), interpolation=cv2.INTER_NEAREST)
    return out & ink


def find_structure(ink: np.ndarray, components: tuple, dpi: float) -> Structure:
    """Tables and the mask of non-text ink on an ink mask (255 = ink) and its components."""
    mm = dpi / 25.4
    _hh, _ww = ink.shape
    hmask = rule_mask(ink, 15 * mm, horizontal=True)
    vmask = rule_mask(ink, 8 * mm, horizontal=False)
    tables = find_tables(hmask, vmask, mm)
    rules = cv2.dilate(hmask | vmask, np.ones((RULE_PAD, RULE_PAD), np.uint8)) > 0
    erase = rules.copy()

    _n, labels, stats, _ = components
    _x, _y, w, h, area = (stats[1:, i] for i in range(5))
    big = np.maximum(w, h)
    dens = area / np.maximum(w * h, 1)
    thin_line = ((h <= 1.2 * mm) & (w >= 6 * mm)) | ((w <= 1.2 * mm) & (h >= 6 * mm))
    stroke = (big >= 12 * mm) & (dens < 0.25) & ~thin_line
    for i in np.flatnonzero(thin_line | stroke) + 1:
        bx, by, bw, bh = (int(v) for v in stats[i, :4])
        sl = (slice(by, by + bh), slice(bx, bx + bw))
        own = labels[sl] == i
        if thin_line[i - 1]:
            erase[sl] |= own
            continue
        on_rules = (own & rules[sl]).sum()
        if on_rules >= 0.3 * own.sum():
            continue  # a ruled grid or frame: its rules are erased, the letters touching it stay
        ring = _ring_mask(own.astype(np.uint8) * 255, mm) if min(bw, bh) >= 15 * mm else None
        if ring is None:
            erase[sl] |= own
            continue
        # A stamp: drop the rings, then whatever is still big (signature) or a solid blob (star).
        rest = (own & ~ring).astype(np.uint8)
        m, lab2, st2, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
        kill = np.zeros(m, dtype=bool)
        for j in range(1, m):
            _, _, sw, sh, sa = st2[j]
            solid = sw >= 4 * mm and sh >= 4 * mm and sa >= 0.35 * sw * sh
            kill[j] = (max(sw, sh) >= 7 * mm and sa < 0.3 * sw * sh) or solid or (sh <= 1.2 * mm and sw >= 6 * mm)
        erase[sl] |= (own & ring) | kill[lab2]
    return Structure(tables, erase)

"""Remove dotted fill-in leaders (``.........``) from a page image.

A leader is a row of small, equal dots on one baseline at a fixed pitch. Clerks type the value
over it, so only the dots in the gaps between letters and words stay separate; the others touch
or hide behind the letters. A lone dot between two words looks just like a full stop, so a dot
is taken for a leader only when it sits on the *lattice* of a leader row: same baseline (within
0.25 mm) and a whole number of pitches (within 8 % of one) from its neighbour in a chain that
has at least ``MIN_RUN`` dots, two of them adjacent. Lone dots of the same row (between the
words of a value, or past a long value without visible dots) are taken when they fall on the
chain's fitted lattice (grown outward step by step) and are the size of its dots; a blob much
bigger than the row's dots (a dot fused with a full stop) and the lower dot of a colon stay.

Dots that touch a letter are cut off it (see ``_trim_fused``).
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_RUN = 4
MAX_DOT_MM = 0.9
ROW_TOL_MM = 0.25
MAX_GAP_MM = 10.0
PITCH_RANGE_MM = (0.6, 3.5)
PHASE_TOL = 0.08  # of a pitch (real leader dots sit within 0.05 pitch of their lattice)
STEP_MM = 30.0  # how far past its last dot a chain's lattice looks for lone dots, per step


def dot_candidates(stats: np.ndarray, mm: float) -> np.ndarray:
    """Boolean mask over components (rows of ``stats``, background excluded) of dot-shaped blobs."""
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    return (
        (w <= MAX_DOT_MM * mm)
        & (h <= MAX_DOT_MM * mm)
        & (area >= 1)
        & (w <= 2.5 * h)
        & (h <= 2.5 * w)
        & (area >= 0.35 * w * h)
    )


def _chains(xs: np.ndarray, pitch: float, mm: float) -> list[tuple[list[int], int]]:
    """Split sorted x positions into chains of lattice-consistent neighbours: (members, unit links)."""
    out: list[tuple[list[int], int]] = []
    cur, units = [0], 0
    tol = PHASE_TOL * pitch + 0.3
    for i in range(1, len(xs)):
        gap = xs[i] - xs[i - 1]
        k = round(gap / pitch)
        if k >= 1 and gap <= MAX_GAP_MM * mm and abs(gap - k * pitch) <= tol:
            cur.append(i)
            units += k == 1
        else:
            out.append((cur, units))
            cur, units = [i], 0
    out.append((cur, units))
    return out


def _fit_lattice(xs: np.ndarray, pitch: float) -> tuple[float, float]:
    """Least-squares (x0, pitch) of a chain whose members are whole pitches apart."""
    k = np.concatenate(([0], np.cumsum(np.round(np.diff(xs) / pitch))))
    if k[-1] <= 0:
        return float(xs[0]), pitch
    p, x0 = np.polyfit(k, xs, 1)
    return float(x0), float(p)


Lattice = tuple[float, float, float, float]  # x0, pitch, first x, last x


def find_leader_rows(
    cx: np.ndarray, cy: np.ndarray, mm: float, area: np.ndarray | None = None
) -> tuple[np.ndarray, list[tuple[np.ndarray, list[Lattice]]]]:
    """Which of the dots at centres (cx, cy) (of ``area`` pixels) belong to dotted leaders, and
    per leader row the indices of its dots and its lattices ``(x0, pitch, first x, last x)``.

    A lone dot joins a chain's lattice only if it is also the size of the chain's dots (a full
    stop in the typed value is usually bigger or smaller)."""
    n = len(cx)
    lead = np.zeros(n, dtype=bool)
    rows_out: list[tuple[np.ndarray, list[Lattice]]] = []
    if n < MIN_RUN:
        return lead, rows_out
    order = np.argsort(cy, kind="stable")
    breaks = np.flatnonzero(np.diff(cy[order]) > ROW_TOL_MM * mm) + 1
    for row in np.split(order, breaks):
        if len(row) < MIN_RUN:
            continue
        row = row[np.argsort(cx[row], kind="stable")]
        xs = cx[row]
        diffs = np.diff(xs)
        short = diffs[(diffs >= PITCH_RANGE_MM[0] * mm) & (diffs <= PITCH_RANGE_MM[1] * mm)]
        if len(short) < 2:
            continue
        pitch = float(np.median(short))
        accepted = np.zeros(len(row), dtype=bool)
        lattices: list[Lattice] = []
        sizes: list[float] = []
        for members, units in _chains(xs, pitch, mm):
            if len(members) >= MIN_RUN and units >= 2:
                accepted[members] = True
                x0, p = _fit_lattice(xs[members], pitch)
                lattices.append((x0, p, float(xs[members[0]]), float(xs[members[-1]])))
                sizes.append(float(np.median(area[row[members]])) if area is not None else 0.0)
        if not lattices:
            continue
        if area is not None:
            # A blob much bigger than the row's dots is a dot fused with a full stop or a letter.
            med = float(np.median(area[row[accepted]]))
            accepted &= area[row] <= 1.5 * med
        # Lone dots in the same row on a chain's lattice (visible between the words of a value),
        # taken outward from the chain step by step, refitting the lattice as it grows so that
        # a small error in the pitch does not add up over a long value.
        grown = []
        size_ok = np.ones(len(row), dtype=bool)
        tol_px = lambda p: PHASE_TOL * p + 0.3  # noqa: E731
        for (x0, p, lo, hi), size in zip(lattices, sizes):
            if area is not None:
                a = area[row]
                size_ok = (a >= 0.6 * size) & (a <= 1.5 * size)
            mine = accepted & (xs >= lo) & (xs <= hi)
            step = STEP_MM * mm
            while True:
                r = (xs - x0) / p
                on = ~accepted & size_ok & (xs >= lo - step) & (xs <= hi + step)
                on &= np.abs(r - np.round(r)) * p <= tol_px(p)
                if not on.any():
                    break
                accepted |= on
                mine |= on
                k = np.round((xs[mine] - x0) / p)
                if k.max() > k.min():
                    p, x0 = (float(v) for v in np.polyfit(k, xs[mine], 1))
                lo, hi = float(xs[mine].min()), float(xs[mine].max())
            grown.append((x0, p, lo, hi))
        lead[row[accepted]] = True
        rows_out.append((row[accepted], grown))
    return lead, rows_out


def find_leader_dots(cx: np.ndarray, cy: np.ndarray, mm: float, area: np.ndarray | None = None) -> np.ndarray:
    """Which of the dots at centres (cx, cy) belong to dotted leaders."""
    return find_leader_rows(cx, cy, mm, area)[0]


def _trim_fused(
    out: np.ndarray, labels: np.ndarray, stats: np.ndarray, comp: np.ndarray, lattices: list[Lattice], mm: float
) -> None:
    """Cut leader dots that touch letters. At each lattice position of the row, a dot is stuck to
    a letter (hanging from a stem, or touching a comma or a letter beside it) when the lower
    half of the dot box is inked, the ink does not run on through both sides (a letter's own
    bottom — the arc of 0, a serif — does) and no ink goes on below the box (a descender, or a
    diacritic dot lower than the leader)."""
    hh, ww = out.shape
    top = int(np.median(stats[comp, cv2.CC_STAT_TOP]))
    bot = int(np.median(stats[comp, cv2.CC_STAT_TOP] + stats[comp, cv2.CC_STAT_HEIGHT])) - 1
    half = float(np.median(stats[comp, cv2.CC_STAT_WIDTH])) / 2.0
    mid = (top + bot + 1) // 2
    yc, ry = (top + bot) / 2.0, (bot - top + 1) / 2.0 + 1.0
    below = max(2, int(round((bot - top + 1) / 2)))
    y0, y1 = top + 1, min(hh, bot + 2)  # the box rows we may clear (keep the baseline row)
    s0, s1 = min(hh, bot + 2), min(hh, bot + 2 + below)
    if y0 >= y1 or mid > bot:
        return
    xcs = []
    for x0, p, lo, hi in lattices:
        k0, k1 = int(np.ceil((lo - x0) / p - 0.01)), int(np.floor((hi - x0) / p + 0.01))
        xcs.append(x0 + np.arange(k0, k1 + 1) * p)
    if not xcs:
        return
    xc = np.concatenate(xcs)
    a = np.floor(xc - half - 1).astype(np.int64)
    b = np.ceil(xc + half + 1).astype(np.int64) + 1
    keep = (a >= 2) & (b <= ww - 2) & (b - a > 2)
    xc, a, b = xc[keep], a[keep], b[keep]
    if len(xc) == 0:
        return

    # Column sums of ink over the dot's lower half and the strip below it, as prefix sums, so
    # that every lattice position is judged at once.
    def prefix(rows: slice) -> np.ndarray:
        col = np.count_nonzero(labels[rows], axis=0)
        return np.concatenate(([0], np.cumsum(col)))

    core_ps = prefix(slice(mid, bot + 1))
    core = (core_ps[b - 1] - core_ps[a + 1]) >= 0.5 * (b - a - 2) * (bot - mid + 1)
    left = (core_ps[a] - core_ps[a - 2]) > 0
    right = (core_ps[b + 2] - core_ps[b]) > 0
    below_ps = prefix(slice(s0, s1)) if s0 < s1 else np.zeros(ww + 1, dtype=np.int64)
    under = (below_ps[b] - below_ps[a]) > 0
    # A dot is there (its lower half inked); ink running on through both sides is a letter's
    # own bottom (0, a serif, a foot); ink going on below is a descender or a lower diacritic.
    cut = core & ~(left & right) & ~under
    # Clear the dot's own footprint (a disc a pixel wider than the dot), not the letter or
    # comma it touches.
    r = int(np.ceil(half + 1.0))
    yy, xx = np.ogrid[y0:y1, -r : r + 1]
    disc = (xx / (half + 1.0)) ** 2 + ((yy - yc) / ry) ** 2 <= 1.0
    for xi in np.round(xc[cut]).astype(np.int64):
        if r <= xi < ww - r:
            out[y0:y1, xi - r : xi + r + 1][disc] = 255


def _colon_bottoms(cent: np.ndarray, stats: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """Leader candidates with a dot right above them: the lower dot of a colon (``Họ tên:``)."""
    out = np.zeros(len(lead), dtype=bool)
    li = np.flatnonzero(lead)
    if len(li) == 0:
        return out
    cx, cy = cent[:, 0], cent[:, 1]
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    for s in range(0, len(li), 256):
        a = li[s : s + 256]
        dx = np.abs(cx[None, :] - cx[a, None])
        dy = cy[a, None] - cy[None, :]
        above = (dx <= 0.6 * w[a, None]) & (dy >= 1.5 * h[a, None]) & (dy <= 5 * h[a, None])
        out[a] = above.any(axis=1)
    return out


def remove_leaders(
    gray: np.ndarray, dpi: int, components: tuple | None = None, out: np.ndarray | None = None
) -> np.ndarray:
    """``gray`` with the leader dots painted white.

    ``components`` is ``cv2.connectedComponentsWithStats`` of the ink mask (255 = ink) if the
    caller has it already; ``out`` an image to paint into (default: a copy of ``gray``)."""
    if components is None:
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        components = cv2.connectedComponentsWithStats(ink, connectivity=8)
    n, labels, stats, cent = components
    if out is None:
        out = gray.copy()
    if n <= 1:
        return out
    mm = dpi / 25.4
    small = dot_candidates(stats[1:], mm)
    idx = np.flatnonzero(small) + 1
    if len(idx) < MIN_RUN:
        return out
    lead, rows = find_leader_rows(cent[idx, 0], cent[idx, 1], mm, stats[idx, cv2.CC_STAT_AREA].astype(np.float64))
    if not lead.any():
        return out
    lead &= ~_colon_bottoms(cent[idx], stats[idx], lead)
    hh, ww = gray.shape
    pad = 2
    for i in idx[lead]:
        x, y, w, h = stats[i, :4]
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(ww, x + w + pad), min(hh, y + h + pad)
        sub = labels[y0:y1, x0:x1]
        out[y0:y1, x0:x1][(sub == i) | (sub == 0)] = 255  # the dot and its blurred rim
    for members, lattices in rows:
        _trim_fused(out, labels, stats, idx[members], lattices, mm)
    return out

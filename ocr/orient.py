"""Stage 3: which way up is the page?

A fast estimate from the page's own geometry first, Tesseract OSD only when that is unsure:

1. **Axis** (0/180 against 90/270). The centres of character-sized blobs are projected across
   and along the page over a range of small angles; text lines make one direction's profile
   far sharper (sum of squared bin counts) than the other's. The ratio is ≥ 3 on every kind of
   page measured (prose, forms, ledgers), so 1.8 leaves a wide margin.
2. **Up or down** (0 against 180), on the page turned to horizontal lines and deskewed at low
   resolution. Two independent cues of Vietnamese print, both top-heavy when upright:
   * small marks (tone marks, circumflex, breve, i-dots) sitting just *above* a letter
     outnumber those just *below* one (the dot below ``ạ``, commas); dotted leaders, which
     sit on the baseline, are left out;
   * in each text line's ink profile, the mass above the x-height core (ascenders, capitals,
     diacritics) exceeds the mass below it (descenders).
   The page is turned only when both cues agree and their summed log-ratio clears a margin.
3. Otherwise Tesseract OSD (on a downscaled image), trusted only above a confidence threshold:
   it once flipped an upright form at confidence 0.02.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.engine import OcrEngine
from ocr.imageops import downscale, normalize_background
from ocr.leaders import find_leader_dots
from ocr.types import Orientation

OSD_DPI = 150
WORK_DPI = 150
AXIS_RATIO = 1.8  # sharper/blurrier profile ratio needed to decide the axis
UPDOWN_MARGIN = 0.6  # summed log-ratio of the two up/down cues needed to decide up/down
MIN_BLOBS = 40
MIN_MARKS = 20


@dataclass(frozen=True)
class FastEstimate:
    rotation: int | None  # None: unsure, ask OSD
    axis_ratio: float  # horizontal / vertical profile sharpness
    updown: float  # > 0 upright after the axis turn, < 0 upside down
    marks: tuple[int, int]  # (above, below)
    profile_ratio: float
    skew_hint: float | None  # coarse skew of the upright page, degrees CCW


def binarize(gray: np.ndarray, dpi: int, target_dpi: int = WORK_DPI) -> tuple[np.ndarray, float]:
    """Ink mask (255 = ink) at about ``target_dpi`` and that resolution."""
    small, f = downscale(gray, dpi, target_dpi)
    d = dpi * f
    norm = normalize_background(small, int(round(d)))
    _, ink = cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink, d


def _sharpness(a: np.ndarray, b: np.ndarray, angles: np.ndarray, bin_px: float) -> tuple[float, float]:
    """Best (normalised sum of squares, angle) of the projection of points on a + b·tan(angle)."""
    best, best_angle = -1.0, 0.0
    n2 = float(len(a)) ** 2
    for ang in angles:
        proj = np.floor((a + b * np.tan(np.radians(ang))) / bin_px).astype(np.int64)
        proj -= proj.min()
        counts = np.bincount(proj).astype(np.float64)
        s = float(np.dot(counts, counts)) / n2
        if s > best:
            best, best_angle = s, float(ang)
    return best, best_angle


def _blob_centres(stats: np.ndarray, cents: np.ndarray, mm: float) -> np.ndarray:
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    big, small = np.maximum(w, h), np.minimum(w, h)
    keep = (big >= 1.0 * mm) & (big <= 6.0 * mm) & (small >= 0.3 * mm)
    return cents[keep]


def axis_ratio(ink: np.ndarray, dpi: float) -> tuple[float, float, float, np.ndarray]:
    """(horizontal/vertical sharpness ratio, coarse angle for horizontal lines, for vertical lines,
    centres (x, y) of the character-sized blobs)."""
    mm = dpi / 25.4
    _, _, stats, cents = cv2.connectedComponentsWithStats(ink, connectivity=8)
    pts = _blob_centres(stats[1:], cents[1:], mm)
    if len(pts) < MIN_BLOBS:
        return 1.0, 0.0, 0.0, pts
    angles = np.arange(-8.0, 8.01, 0.5)
    sh, ah = _sharpness(pts[:, 1], pts[:, 0], angles, 0.5 * mm)
    sv, av = _sharpness(pts[:, 0], pts[:, 1], angles, 0.5 * mm)
    return sh / max(sv, 1e-9), ah, av, pts


def _leader_marks(cx: np.ndarray, cy: np.ndarray, mm: float) -> np.ndarray:
    """Marks that are part of a horizontal chain of ≥ 3 evenly placed dots (fill-in leaders)."""
    lead = np.zeros(len(cx), dtype=bool)
    if len(cx) == 0:
        return lead
    order = np.lexsort((cx, np.round(cy / (0.3 * mm))))
    run: list[int] = []
    prev = -1
    for k in order:
        if prev >= 0 and abs(cy[k] - cy[prev]) <= 0.3 * mm and 0 < cx[k] - cx[prev] <= 2.5 * mm:
            run.append(k)
        else:
            if len(run) >= 3:
                lead[run] = True
            run = [k]
        prev = k
    if len(run) >= 3:
        lead[run] = True
    return lead


def updown_cues(ink: np.ndarray, dpi: float) -> tuple[int, int, float]:
    """On an ink mask with horizontal, level text lines: (marks above letters, marks below, profile
    mass above the x-height core / mass below it)."""
    mm = dpi / 25.4
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, a = (stats[1:, i] for i in range(5))
    body = (h >= 1.2 * mm) & (h <= 6 * mm) & (w <= 8 * mm) & (w >= 0.3 * mm)
    mark = (h < 1.0 * mm) & (w < 1.5 * mm) & (a >= 2)
    mi = np.nonzero(mark)[0]
    lead = _leader_marks(x[mi] + w[mi] / 2, y[mi] + h[mi] / 2, mm)
    lead |= find_leader_dots(x[mi] + w[mi] / 2.0, y[mi] + h[mi] / 2.0, mm, a[mi].astype(np.float64))
    mark[mi[lead]] = False
    above = below = 0
    if body.any() and mark.any():
        bx0, bx1 = x[body], x[body] + w[body]
        by0, by1, bh = y[body], y[body] + h[body], h[body]
        mx = x[mark] + w[mark] / 2
        my0, my1 = y[mark], y[mark] + h[mark]
        ab = np.zeros(len(mx), dtype=bool)
        be = np.zeros(len(mx), dtype=bool)
        for s in range(0, len(mx), 512):  # bounded memory
            sl = slice(s, s + 512)
            inx = (mx[sl, None] >= bx0[None]) & (mx[sl, None] <= bx1[None])
            lim = 0.45 * bh[None]
            ga = by0[None] - my1[sl, None]
            gb = my0[sl, None] - by1[None]
            ab[sl] = (inx & (ga >= -1) & (ga <= lim)).any(1)
            be[sl] = (inx & (gb >= -1) & (gb <= lim)).any(1)
        above, below = int((ab & ~be).sum()), int((be & ~ab).sum())
    # Line profiles of letter-sized ink (no rules, boxes or leaders).
    keep = np.zeros(n, dtype=bool)
    keep[1:] = (h <= 6 * mm) & (w <= 8 * mm)
    keep[1:][mi[lead]] = False
    prof = keep[labels].sum(axis=1).astype(np.float64)
    up = down = 0.0
    if prof.max() > 0:
        on = prof > 0.02 * prof.max()
        edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
        for i, j in zip(edges[::2], edges[1::2]):
            if j - i < 0.8 * mm:
                continue
            band = prof[i:j]
            core = np.flatnonzero(band >= 0.5 * band.max())
            up += float(band[: core[0]].sum())
            down += float(band[core[-1] + 1 :].sum())
    return above, below, (up + 1.0) / (down + 1.0)


def _level(ink: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return ink
    hh, ww = ink.shape
    m = cv2.getRotationMatrix2D((ww / 2, hh / 2), -angle, 1.0)
    return cv2.warpAffine(ink, m, (ww, hh), flags=cv2.INTER_NEAREST, borderValue=0)


def fast_orientation(gray: np.ndarray, dpi: int) -> FastEstimate:
    ink, d = binarize(gray, dpi)
    ratio, ah, av, blobs = axis_ratio(ink, d)
    nblobs = len(blobs)
    if nblobs < MIN_BLOBS or 1 / AXIS_RATIO < ratio < AXIS_RATIO:
        return FastEstimate(None, ratio, 0.0, (0, 0), 1.0, None)
    base = 0
    mm = d / 25.4
    pts = blobs
    if ratio <= 1 / AXIS_RATIO:
        base = 90  # lines run down the page: undo a 90° clockwise turn, then judge up/down
        ink = cv2.rotate(ink, cv2.ROTATE_90_COUNTERCLOCKWISE)
        ah = -av
        pts = np.column_stack([blobs[:, 1], ink.shape[0] - 1 - blobs[:, 0]])  # the same blobs, turned
    # Refine the tilt a little so each line's profile is sharp.
    _, angle = _sharpness(pts[:, 1], pts[:, 0], np.arange(ah - 0.5, ah + 0.51, 0.1), 0.5 * mm)
    above, below, prof_ratio = updown_cues(_level(ink, angle), d)
    marks_cue = float(np.log((above + 5.0) / (below + 5.0))) if above + below >= MIN_MARKS else 0.0
    prof_cue = float(np.log(prof_ratio))
    score = marks_cue + prof_cue
    rotation: int | None = None
    if marks_cue * prof_cue > 0 and abs(score) >= UPDOWN_MARGIN:
        rotation = base if score > 0 else (base + 180) % 360
    return FastEstimate(rotation, ratio, score, (above, below), prof_ratio, angle)


def detect_orientation(gray: np.ndarray, dpi: int, engine: OcrEngine, min_confidence: float) -> Orientation:
    est = fast_orientation(gray, dpi)
    if est.rotation is not None:
        return Orientation(
            est.rotation,
            round(abs(est.updown), 3),
            applied=est.rotation != 0,
            method="geometry",
            skew_hint=est.skew_hint,
        )
    return osd_orientation(gray, dpi, engine, min_confidence)


def osd_orientation(gray: np.ndarray, dpi: int, engine: OcrEngine, min_confidence: float) -> Orientation:
    small, f = downscale(gray, dpi, OSD_DPI)
    osd = engine.orientation(small, max(1, int(round(dpi * f))))
    if osd is None:
        return Orientation(0, None, applied=False, method="osd")
    if osd.rotation != 0 and osd.confidence < min_confidence:
        return Orientation(0, osd.confidence, applied=False, method="osd")
    return Orientation(osd.rotation, osd.confidence, applied=osd.rotation != 0, method="osd")

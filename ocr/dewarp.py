"""Rippled text lines straightened before recognition.

A sheet that was bent or rippled when copied or photographed (an augraphy print-scan copy
rippled its lines by up to a line's height) has text lines that climb and fall across the page;
Tesseract reads such a line as pieces of several and loses most of it. Deskewing turns the page
as a whole and cannot help.

The lines are traced on a ~100 dpi ink mask: letters are smeared along the line into word
blobs, each blob gives its ink's middle per column, and blobs are chained left to right into
lines where one's end meets the next one's start at the same height. A traced line's course is
its middle smoothed over ``SMOOTH_MM`` (a running median: ascenders, descenders and marks go).
Word blobs whose ink runs down a column more than ``TALL_BLOB`` × the usual are two lines run
together and not traced. A page is *rippled* when at least ``MIN_WAVY_LINES`` lines of
``MIN_LINE_MM`` or more, and ``WAVY_SHARE`` of them, stray from their own straight fit by more
than ``WAVY_MM`` (95th percentile): the rippled copy 17 of 21 (up to 4.8 mm); every other drawn
tune page of all fourteen kinds 0 or 1 of 12-22, the real-dev scans 0-2 of 26-40 (a line traced
into the next one, under a stamp: up to 1.8 mm). Only then is the page remapped: each column
moves each traced line onto a level line at its mean height, and the rows between two traced
lines move by an amount interpolated between theirs (``Warp.apply``). The recognised words' boxes are mapped back onto
the page (``Warp.unmap_box``: the rows the word covers there), so the PDF, the reader and a
second look at a region keep using the page as it was."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.imageops import downscale, normalize_background

TRACE_DPI = 100
WAVY_MM = 1.2  # a traced line this far off its straight fit is bent (13 pt's x-height: ~1.6 mm)
MIN_LINE_MM = 40.0  # lines shorter than this are not traced (headers' short lines, numbers)
MIN_WAVY_LINES = 3  # a page is rippled when at least this many long lines are bent
WAVY_SHARE = 0.4  # ... and at least this share of them
TALL_BLOB = 1.8  # word blobs taller than this × the median are two lines run together
SMOOTH_MM = 4.0  # a traced line is followed over this run of columns (its letters smoothed out)


@dataclass
class Warp:
    """Vertical displacement of the page: the straightened image at (x, y) is the page at
    (x, y + dy[y, x]); ``dy`` is sampled at ``TRACE_DPI``."""

    dy: np.ndarray  # float32, trace-resolution rows × columns, in the page's pixels
    bent_lines: int
    long_lines: int  # lines traced over MIN_LINE_MM or more
    max_bend_mm: float

    def field(self, shape: tuple[int, int], k: float = 1.0) -> np.ndarray:
        """``dy`` at an image ``k`` × the page's size (``shape``: rows, columns)."""
        h, w = shape
        return cv2.resize(self.dy * k, (w, h), interpolation=cv2.INTER_LINEAR)

    def apply(self, image: np.ndarray, k: float = 1.0) -> np.ndarray:
        """The image (the page scaled by ``k``) with its lines straightened."""
        h, w = image.shape[:2]
        d = self.field((h, w), k)
        xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        return cv2.remap(image, xs, ys + d, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)

    def unmap_box(self, box: tuple[int, int, int, int], field: np.ndarray) -> tuple[int, int, int, int]:
        """A box on the straightened image (in ``field``'s pixels) as the box it covers on the
        unstraightened one: its top and bottom moved by the least and most of ``dy`` under it."""
        x, y, w, h = box
        fh, fw = field.shape
        x0, x1 = max(0, min(fw - 1, x)), max(0, min(fw, x + w))
        y0, y1 = max(0, min(fh - 1, y)), max(0, min(fh, y + h))
        under = field[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)]
        lo, hi = float(under.min()), float(under.max())
        top = int(round(y + lo))
        return x, top, w, int(round(y + h + hi)) - top


def _word_blobs(ink: np.ndarray, dpi: float) -> tuple[int, np.ndarray, np.ndarray]:
    mm = dpi / 25.4
    k = max(3, int(round(1.5 * mm)) | 1)
    smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    return n, labels, stats


def trace_lines(ink: np.ndarray, dpi: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Text lines as (columns, middle row per column), left to right, on an ink mask (1 = ink)."""
    mm = dpi / 25.4
    n, labels, stats = _word_blobs(ink, dpi)
    blobs = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < 2 * mm or h < 0.8 * mm or h > 12 * mm:
            continue  # specks, rules' pieces, pictures
        sub = (labels[y : y + h, x : x + w] == i) & (ink[y : y + h, x : x + w] > 0)
        cnt = sub.sum(axis=0)
        cols = np.flatnonzero(cnt)
        if len(cols) < 2:
            continue
        rows = np.arange(h, dtype=np.float32)[:, None]
        mid = (sub * rows).sum(axis=0)[cols] / cnt[cols] + y
        first, last = np.argmax(sub, axis=0)[cols], h - 1 - np.argmax(sub[::-1], axis=0)[cols]
        blobs.append((x + cols, mid.astype(np.float32), h, float(np.median(last - first + 1))))
    if blobs:  # two lines run together (a descender on an ascender) have no one middle
        tall = TALL_BLOB * float(np.median([b[3] for b in blobs]))  # ink down a column, not the box
        blobs = [b for b in blobs if b[3] <= tall]
    blobs.sort(key=lambda b: int(b[0][0]))
    # Where each blob starts (column, height) and its box height, for the chaining below.
    start_x = np.array([int(b[0][0]) for b in blobs])
    start_y = np.array([float(np.mean(b[1][: max(2, len(b[1]) // 6)])) for b in blobs])
    height = np.array([b[2] for b in blobs], dtype=np.float64)
    used = np.zeros(len(blobs), dtype=bool)
    lines = []
    for i, (xs, ys, h, _) in enumerate(blobs):
        if used[i]:
            continue
        used[i] = True
        cx, cy = [xs], [ys]
        end_x, end_y, lh = int(xs[-1]), float(np.mean(ys[-max(2, len(ys) // 6) :])), h
        while True:
            # The next blob: unused, starting just after this end (within 4 mm), at its height.
            gap = start_x - end_x
            d = np.abs(start_y - end_y)
            ok = ~used & (gap >= -1) & (gap <= 4 * mm) & (d < 0.45 * np.maximum(lh, height))
            if not ok.any():
                break
            best = int(np.flatnonzero(ok)[np.argmin(d[ok])])
            used[best] = True
            bx, by, bh, _ = blobs[best]
            cx.append(bx)
            cy.append(by)
            end_x, end_y, lh = int(bx[-1]), float(np.mean(by[-max(2, len(by) // 6) :])), bh
        lines.append((np.concatenate(cx), np.concatenate(cy)))
    return lines


def _smooth(ys: np.ndarray, n: int) -> np.ndarray:
    """A running median of ``n`` samples: the line's course without its letters' ups and downs
    (ascenders, descenders, marks)."""
    if n < 3 or len(ys) < n:
        return ys
    pad = np.pad(ys, (n // 2, n - 1 - n // 2), mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(pad, n)
    return np.median(win, axis=1).astype(np.float32)


def find_warp(gray: np.ndarray, dpi: int) -> Warp | None:
    """The page's warp when its lines are bent (``WAVY_MM``), else None."""
    small, f = downscale(gray, dpi, TRACE_DPI)
    tdpi = dpi * f
    mm = tdpi / 25.4
    norm = normalize_background(small, max(1, int(round(tdpi))))
    _, ink = cv2.threshold(norm, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = ink.shape
    bent = 0
    worst = 0.0
    samples: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # columns, traced rows, target rows
    for xs, ys in trace_lines(ink, tdpi):
        if xs[-1] - xs[0] < MIN_LINE_MM * mm:
            continue
        order = np.argsort(xs, kind="stable")
        xs, ys = xs[order], _smooth(ys[order], int(round(SMOOTH_MM * mm)))
        fit = np.polyval(np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1), xs).astype(np.float32)
        dev = float(np.percentile(np.abs(ys - fit), 95)) / mm
        if dev > WAVY_MM:
            bent += 1
        worst = max(worst, dev)
        samples.append((xs, ys, np.full_like(ys, float(np.mean(ys)))))  # onto a level line
    if bent < max(MIN_WAVY_LINES, WAVY_SHARE * len(samples)):
        return None  # a ripple bends most lines; a few bent ones are lines traced wrong
    # Per column: the traced lines' rows and their shifts, interpolated down the column.
    dy = np.zeros((h, w), np.float32)
    rows = np.arange(h, dtype=np.float32)
    step = max(1, int(round(mm)))
    known = np.zeros(w, bool)
    dense = []
    for xs, ys, fit in samples:
        order = np.argsort(xs, kind="stable")
        xs, ys, fit = xs[order], ys[order], fit[order]
        dense.append((int(xs[0]), int(xs[-1]), xs.astype(np.float32), ys, fit))
    for x in range(0, w, step):
        pts = [
            (float(np.interp(x, xs, fit)), float(np.interp(x, xs, ys) - np.interp(x, xs, fit)))
            for x0, x1, xs, ys, fit in dense
            if x0 <= x <= x1
        ]
        if len(pts) < 2:
            continue
        pts.sort()
        py = np.array([p[0] for p in pts], np.float32)
        pd = np.array([p[1] for p in pts], np.float32)
        dy[:, x] = np.interp(rows, py, pd)
        known[x] = True
    cols = np.flatnonzero(known)
    if len(cols) < 2:
        return None
    for y in range(h):  # columns between samples (and beyond the text) take the nearest
        dy[y] = np.interp(np.arange(w, dtype=np.float32), cols.astype(np.float32), dy[y, cols])
    dy = cv2.GaussianBlur(dy, (0, 0), mm)
    return Warp(dy / f, bent, len(samples), round(worst, 1))

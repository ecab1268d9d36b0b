"""Entries of a columnar register page (old ``Sổ đăng ký khai sinh`` ledgers): columns bound by
their numbered markers ``(1) (2) …`` under the header, one entry per ``Số`` in the first column."""

from __future__ import annotations

import re

from indexer.fields.catalogue import DocType
from indexer.fields.layout import Line, Page, Tok

_MARKER = re.compile(r"^[(\[{|]?\s*(\w{1,2})\s*[)\]}|]?$")
_NUMBER = re.compile(r"^\d{1,5}[.,]?$")


def _markers(page: Page, n_columns: int) -> tuple[Line | None, dict[int, float]]:
    """The line of column markers ``(1) (2) …`` and each column's centre (OCR may garble a few:
    ``q)`` for ``(1)``; a missing one is placed between its neighbours)."""
    for line in page.lines:
        marks = [t for t in line.toks if ("(" in t.text or ")" in t.text) and len(t.text.replace(" ", "")) <= 4]
        if len(marks) < max(4, n_columns // 2):
            continue
        found: dict[int, float] = {}
        expected = 1
        for t in marks:
            m = _MARKER.match(t.text.replace(" ", ""))
            num = int(m.group(1)) if m and m.group(1).isdigit() else None
            if num is not None and num >= expected:
                expected = num
            found[expected] = (t.x0 + t.x1) / 2
            expected += 1
        known = sorted(found)
        if len(known) < 2:
            continue
        step = (found[known[-1]] - found[known[0]]) / (known[-1] - known[0])
        for k in range(1, max(max(known), n_columns) + 1):
            if k not in found:
                lo = max((j for j in known if j < k), default=None)
                hi = min((j for j in known if j > k), default=None)
                if lo is not None and hi is not None:
                    found[k] = found[lo] + (found[hi] - found[lo]) * (k - lo) / (hi - lo)
                elif hi is not None:  # a lost first marker: one typical column width before
                    found[k] = found[hi] - step * (hi - k)
                elif lo is not None:
                    found[k] = found[lo] + step * (k - lo)
        return line, {k: v for k, v in found.items() if 1 <= k <= n_columns}
    return None, {}


def gap_edges(toks: list[Tok], guesses: list[float], reach: list[float]) -> list[float]:
    """Each guessed column edge moved to the middle of the widest word-free strip near it."""
    out = []
    for guess, r in zip(guesses, reach):
        best, best_gap = guess, 0.0
        step = max(1.0, r / 20)
        x = guess - r
        while x <= guess + r:
            if not any(t.x0 - 2 <= x <= t.x1 + 2 for t in toks):
                left = max((t.x1 for t in toks if t.x1 < x), default=guess - r)
                right = min((t.x0 for t in toks if t.x0 > x), default=guess + r)
                if right - left > best_gap:
                    best, best_gap = (left + right) / 2, right - left
            x += step
        out.append(best)
    return out


def extract_register(page: Page, dt: DocType) -> list[dict[str, str]]:
    reg = dt.register
    if reg is None:
        return []
    marker_line, centers = _markers(page, len(reg.columns))
    if marker_line is None:
        return []
    cols = sorted(centers)
    xs = [centers[c] for c in cols]
    below = [ln for ln in page.lines if ln.yc > marker_line.yc + 0.5 * page.char_h]
    toks = [t for ln in below for t in ln.toks]
    guesses = [(a + b) / 2 for a, b in zip(xs, xs[1:])]
    reach = [(b - a) / 2 * 0.8 for a, b in zip(xs, xs[1:])]
    inner = gap_edges(toks, guesses, reach)
    edges = [float("-inf")] + inner + [float("inf")]
    ids = [c.id for c in reg.columns]

    def column_of(t: Tok) -> int:
        for k in range(len(edges) - 1):
            if edges[k] <= t.x0 < edges[k + 1]:
                return k
        return len(edges) - 2

    entries: list[list[Line]] = []
    for ln in below:
        first = [t for t in ln.toks if column_of(t) == 0]
        if first and _NUMBER.match(first[0].text):
            entries.append([ln])
        elif entries:
            entries[-1].append(ln)
    out = []
    for lines in entries:
        cells: dict[str, list[str]] = {i: [] for i in ids}
        for ln in lines:
            for t in ln.toks:
                k = column_of(t)
                if k < len(ids):
                    cells[ids[k]].append(t.text)
        out.append({k: " ".join(v).strip(" .,;:|_") for k, v in cells.items()})
    return out

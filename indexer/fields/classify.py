"""Which document a page is: its title line first (accent-insensitive, tolerant of OCR damage
such as ``GIÁY`` or ``BÁN SAO``), the set of labels printed on it as the fallback."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from indexer.fields.catalogue import BLANK, OTHER, Catalogue, DocType
from indexer.fields.labels import find_labels
from indexer.fields.layout import Line, Page
from indexer.vntext import fold

TITLE_MIN = 86.0  # a title line must match this well (0..100)
LABELS_MIN = 0.45  # share of a type's supporting texts found, for the fallback


@dataclass
class Classification:
    doc_type: str
    score: float
    title: str = ""
    how: str = ""


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def title_score(line_text: str, title: str) -> float:
    a, b = fold(line_text), fold(title)
    if not a or not b:
        return 0.0
    if len(a) <= len(b) * 1.25:
        return fuzz.ratio(a, b)
    # A longer line: the title with a little more around it ("… (BẢN SAO)", a header beside it).
    return fuzz.partial_ratio(b, a) * (len(b) / len(a)) ** 0.5


def _title_candidates(page: Page) -> list[Line]:
    if not page.lines:
        return []
    top = page.lines[0].y0
    span = max(1, page.lines[-1].y1 - top)
    out = []
    for line in page.lines:
        if (line.y0 - top) / span > 0.45:
            break
        if _upper_share(line.text) >= 0.7 and sum(c.isalpha() for c in line.text) >= 6:
            out.append(line)
    return out


def _support(page: Page, dt: DocType) -> float:
    if not dt.supporting:
        return 0.0
    found = set()
    cands = [(s, s) for s in dt.supporting]
    for line in page.lines:
        for hit in find_labels(line, cands, need_colon_inside=False):
            found.add(hit.payload)
    return len(found) / len(dt.supporting)


def classify(page: Page, catalogue: Catalogue, blank: bool = False) -> Classification:
    if blank or sum(len(t.text) for line in page.lines for t in line.toks if any(c.isalnum() for c in t.text)) < 12:
        return Classification(BLANK, 1.0, how="blank")
    folded_page = fold(page.text)
    best: tuple[float, int, DocType, str] | None = None
    for line in _title_candidates(page):
        for dt in catalogue.doc_types.values():
            if any(m in folded_page for m in dt.must_not) and dt.must_not:
                # must_not texts count only outside the matched title itself
                if any(m in fold(line.text) for m in dt.must_not):
                    continue
            for title in dt.titles:
                s = title_score(line.text, title)
                if s >= TITLE_MIN and (best is None or (s, dt.priority) > (best[0], best[1])):
                    best = (s, dt.priority, dt, line.text)
    if best is not None:
        # Near ties between titles (KHAI SINH / KHAI TỬ) are settled by the labels on the page.
        s, _, dt, text = best
        rivals = []
        for line in _title_candidates(page):
            for other in catalogue.doc_types.values():
                if other.priority < 0:
                    continue
                for title in other.titles:
                    so = title_score(line.text, title)
                    if so >= s - 4:
                        rivals.append((so + 12 * _support(page, other), other))
        if rivals:
            _, dt = max(rivals, key=lambda r: r[0])
        return Classification(dt.id, s / 100, text, "title")
    scored = sorted(
        ((_support(page, dt), dt) for dt in catalogue.doc_types.values() if dt.supporting), key=lambda t: -t[0]
    )
    if scored and scored[0][0] >= LABELS_MIN:
        return Classification(scored[0][1].id, scored[0][0], how="labels")
    return Classification(OTHER, 0.5, how="none")

"""Label-anchored extraction from a form page: the value of a label is what follows it up to the
next label, continuation lines joined; repeated labels are resolved by section (sections.py)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from indexer.fields.catalogue import Catalogue, DocType, FieldSpec
from indexer.fields.classify import title_score
from indexer.fields.labels import LabelHit, find_labels, starts_with
from indexer.fields.layout import Line, Page, Tok
from indexer.fields.sections import SectionTracker
from indexer.fields.syllables import is_valid

# Value types whose text may wrap onto a second printed line.
WRAPPING = {"place", "text", "id_doc", "date_words", "datetime", "place_date"}


@dataclass
class RawField:
    spec_id: str
    type: str
    toks: list[Tok]
    label: str = ""
    section: str = ""
    vocab: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)


@dataclass
class LineInfo:
    line: Line
    hits: list[LabelHit]
    kind: str  # "labels" | "lead" | "boiler" | "plain"


def field_labels(dt: DocType) -> list[tuple[tuple[str, ...], list[FieldSpec]]]:
    return list(dt.label_index.items())


def is_boilerplate(line: Line, catalogue: Catalogue) -> bool:
    return any(starts_with(line, b, 0.85) for b in catalogue.boilerplate if len(b) >= 2)


def analyse_lines(page: Page, dt: DocType, catalogue: Catalogue) -> list[LineInfo]:
    labels = field_labels(dt)
    out = []
    for line in page.lines:
        if _is_title(line, dt):
            out.append(LineInfo(line, [], "title"))
            continue
        hits = find_labels(line, labels)
        if hits and hits[0].start == 0:
            out.append(LineInfo(line, hits, "labels"))
            continue
        lead = any(starts_with(line, a, 0.82) for s in dt.sections for a in s.lead_ins)
        if lead:
            out.append(LineInfo(line, [], "lead"))
        elif is_boilerplate(line, catalogue):
            out.append(LineInfo(line, [], "boiler"))
        elif hits:
            out.append(LineInfo(line, hits, "labels"))
        else:
            out.append(LineInfo(line, [], "plain"))
    return out


def _is_title(line: Line, dt: DocType) -> bool:
    letters = [c for c in line.text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.7:
        return False
    return any(title_score(line.text, t) >= 80 for t in dt.titles)


def line_pitch(page: Page) -> float:
    ys = [b.yc - a.yc for a, b in zip(page.lines, page.lines[1:]) if b.yc - a.yc > page.char_h * 0.8]
    return float(statistics.median(ys)) if ys else page.char_h * 1.8


def _wrapped(prev: Line, nxt: Line, page: Page) -> bool:
    """True when ``prev`` ends where a wrapped value ends: the first word of ``nxt`` would not fit."""
    first = nxt.toks[0]
    needed = (first.x1 - first.x0) + 0.4 * page.char_h
    return prev.x1 + needed >= page.right - 0.6 * page.char_h


def extract_form(page: Page, dt: DocType, catalogue: Catalogue) -> list[RawField]:
    infos = analyse_lines(page, dt, catalogue)
    tracker = SectionTracker(dt)
    pitch = line_pitch(page)
    found: dict[str, RawField] = {}
    for i, info in enumerate(infos):
        if info.kind == "lead":
            tracker.lead_in(info.line)
            continue
        if info.kind != "labels":
            continue
        for k, hit in enumerate(info.hits):
            spec = tracker.resolve(hit.payload, set(found), hit.atoms)
            if spec is None or spec.id in found:
                continue
            end = info.hits[k + 1].start if k + 1 < len(info.hits) else len(info.line.toks)
            toks = list(info.line.toks[hit.end : end])
            label = " ".join(t.text for t in info.line.toks[hit.start : hit.end])
            if spec.position == "below":
                toks = _name_below(infos, i, info.line.toks[hit.start], info.line.toks[hit.end - 1], page)
            elif k + 1 == len(info.hits):
                toks += _continuation(infos, i, spec, toks, page, pitch)
            found[spec.id] = RawField(spec.id, spec.type, toks, label, tracker.current, spec.vocab)
    return list(found.values())


def _continuation(
    infos: list[LineInfo], i: int, spec: FieldSpec, toks: list[Tok], page: Page, pitch: float
) -> list[Tok]:
    out: list[Tok] = []
    prev = infos[i].line
    if not toks:
        # The value may stand on the next line, under its label.
        if i + 1 < len(infos) and infos[i + 1].kind == "plain" and infos[i + 1].line.yc - prev.yc <= 1.4 * pitch:
            return list(infos[i + 1].line.toks)
        return out
    if spec.type not in WRAPPING:
        return out
    j = i + 1
    while j < len(infos) and len(out) < 40:
        nxt = infos[j]
        if nxt.kind != "plain" or nxt.line.yc - prev.yc > 1.4 * pitch or not _wrapped(prev, nxt.line, page):
            break
        out.extend(nxt.line.toks)
        prev = nxt.line
        j += 1
    return out


def looks_like_name(toks: list[Tok]) -> bool:
    words = [t.text.strip(",.;:") for t in toks]
    if not 2 <= len(words) <= 6:
        return False
    if not all(w[:1].isupper() and w.isalpha() for w in words):
        return False
    return sum(is_valid(w) for w in words) >= len(words) - 1


def _name_below(infos: list[LineInfo], i: int, first: Tok, last: Tok, page: Page) -> list[Tok]:
    """The name printed under a signature heading, in the heading's column."""
    cx = (first.x0 + last.x1) / 2
    half = max(last.x1 - first.x0, 8 * page.char_h)
    best: list[Tok] = []
    for info in infos[i + 1 : i + 12]:
        if info.kind == "labels":
            break
        cell = [t for t in info.line.toks if abs((t.x0 + t.x1) / 2 - cx) <= half]
        # several words may be in the column; keep the run of words nearest the heading's centre
        if looks_like_name(cell):
            best = cell
    return best

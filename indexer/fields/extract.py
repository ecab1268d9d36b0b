"""Label-anchored extraction from a form page: the value of a label is what follows it up to the
next label, continuation lines joined; repeated labels are resolved by section (sections.py).

What it guarantees, whatever the layout:
- labels in any order, several ``label: value`` pairs on one line;
- a value never crosses into the next label, whether the catalogue knows that label, knows it in
  other words, or not at all (``labels.settle``), nor across a wide blank gap (a number printed
  beside the place-date is not part of it);
- a value wrapped onto the next line is joined when the line reached the right margin, or ended
  on a comma, or on a lower-case word with the next line going on with digits, or the next line
  starts under the value; never a line that starts with a label, a lead-in or
  boilerplate;
- a label's printed words and box travel with its value (``RawField.label``, ``label_box``);
- a place-date printed without its label (``Hữu Sản, ngày 29 tháng 11 năm 2020`` above the
  signature) is still the form's place-date: the last such cell in the lower half of the page.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from indexer.fields.catalogue import Catalogue, DocType, FieldSpec
from indexer.fields.classify import title_score
from indexer.fields.labels import LabelHit, find_labels, fuzzy_label, settle, starts_with
from indexer.fields.layout import Line, Page, Tok
from indexer.fields.sections import SectionTracker
from indexer.fields.syllables import is_valid
from indexer.vntext import fold

# Value types whose text may wrap onto a second printed line.
WRAPPING = {"place", "text", "paper_ref", "id_doc", "date_words", "datetime", "place_date"}


@dataclass
class RawField:
    spec_id: str
    type: str
    toks: list[Tok]
    label: str = ""
    section: str = ""
    vocab: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    label_box: tuple[int, int, int, int] | None = None  # the printed label's box (left, top, w, h)
    region: tuple[int, int, int, int] | None = None  # where the value should be (an empty table cell)

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)


@dataclass
class LineInfo:
    line: Line
    hits: list[LabelHit]
    kind: str  # "labels" | "lead" | "boiler" | "plain" | "title"
    leads: list[tuple[float, str]] = field(default_factory=list)  # side-by-side headings: (x, section)


def box_of(toks: list[Tok]) -> tuple[int, int, int, int] | None:
    if not toks:
        return None
    x0, y0 = min(t.x0 for t in toks), min(t.y0 for t in toks)
    return (x0, y0, max(t.x1 for t in toks) - x0, max(t.y1 for t in toks) - y0)


def field_labels(dt: DocType) -> list[tuple[tuple[str, ...], list[FieldSpec]]]:
    return list(dt.label_index.items())


_ENUM = re.compile(r"^(\d{1,2}|[a-zđ]|[IVX]{1,4})[.)]$")  # "1." "2)" "a)" "IV." before a line's text


def is_boilerplate(line: Line, catalogue: Catalogue) -> bool:
    if len(line.toks) > 1 and _ENUM.match(line.toks[0].text):
        line = Line(line.toks[1:])  # "1. Thành phần hồ sơ …"
    return any(starts_with(line, b, 0.85) for b in catalogue.boilerplate if len(b) >= 2)


def _bind_unknown(hits: list[LabelHit], labels: list[tuple[tuple[str, ...], list[FieldSpec]]]) -> list[LabelHit]:
    """Unknown labels worded like a catalogue label (a word more or less) are bound to its fields."""
    out = []
    for h in hits:
        if h.payload is None and (len(h.atoms) >= 2 or (h.atoms and len(h.atoms[0]) >= 6)):
            payload = fuzzy_label(h.atoms, labels)
            if payload is not None:
                h = LabelHit(h.start, h.end, h.atoms, 0.8, True, payload)
        out.append(h)
    return out


def _segments(line: Line, gap: float) -> list[Line]:
    """A line cut where the words leave a wide blank: side-by-side cells."""
    out: list[Line] = []
    for t in line.toks:
        if out and t.x0 - out[-1].toks[-1].x1 <= gap:
            out[-1].toks.append(t)
        else:
            out.append(Line([t]))
    return out


def _lead_of(line: Line, dt: DocType) -> str | None:
    best: tuple[float, str | None] = (0.0, None)
    for s in dt.sections:
        for a in s.lead_ins:
            sc = starts_with(line, a, 0.82)
            if sc > best[0]:
                best = (sc, s.id)
    return best[1]


def analyse_lines(page: Page, dt: DocType, catalogue: Catalogue) -> list[LineInfo]:
    labels = field_labels(dt)
    out = []
    for line in page.lines:
        if _is_title(line, dt):
            out.append(LineInfo(line, [], "title"))
            continue
        hits = _bind_unknown(settle(line, find_labels(line, labels), catalogue.heads, labels), labels)
        if hits and hits[0].start == 0 and any(h.payload is not None for h in hits):
            out.append(LineInfo(line, hits, "labels"))
            continue
        lead = _lead_of(line, dt)
        if lead:
            segs = _segments(line, 3 * page.char_h)
            leads = [((s.x0 + s.x1) / 2, sec) for s in segs if (sec := _lead_of(s, dt))] if len(segs) > 1 else []
            out.append(LineInfo(line, [], "lead", leads if len({s for _, s in leads}) > 1 else []))
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


def _cut_at_gap(toks: list[Tok], page: Page) -> list[Tok]:
    """A value ends at a wide blank: what stands beyond it is another cell (a number, a mark)."""
    for k in range(1, len(toks)):
        if toks[k].x0 - toks[k - 1].x1 > 4 * page.char_h:
            return toks[:k]
    return toks


def extract_form(
    page: Page, dt: DocType, catalogue: Catalogue, skip: tuple[tuple[float, float], ...] = ()
) -> list[RawField]:
    """Fields bound by their labels; lines whose centre lies in a ``skip`` band (a table read by
    table.py) are left alone."""
    infos = [info for info in analyse_lines(page, dt, catalogue) if not any(a <= info.line.yc <= b for a, b in skip)]
    tracker = SectionTracker(dt)
    pitch = line_pitch(page)
    found: dict[str, RawField] = {}
    for i, info in enumerate(infos):
        if info.kind == "lead":
            if info.leads:
                tracker.set_scopes(info.leads)
            else:
                tracker.lead_in(info.line)
            continue
        if info.kind != "labels":
            continue
        openers: list[tuple[float, str]] = [
            (float(info.line.toks[h.start].x0), h.payload[0].section)
            for h in info.hits
            if h.payload and len(h.payload) == 1 and h.payload[0].section
        ]
        if len({sec for _, sec in openers}) > 1:
            tracker.set_scopes(openers)
        for k, hit in enumerate(info.hits):
            if hit.payload is None:
                continue  # an unknown label: it only stops the value before it
            x = info.line.toks[hit.start].x0
            spec = tracker.resolve(hit.payload, set(found), hit.atoms, x)
            if spec is None or spec.id in found:
                continue
            end = info.hits[k + 1].start if k + 1 < len(info.hits) else len(info.line.toks)
            toks = _cut_at_gap(list(info.line.toks[hit.end : end]), page)
            label_toks = list(info.line.toks[hit.start : hit.end])
            toks, rest = _label_rest(toks, tuple(a for t in label_toks for a in t.atoms), spec, dt)
            label_toks += rest
            label = " ".join(t.text for t in label_toks)
            if spec.position == "below":
                toks = _name_below(infos, i, info.line.toks[hit.start], info.line.toks[hit.end - 1], page)
            elif k + 1 == len(info.hits) and len(toks) == end - hit.end:
                toks += _continuation(infos, i, spec, toks, page, pitch, label_toks[0].x0)
            found[spec.id] = RawField(
                spec.id, spec.type, toks, label, tracker.current, spec.vocab, label_box=box_of(label_toks)
            )
    for spec in dt.fields:
        if spec.type == "place_date" and spec.id not in found:
            toks = _place_date_line(infos, page)
            if toks:
                found[spec.id] = RawField(spec.id, spec.type, toks, "", spec.section, spec.vocab)
    return list(found.values())


_PLACE_DATE = re.compile(r"^[^\d:;]{2,60}, ngay \d{1,2} thang \d{1,2} nam \d{4}$")


def _label_rest(toks: list[Tok], atoms: tuple[str, ...], spec: FieldSpec, dt: DocType) -> tuple[list[Tok], list[Tok]]:
    """(value, rest of the label): a label matched only by its first words (``SỐ GIẤY BÁO TỬ/``,
    ``THỜI GIAN GIẢI QUYẾT HỒ SƠ:``) whose longer wording of the same field goes on in the first
    tokens after it (``GIẤY TỜ THAY THẾ GIẤY BÁO TỬ``, ``THEO QUY ĐỊNH LÀ``) — a colon misread or a
    line break inside the label: those tokens are label, not value. At least two of the wording's
    remaining words must match in order (the last may be lost); whole tokens only."""
    best: list[Tok] = []
    for lab, specs in dt.label_index.items():
        if spec not in specs or len(lab) < len(atoms) + 2 or lab[: len(atoms)] != atoms:
            continue
        rest = lab[len(atoms) :]
        n_atoms, n_toks = 0, 0
        for t in toks:
            ta = t.atoms
            if not ta or n_atoms + len(ta) > len(rest):
                break
            if any(Levenshtein.normalized_similarity(a, b) < 0.75 for a, b in zip(ta, rest[n_atoms:], strict=False)):
                break
            n_atoms += len(ta)
            n_toks += 1
        if n_atoms >= 2 and n_atoms >= len(rest) - 1 and n_toks < len(toks) and n_toks > len(best):
            best = toks[:n_toks]
    return toks[len(best) :], best


def _place_date_line(infos: list[LineInfo], page: Page) -> list[Tok]:
    """A place-date printed without its ``Làm tại:`` label (``Hữu Sản, ngày 29 tháng 11 năm 2020``
    above the signature): the last such cell in the lower half of the page, whole."""
    top = page.lines[0].y0 if page.lines else 0
    span = max(1, (page.lines[-1].y1 if page.lines else 1) - top)
    for info in reversed(infos):
        if info.kind != "plain" or (info.line.yc - top) / span < 0.45:
            continue
        for seg in _segments(info.line, 3 * page.char_h):
            if _PLACE_DATE.match(fold(" ".join(t.text for t in seg.toks))):
                return list(seg.toks)
    return []


def _continuation(
    infos: list[LineInfo], i: int, spec: FieldSpec, toks: list[Tok], page: Page, pitch: float, label_x: float
) -> list[Tok]:
    out: list[Tok] = []
    prev = infos[i].line
    if not toks:
        # The value may stand on the next line, under its label.
        if i + 1 < len(infos) and infos[i + 1].kind == "plain" and infos[i + 1].line.yc - prev.yc <= 1.4 * pitch:
            below = [t for t in infos[i + 1].line.toks if t.x0 >= label_x - 2 * page.char_h]
            return _cut_at_gap(below, page)
        return out
    if spec.type not in WRAPPING:
        return out
    value_x = toks[0].x0
    last = toks[-1]
    j = i + 1
    while j < len(infos) and len(out) < 40:
        nxt = infos[j]
        if nxt.kind != "plain" or nxt.line.yc - prev.yc > 1.4 * pitch:
            break
        first = nxt.line.toks[0]
        if first.x0 > value_x + 2 * page.char_h:
            break  # starts right of the value: another block (a signature, a note)
        joined = (
            _wrapped(prev, nxt.line, page)
            or last.text.endswith((",", "-", "–"))
            or abs(first.x0 - value_x) <= 1.5 * page.char_h
            # the value stops on a lower-case word and the next line goes on with digits
            # (``… cấp ngày`` / ``25.07.2017``)
            or (
                last.text.isalpha() and last.text.islower() and first.text[:1].isdigit() and not _ENUM.match(first.text)
            )
        )
        if not joined:
            break
        out.extend(_cut_at_gap(list(nxt.line.toks), page))
        prev = nxt.line
        last = out[-1]
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

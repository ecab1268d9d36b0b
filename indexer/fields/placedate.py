"""The place and date a form was made, printed without a label: ``Nghĩa Dũng, ngày 23 tháng 09
năm 2024`` above the signature (the official forms' ``……, ngày … tháng … năm …``) or on the right
of the header beside ``Số: …`` (other vendors' forms), where the catalogue's ``Làm tại:`` is not
printed.

Guarantees: only when the type has a place-date field and no label gave it; only a line whose
``ngày D tháng M năm YYYY`` has digits (a date in words is another field) and that no other field
already holds; the place is the words just before the date back to a wide gap, a colon or a
number (so ``Số: 100/2024`` beside it stays out); the last such line of the page wins (the
signature block is below any date quoted in the body). The field is read by the type's own value
reader like any labelled one (``values.read``).
"""

from __future__ import annotations

import re

from indexer.fields.catalogue import DocType
from indexer.fields.extract import RawField
from indexer.fields.layout import Page, Tok
from indexer.vntext import fold

FIELD = "signed_place_date"
MAX_PLACE_WORDS = 6
GAP = 1.5  # a gap wider than this many text heights parts two blocks on one line


def _date_at(toks: list[Tok], i: int) -> int | None:
    """The index after ``ngày D tháng M năm YYYY`` starting at ``i`` (None: not that)."""
    words = [fold(t.text).strip(",.;") for t in toks[i : i + 6]]
    if len(words) < 6 or words[0] != "ngay" or words[2] != "thang" or words[4] != "nam":
        return None
    if not (re.fullmatch(r"\d{1,2}", words[1]) and re.fullmatch(r"\d{1,2}", words[3])):
        return None
    return i + 6 if re.fullmatch(r"\d{4}", words[5]) else None


def _place_before(toks: list[Tok], at: int, h: float) -> list[Tok]:
    out: list[Tok] = []
    j = at
    while j > 0 and len(out) < MAX_PLACE_WORDS:
        t = toks[j - 1]
        if t.colon or any(c.isdigit() for c in t.text) or (t.x1 < toks[j].x0 - GAP * h):
            break
        out.insert(0, t)
        j -= 1
    if out and not out[-1].text.endswith(","):
        return []  # "Nghĩa Dũng, ngày …": the place ends with its comma
    return out if out and out[0].text[:1].isupper() else []


def unlabelled_place_date(page: Page, dtype: DocType, found: list[RawField]) -> RawField | None:
    """The form's place and date when no label gave it (see the module's guarantees)."""
    spec = dtype.field(FIELD)
    if spec is None or any(r.spec_id == FIELD for r in found):
        return None
    taken = {id(t) for r in found for t in r.toks}
    best: RawField | None = None
    for line in page.lines:
        toks = line.toks
        for i in range(len(toks)):
            end = _date_at(toks, i)
            if end is None or any(id(t) in taken for t in toks[i:end]):
                continue
            place = _place_before(toks, i, page.char_h)
            if place and not any(id(t) in taken for t in place):
                best = RawField(FIELD, spec.type, [*place, *toks[i:end]], section=spec.section)
    return best

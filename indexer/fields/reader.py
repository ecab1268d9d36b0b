"""``read_document(words)``: a page's document type and its fields, each read, checked, repaired
and scored. Pure: no database, no files; it runs in the OCR worker right after recognition."""

from __future__ import annotations

from collections.abc import Sequence

from indexer.fields import confidence, sanity, values
from indexer.fields.catalogue import Catalogue, load
from indexer.fields.classify import classify
from indexer.fields.crosscheck import check_ids, check_order, check_words, consensus
from indexer.fields.extract import extract_form
from indexer.fields.glyphs import LOST_DIGIT, lost_digit
from indexer.fields.layout import build_page
from indexer.fields.names import read_name
from indexer.fields.placedate import unlabelled_place_date
from indexer.fields.reading import DocumentReading, FieldReading
from indexer.fields.register import extract_register
from indexer.fields.table import find_table


def read_document(
    words: Sequence[object],
    *,
    blank: bool = False,
    width: int = 0,
    height: int = 0,
    catalogue: Catalogue | None = None,
) -> DocumentReading:
    """``words``: ``ocr.types.Word`` objects or their ``as_row()`` lists, in page pixels."""
    cat = catalogue or load()
    page = build_page(words, width, height)
    cls = classify(page, cat, blank)
    reading = DocumentReading(cls.doc_type, round(cls.score, 3), cls.title)
    dtype = cat.get(cls.doc_type)
    if dtype is None:
        return reading
    table = find_table(page, dtype)
    raws = extract_form(page, dtype, cat, (table.band,) if table else ())
    raws += [r for r in (table.fields if table else []) if r.spec_id not in {x.spec_id for x in raws}]
    if (pd := unlabelled_place_date(page, dtype, raws)) is not None:
        raws.append(pd)
    fields = {r.spec_id: values.read(r) for r in raws}
    for r in raws:
        fields[r.spec_id].label_box = r.label_box
        if lost_digit(r):
            fields[r.spec_id].review(LOST_DIGIT)
        spec = dtype.field(r.spec_id)
        sanity.check(fields[r.spec_id], r.type, spec.labels if spec else ())
        if r.region and not fields[r.spec_id].boxes:
            fields[r.spec_id].boxes = [r.region]  # an empty table cell: where to read again
    types = {r.spec_id: r.type for r in raws}
    consensus(fields, types)
    check_ids(fields)
    check_words(fields, dtype)
    check_order(fields, dtype)
    for f in fields.values():
        confidence.assess(f)
    reading.fields = fields
    if dtype.register is not None:
        entries = extract_register(page, dtype)
        for e in entries:
            for k in ("child_name", "mother_name", "father_name"):
                if e.get(k):
                    e[k] = read_name(e[k]).text
        reading.register_entries = entries
    return reading


# Fields worth a second, closer look at their image region when the first read fails a check.
REREAD_TYPES = {"id12", "dossier_code", "id_doc", "date", "datetime", "phone", "enum", "count"}


def reread_candidates(reading: DocumentReading, catalogue: Catalogue | None = None, limit: int = 6) -> list[str]:
    """Ids of doubtful numeric fields (IDs, codes, dates) with boxes, to OCR again from the image."""
    dtype = (catalogue or load()).get(reading.doc_type)
    if dtype is None:
        return []
    out = []
    for fid, f in reading.fields.items():
        if f.needs_review and f.boxes and (dtype.field_type(fid) in REREAD_TYPES or LOST_DIGIT in f.review_reasons):
            out.append(fid)
    return out[:limit]


def confirm_candidates(reading: DocumentReading, skip: Sequence[str] = (), limit: int = 8) -> list[str]:
    """Ids of fields doubted only for the recogniser's confidence: a second read of their region may
    confirm them (never replace them: ``confirm_by_reread``)."""
    return [fid for fid, f in reading.fields.items() if f.boxes and only_unsure(f) and fid not in skip][:limit]


# Review reasons that say only that the recogniser was unsure (confidence.assess), nothing the
# value itself fails.
UNSURE = ("độ tin cậy thấp", "có chữ nhận dạng kém")
REREAD_CONFIRMED = "đọc lại vùng ảnh khớp"


def only_unsure(f: FieldReading) -> bool:
    return bool(f.review_reasons) and all(r in UNSURE for r in f.review_reasons)


def confirm_by_reread(reading: DocumentReading, field_id: str) -> bool:
    """A field doubted only for the recogniser's confidence, whose region read again (another crop
    and scale) gives the same value: the two reads confirm it, and the doubt is lifted. A field
    with any other doubt (a repair, a failed check) keeps it."""
    f = reading.fields.get(field_id)
    if f is None or not only_unsure(f):
        return False
    f.confirmed.append(REREAD_CONFIRMED)
    f.review_reasons = []
    f.needs_review = False
    return True


SURE_WORDS = 60.0  # a first read whose every word is this sure keeps its syllables against a second


def _drops_words(first: str, second: str) -> bool:
    """Whether a second read lacks a Vietnamese syllable the first had (its letters, any marks)."""
    from indexer.fields.syllables import is_valid
    from indexer.vntext import fold

    words = {fold(w.strip("()[].,:;")) for w in second.split()}
    return any(
        is_valid(c) and len(c) > 1 and fold(c) not in words for c in (w.strip("()[].,:;") for w in first.split())
    )


def reread_agrees(reading: DocumentReading, field_id: str, text: str, catalogue: Catalogue | None = None) -> bool:
    """Whether a second read gives the value the field has: the look is over, no later read may
    replace it (``02 (bộ)`` read again as ``02 (bộ)``, then as ``02. (bộ)``)."""
    from indexer.fields.extract import RawField
    from indexer.fields.layout import Tok

    dtype = (catalogue or load()).get(reading.doc_type)
    old = reading.fields.get(field_id)
    if dtype is None or old is None or not text.strip():
        return False
    toks = [Tok(t, 90.0, 0, 0, 10, 10) for t in text.split()]
    kind, vocab = dtype.field_type(field_id) or "text", dtype.field_vocab(field_id)
    new = values.read(RawField(field_id, kind, toks, old.label, old.section, vocab))
    return new.value == old.value


def apply_reread(
    reading: DocumentReading, field_id: str, text: str, conf: float | None, catalogue: Catalogue | None = None
) -> bool:
    """Take a second OCR of a field's region when it passes the checks the first read failed.

    The first read stays the raw value; the field keeps a review mark (a person confirms it), with
    the reason. Returns True when the second read was taken."""
    from indexer.fields.extract import RawField
    from indexer.fields.layout import Tok

    dtype = (catalogue or load()).get(reading.doc_type)
    old = reading.fields.get(field_id)
    if dtype is None or old is None or not text.strip():
        return False
    if (old.min_word_conf or 0) >= SURE_WORDS and _drops_words(old.raw, text):
        return False  # ``02 (bộ)`` read surely, again as ``02``: a narrower look, not a better one
    x, y, w, h = old.boxes[0]
    toks = [Tok(t, conf if conf is not None else 80.0, x, y, x + w, y + h) for t in text.split()]
    raw = RawField(
        field_id, dtype.field_type(field_id) or "text", toks, old.label, old.section, dtype.field_vocab(field_id)
    )
    new = values.read(raw)
    trial = dict(reading.fields)
    trial[field_id] = new
    check_ids(trial)
    check_order(trial, dtype)
    hard = [r for r in new.review_reasons if "độ tin cậy" not in r and "nhận dạng kém" not in r]
    if hard:
        return False
    repaired = any("chữ số" in c for c in old.corrections)
    if new.value == old.value and old.normalized is None:
        return False  # the same value read again
    if old.normalized is not None and new.value == old.value:
        if repaired:  # a second, independent read agrees with the repair: it is confirmed
            old.confirmed.append("đọc lại vùng ảnh khớp")
            old.review_reasons = [
                r
                for r in old.review_reasons
                if not any(k in r for k in ("chưa đối chiếu", "độ tin cậy", "nhận dạng kém"))
            ]
            old.needs_review = bool(old.review_reasons)
            confidence.assess(old)
        return False
    if old.normalized is not None:
        if repaired:
            old.review(f"đọc lại vùng ảnh cho “{new.value}”")
            return False  # two reads disagree: keep the first, a person decides
        if conf is None or old.min_word_conf is None or conf < old.min_word_conf + 15:
            return False  # the first read was only unsure, and the second is not clearly surer
    old.correct(new.value, f"đọc lại vùng ảnh: “{text.strip()}”")
    old.normalized = new.normalized
    old.confirmed = list(new.confirmed)
    old.review_reasons = ["đã đọc lại vùng ảnh, cần kiểm tra"]
    old.needs_review = True
    old.confidence = min(old.confidence, 0.6)
    return True

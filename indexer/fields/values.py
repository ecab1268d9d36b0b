"""Read one field's value by its type: parse, normalise, repair, and note what needs a person.

Each reader gets the value's OCR tokens and returns a FieldReading whose ``raw`` is exactly what
OCR gave, ``value`` the text as printed after repair, ``normalized`` a machine form (ISO date, bare
number …). Cross-field checks (ID vs sex vs birth date …) come after, in crosscheck.py.
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexer.fields import dates, dossier_code, personal_id, vocab
from indexer.fields.correct import normalize_digits
from indexer.fields.extract import RawField
from indexer.fields.names import read_name
from indexer.fields.phrases import _core
from indexer.fields.places import part_residue, read_place, read_text
from indexer.fields.reading import FieldReading
from indexer.fields.syllables import is_valid, match_case
from indexer.vntext import canonical, fold, nfc

STRIP = " .,;:|_-–—"
MAX_COUNT = 20  # copies / sets of a dossier above this are a misread
UNKNOWN_NAME_CONF = 93.0  # a name syllable no lexicon knows is trusted only when read this clearly

ID_DOC_KINDS = [
    "CCCD",
    "CMND",
    "Căn cước công dân",
    "Thẻ căn cước",
    "Căn cước",
    "Chứng minh nhân dân",
    "Hộ chiếu",
    "Giấy chứng minh nhân dân",
    "Thẻ căn cước công dân",
]


def clean(text: str) -> str:
    text = re.sub(r"\s+", " ", nfc(text)).strip(STRIP + " ")
    # a comma glued to the next word ("066163262744,cấp"): print always has a space there
    return re.sub(r",(?=[^\W\d_])", ", ", text)


def new_reading(raw: RawField) -> FieldReading:
    text = clean(raw.text)
    confs = [t.conf for t in raw.toks]
    r = FieldReading(
        raw.spec_id,
        text,
        text,
        label=raw.label,
        section=raw.section,
        boxes=[t.box for t in raw.toks],
        word_conf=(sum(confs) / len(confs)) if confs else None,
        min_word_conf=min(confs) if confs else None,
    )
    return r


RULE_MARKS = ("l", "I", "|", "!", "]", "[")  # a table's or a box's vertical rule, read as a letter
RULE_GAP = 1.5  # text heights: a rule stands this far or farther from the value's last word


def _without_rule(raw: RawField) -> tuple[RawField, bool]:
    """The value without a lone vertical-rule mark far after its last word (``Việt Nam      l``:
    the box's right edge)."""
    toks = raw.toks
    if len(toks) < 2 or toks[-1].text not in RULE_MARKS:
        return raw, False
    h = sorted(t.h for t in toks)[len(toks) // 2]
    if toks[-1].x0 - toks[-2].x1 < RULE_GAP * h:
        return raw, False
    return replace(raw, toks=toks[:-1]), True


def read(raw: RawField) -> FieldReading:
    raw, ruled = _without_rule(raw)
    r = new_reading(raw)
    if ruled:
        r.corrections.append("bỏ nét kẻ khung đọc thành chữ ở cuối giá trị")
    if not r.raw:
        r.review("không đọc được giá trị")
        return r
    reader = READERS.get(raw.type, read_plain_text)
    reader(r, raw)
    return r


def _apply(r: FieldReading, text: str, changes: list[str], problems: list[str]) -> None:
    if text != r.value:
        r.correct(text, changes[0] if changes else "chuẩn hóa")
        for c in changes:  # every reason, not only the first
            if c not in r.corrections:
                r.corrections.append(c)
    for p in problems:
        r.review(p)


def read_name_field(r: FieldReading, raw: RawField) -> None:
    n = read_name(r.raw)
    _apply(r, n.text, n.changes, n.problems)
    if n.unknown and (r.min_word_conf or 0) < UNKNOWN_NAME_CONF:
        r.review(f"“{' '.join(n.unknown)}” không có trong danh mục tên, chữ nhận dạng chưa chắc")
    r.normalized = fold(n.text)


def read_place_field(r: FieldReading, raw: RawField) -> None:
    p = read_place(r.raw)
    _apply(r, p.text, p.changes, p.problems)
    r.normalized = p.province_code
    if p.units:
        r.parsed["units"] = p.units
    if p.candidates:
        r.parsed["candidates"] = p.candidates


def read_plain_text(r: FieldReading, raw: RawField) -> None:
    p = read_text(r.raw)
    _apply(r, p.text, p.changes, p.problems)


def read_date_field(r: FieldReading, raw: RawField) -> None:
    d = dates.read_numeric(r.raw)
    text = clean(d.text)
    m = re.match(r"^(\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4})\s+(\S.*)$", text)
    if m and d.date:
        text = m.group(1)
        d.problems.append(f"bỏ phần thừa sau ngày: “{m.group(2)}”")
    m = re.match(r"^([^\w\s]*\w?[^\w\s]*(?:\s+[|:;.,]+)*)\s+(\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4})$", text)
    if m and d.date:  # ``L: | 31/10/2016``: a box's rules read before the date
        text = m.group(2)
        d.problems.append(f"bỏ phần thừa trước ngày: “{m.group(1)}”")
    _apply(r, text, d.changes, d.problems)
    r.normalized = d.iso


def read_year_field(r: FieldReading, raw: RawField) -> None:
    d = dates.read_year(r.raw)
    text = clean(d.text)
    m = re.match(r"^(\d{4})\b(.+)$", text)
    if m and not dates.read_numeric(r.raw).date:
        text = m.group(1)
        d.problems.append(f"bỏ phần thừa sau năm sinh: “{m.group(2).strip()}”")
    # "Năm sinh: 1977" keeps only the year; older forms and other vendors print a whole date there
    # (``02/7/1990``, ``1988-10-11``), which stays whole.
    if d.year and re.fullmatch(r"\d{4}", text) is None:
        full = dates.read_numeric(r.raw)
        if full.date:
            text, d = clean(full.text), full
    _apply(r, text, d.changes, d.problems)
    r.normalized = d.iso if d.date else (str(d.year) if d.year else None)


def read_datetime_field(r: FieldReading, raw: RawField) -> None:
    d = dates.read_datetime(r.raw)
    _apply(r, clean(d.text), d.changes, d.problems)
    r.normalized = d.iso


def read_place_date_field(r: FieldReading, raw: RawField) -> None:
    place, d = dates.read_place_date(r.raw)
    p = read_place(place)
    if p.units:
        r.parsed["units"] = p.units
    if p.candidates:
        r.parsed["candidates"] = p.candidates
    text = f"{p.text}, {d.text}" if p.text else d.text
    _apply(r, clean(text), p.changes + d.changes, p.problems + d.problems)
    r.normalized = d.iso


def read_words_field(r: FieldReading, raw: RawField) -> None:
    text, date, changes, problems = dates.read_words(r.raw)
    _apply(r, clean(text), changes, problems)
    r.normalized = date.isoformat() if date else None


def read_enum_field(r: FieldReading, raw: RawField) -> None:
    text = r.raw
    if re.fullmatch(r"[\dOo]{1,2}", text):  # "Kết hôn lần thứ mấy: 01"
        n = int(normalize_digits(text))
        _apply(r, normalize_digits(text), [], [] if 1 <= n <= 9 else [f"số {n} bất thường"])
        r.normalized = str(n)
        return
    m = vocab.match(text, raw.vocab or "")
    if m is None:
        p = read_text(text)
        _apply(r, p.text, p.changes, p.problems + [f"“{text}” không có trong danh mục"])
        return
    words = [_core(w)[1] for w in text.split()]
    if m.value != text and fold(m.value) == fold(text) and all(w and is_valid(w) for w in words):
        # valid words with the vocabulary's letters ("Chàm" / "Chăm"): kept as printed, the
        # vocabulary's spelling beside it; flagged, since OCR also confuses these marks
        r.review(f"“{text}” khác cách viết trong danh mục: “{m.value}”")
    elif m.value != text:
        r.correct(m.value, f"theo danh mục: {text} → {m.value}")
        if m.score < 0.9:
            r.review(f"“{text}” gần với “{m.value}”")
    r.normalized = m.value


def read_id12_field(r: FieldReading, raw: RawField) -> None:
    chk = personal_id.check_id12(r.raw)
    if chk.kind == "cmnd9":
        r.normalized = chk.number
        _apply(r, chk.number, [], [])
        return
    printed = clean(normalize_digits(r.raw))
    # grouped as printed ("0271 7743 5539") unless a digit was repaired
    same = re.fullmatch(r"[\d\s.]+", printed) and re.sub(r"\D", "", printed) == chk.number
    _apply(r, printed if same else chk.number, chk.changes, chk.problems)
    r.normalized = chk.number if chk.ok else None


def read_id_doc_field(r: FieldReading, raw: RawField) -> None:
    """``Thẻ CCCD số 027177435539 do Cục Cảnh sát QLHC về TTXH cấp ngày 25/05/2020``: kept whole, as
    printed (only impossible syllables, letters read for digits and an impossible date repaired);
    the kind of paper, the number, the issuer and the issue date go beside it in ``parsed``."""
    text, parted = part_residue(normalize_digits(r.raw))
    m = re.search(r"(\d[\d .]{7,16}\d)", text)
    if not m:
        p = read_text(r.raw)
        _apply(r, p.text, p.changes, p.problems + ["không thấy số giấy tờ"])
        return
    changes: list[str] = list(parted)
    problems: list[str] = []
    text = _template_words(text, m.start(), changes, problems)
    m = re.search(r"(\d[\d .]{7,16}\d)", text)
    assert m is not None
    number_text = m.group(1).strip()
    number = re.sub(r"[ .]", "", number_text)
    text = _kind_abbreviation(text, m.start(), len(number), changes, problems)
    m = re.search(r"(\d[\d .]{7,16}\d)", text)
    assert m is not None
    head = read_text(text[: m.start()].strip()) if text[: m.start()].strip() else None
    tail = text[m.end() :]
    parsed: dict[str, str] = {"number": number}
    kind_words = (head.text if head else "").split()
    if kind_words and fold(_core(kind_words[-1])[1]) == "so":
        kind_words = kind_words[:-1]
    kind_text = " ".join(kind_words).strip(STRIP)
    if kind_text:
        parsed["kind"] = vocab_kind(kind_text) or kind_text
    if head:
        changes += head.changes
        problems += head.problems
    d = dates.read_numeric(tail) if re.search(r"\d", tail) else None
    tail_text = tail.strip()
    if d is not None and d.date is not None:
        tail_text = dates.fix_date_words(d.text.strip())
        changes += d.changes
        problems += d.problems
        parsed["issue_date"] = d.date.isoformat()
    if tail_text:
        t = read_text(tail_text)
        tail_text, changes, problems = t.text, changes + t.changes, problems + t.problems
        tail_text = _police_issuer(tail_text, changes, problems)
        issuer = re.search(r"\b[Dd]o\s+(.+?)[\s,]+(?:c[aấ]p|ng[aà]y)\b", tail_text)
        if issuer:
            parsed["issuer"] = issuer.group(1).strip(STRIP)
    out = " ".join(x for x in ((head.text if head else ""), number_text) if x)
    if tail_text:
        out += ("" if tail_text[:1] in ",;." else " ") + tail_text
    if len(number) not in (9, 12):
        problems.append(f"số giấy tờ có {len(number)} chữ số")
    _apply(r, clean(out), changes, problems)
    r.normalized = number
    r.parsed = parsed


def _police_issuer(text: str, changes: list[str], problems: list[str]) -> str:
    """``do Công an thành phô Hô Chí Minh cấp``: a CMND's issuer is the police of a province, so its
    name is read as a place (the unit word and the province's name against the gazetteer); taken
    only when that reading names a province, with the place reader's repairs and flags."""
    m = re.search(r"\b(C[oôố]ng\s+an\s+)(.+?)(?=[\s,]+(?:c[aấ]p|ng[aà]y)\b)", text)
    if not m:
        return text
    place = read_place(m.group(2))
    if place.text == m.group(2) or not any(u.get("level") == "province" for u in place.units):
        return text
    changes += place.changes
    problems += place.problems
    return text[: m.start(2)] + place.text + text[m.end(2) :]


# The paper's abbreviation, by the number of digits that follows it.
KIND_ABBR = {"CCCD": 12, "CMND": 9}


def _one_edit(a: str, b: str) -> bool:
    """``a`` is ``b`` with one letter dropped, added or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _kind_abbreviation(text: str, at: int, digits: int, changes: list[str], problems: list[str]) -> str:
    """An ID line's abbreviation read impossibly (``CCD số 0303…``): re-spelt only when it is one
    letter off exactly one abbreviation of a paper whose numbers have as many digits as the one
    printed after it (CCCD 12, CMND 9). A real word or a known kind is left as read; an impossible
    one with no single candidate is left as read and flagged."""
    hm = re.search(r"(\S+)(\s+\S+)?\s*$", text[:at])
    if not hm:
        return text
    word = hm.group(1)
    if fold(hm.group(1)) == "so" and hm.group(2) is None:
        return text
    if hm.group(2) is not None and fold(hm.group(2).strip()) != "so":
        return text
    if not (word.isalpha() and word.isupper()) or word in KIND_ABBR or is_valid(word):
        return text
    near = [k for k, n in KIND_ABBR.items() if n == digits and _one_edit(word, k)]
    if len(near) != 1:
        problems.append(f"không rõ loại giấy tờ: “{word}”")
        return text
    changes.append(f"{word} → {near[0]} (loại giấy tờ có số {digits} chữ số)")
    problems.append(f"máy đã sửa loại giấy tờ “{word}” thành {near[0]}")  # a repair is always looked at
    return text[: hm.start(1)] + near[0] + text[hm.end(1) :]


def _template_words(text: str, at: int, changes: list[str], problems: list[str]) -> str:
    """The two fixed words of an ID line: ``số`` just before the number and ``cấp`` just before
    ``ngày`` and the issue date; each re-spelt only in its own place, when read otherwise."""
    head, tail = text[:at], text[at:]
    hm = re.search(r"(\S+)(\s*)$", head)
    if hm and fold(hm.group(1)) == "so" and hm.group(1) not in ("số", "Số", "SỐ"):
        new = match_case("số", hm.group(1))
        changes.append(f"{hm.group(1)} → {new} (chữ cố định của dòng giấy tờ)")
        head = head[: hm.start(1)] + new + hm.group(2)
    tm = re.search(r"([,;]?\s*)(\S+)(\s+ng\w{1,3}\s+\d)", tail)
    if tm and re.search(r"[^\W\d_]", tm.group(2)):
        word = tm.group(2).strip(",;")
        if word and word != "cấp" and (fold(word) == "cap" or not is_valid(word)) and len(word) <= 5:
            new = match_case("cấp", word)
            changes.append(f"{word} → {new} (chữ cố định của dòng giấy tờ)")
            if fold(word) != "cap":
                problems.append(f"“{word}” sửa thành “{new}” (chữ trước ngày cấp)")
            tail = tail[: tm.start(2)] + tm.group(2).replace(word, new) + tail[tm.end(2) :]
    return head + tail


def vocab_kind(text: str) -> str | None:
    key = fold(text)
    for k in ID_DOC_KINDS:
        if fold(k) == key:
            return k
    return None


def read_dossier_code_field(r: FieldReading, raw: RawField) -> None:
    chk = dossier_code.check(r.raw)
    _apply(r, chk.code, chk.changes, chk.problems)
    r.normalized = chk.code if chk.ok else None


def read_phone_field(r: FieldReading, raw: RawField) -> None:
    """``0912.345.678`` stays as printed; the bare digits go in ``normalized``."""
    printed = clean(normalize_digits(r.raw))
    changes = []
    if re.fullmatch(r"[(\[|]\s*0[\d\s.\-]{8,14}", printed):  # ``(0806686739``: a box's rule before it
        changes.append(f"bỏ “{printed[0]}” không đóng trước số điện thoại (đường kẻ ô)")
        printed = printed[1:].strip()
    digits = re.sub(r"[\s.\-]", "", printed)
    problems = [] if re.fullmatch(r"0\d{9,10}", digits) else ["số điện thoại không đúng dạng"]
    _apply(r, printed if re.fullmatch(r"[\d\s.\-]+", printed) else digits, changes, problems)
    r.normalized = digits


def read_count_field(r: FieldReading, raw: RawField) -> None:
    m = re.match(r"^\s*([\dOo]{1,3})\s*\(?\s*(\w+)?\s*\)?", normalize_digits(r.raw))
    if not m:
        read_plain_text(r, raw)
        return
    n = normalize_digits(m.group(1))
    unit = m.group(2)
    changes, problems = [], []
    if not 1 <= int(n) <= MAX_COUNT:
        # "61 (bộ)": a dossier is one or a few sets; undo a digit confusion if exactly one fits
        from indexer.fields.correct import digit_variants

        fits = sorted((k, c) for c, k in digit_variants(n, 1) if 1 <= int(c) <= MAX_COUNT)
        best = [c for k, c in fits if k == fits[0][0]] if fits else []
        if len(best) == 1:
            changes.append(f"sửa chữ số bị nhận nhầm: {n} → {best[0]}")
            n = best[0]
        else:
            problems.append(f"số lượng {n} bất thường")
    text = n + (f" ({canonical('bộ') if fold(unit) == 'bo' else unit})" if unit else "")
    _apply(r, text, changes, problems)
    r.normalized = str(int(n))


# A digit read for a letter of a paper's initials (``9/6BT``): the letter each digit is mistaken for.
_LETTER_OF_DIGIT = str.maketrans({"6": "G", "8": "B", "0": "O", "1": "I", "5": "S", "2": "Z"})
_REF_DATE = re.compile(r"\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4}")


def read_paper_ref_field(r: FieldReading, raw: RawField) -> None:
    """``115/GBT, ngày 18/02/2023``, ``Số 216/GBT do Trạm Y tế … cấp ngày 31/3/2021``: another
    paper's number and date, kept as printed. Besides the free text's repairs, the paper's initials
    read with a digit for a letter (``9/6BT``) are re-spelt when that gives exactly one of the
    field's known initials, and an impossible date is repaired by its digits; both shown and
    flagged. The number and the ISO date go beside the value in ``parsed``."""
    p = read_text(r.raw)
    text, changes, problems = p.text, list(p.changes), list(p.problems)
    known = set(vocab.load().vocab.get(raw.vocab or "", ()))
    m = re.search(r"(\d+\s?/\s?)([A-ZĐ\d]*\d[A-ZĐ\d]*)\b", text)
    if m and re.search(r"[A-ZĐ]", m.group(2)):
        letters = m.group(2).translate(_LETTER_OF_DIGIT)
        hits = {k for k in known if k in (letters, letters[1:], letters[:-1])}
        if len(hits) == 1:
            new = hits.pop()
            changes.append(f"{m.group(2)} → {new} (chữ số đọc nhầm trong ký hiệu giấy tờ)")
            problems.append(f"“{m.group(2)}” sửa thành “{new}” (ký hiệu giấy tờ)")
            text = text[: m.start(2)] + new + text[m.end(2) :]
    parsed: dict[str, str] = {}
    num = re.search(r"(\d[\d/]*?)\s?/\s?([A-ZĐ][A-ZĐ\-]*)", text)
    if num:
        parsed["number"] = f"{num.group(1)}/{num.group(2)}"
    dm = _REF_DATE.search(text)
    if dm:
        d = dates.read_numeric(dm.group(0))
        if d.date is not None:
            text = text[: dm.start()] + d.text + text[dm.end() :]
            parsed["date"] = d.date.isoformat()
        changes += d.changes
        problems += d.problems  # a repaired digit is flagged by confidence.assess
    _apply(r, clean(text), changes, problems)
    r.parsed.update(parsed)


READERS = {
    "name": read_name_field,
    "place": read_place_field,
    "text": read_plain_text,
    "date": read_date_field,
    "year": read_year_field,
    "datetime": read_datetime_field,
    "place_date": read_place_date_field,
    "date_words": read_words_field,
    "enum": read_enum_field,
    "id12": read_id12_field,
    "id_doc": read_id_doc_field,
    "dossier_code": read_dossier_code_field,
    "phone": read_phone_field,
    "count": read_count_field,
    "paper_ref": read_paper_ref_field,
}

"""Checks across fields of one page, and the repairs they allow:

- a personal ID against its holder's sex and birth year (12-digit structure, personal_id.py);
- a birth date in digits against the same date in words;
- dates in their order (registration not before birth, death not before birth, due not before
  received), the dossier code's date against the receipt date (catalogue ``checks``);
- one value printed several times on a page (a requester who is also the mother, a commune
  repeated in several addresses) is read the same everywhere, from its best-read occurrence;
- places against the page: a unit name no unit has takes the one near candidate the page prints
  elsewhere; a unit created on 1 July 2025 on an older page is flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from indexer.fields import dates, gazetteer, personal_id
from indexer.fields.catalogue import DocType
from indexer.fields.names import read_name
from indexer.fields.reading import FieldReading
from indexer.fields.syllables import is_valid, marks
from indexer.fields.vocab import sex_of_relationship
from indexer.vntext import canonical, fold

PERSON_SEX = {"mother": "Nữ", "father": "Nam", "bride": "Nữ", "groom": "Nam", "wife": "Nữ", "husband": "Nam"}


def _date(f: FieldReading | None) -> dt.date | None:
    if f is None or not f.normalized:
        return None
    try:
        return dt.date.fromisoformat(f.normalized[:10])
    except ValueError:
        return None


def _year(f: FieldReading | None) -> int | None:
    if f is None or not f.normalized:
        return None
    m = re.match(r"^(\d{4})", f.normalized)
    return int(m.group(1)) if m else None


def person_of(field_id: str) -> str:
    return field_id.split("_", 1)[0]


def person_facts(person: str, fields: dict[str, FieldReading]) -> tuple[str | None, int | None, FieldReading | None]:
    """(sex, birth year, the field the year came from) of a person on this page."""
    sex = PERSON_SEX.get(person)
    sf = fields.get(f"{person}_sex")
    if sf is not None and sf.normalized in ("Nam", "Nữ"):
        sex = sf.normalized
    birth = fields.get(f"{person}_birth_date") or fields.get(f"{person}_birth_year")
    if person == "requester":
        rel = fields.get("requester_relationship")
        if rel is not None and sex is None:
            sex = sex_of_relationship(rel.value)
        name = fields.get("requester_name")
        for parent in ("mother", "father"):
            pn = fields.get(f"{parent}_name")
            if name is not None and pn is not None and name.normalized and name.normalized == pn.normalized:
                sex = sex or PERSON_SEX[parent]
                birth = birth or fields.get(f"{parent}_birth_year")
    return sex, _year(birth), birth


def check_ids(fields: dict[str, FieldReading]) -> None:
    for fid, f in list(fields.items()):
        if not (fid.endswith(("_id_doc", "_personal_id"))) or not f.normalized:
            continue
        number = f.normalized
        if len(number) != 12:
            if len(number) == 9:
                continue
            f.review(f"số định danh có {len(number)} chữ số")
            continue
        person = person_of(fid)
        sex, year, year_field = person_facts(person, fields)
        hint = None
        addr = fields.get(f"{person}_residence") or fields.get(f"{person}_address") or fields.get("applicant_address")
        if addr is not None and addr.normalized and re.fullmatch(r"\d{3}", addr.normalized):
            hint = addr.normalized
        chk = personal_id.check_id12(number, sex, year, hint)
        if chk.changes:
            f.correct(f.value.replace(number, chk.number), chk.changes[0])
            f.normalized = chk.number
            f.review("số định danh đã sửa chữ số, cần kiểm tra")
        if chk.problems:
            # The ID alone is fine but disagrees with the birth year: maybe the date is the misread one.
            alone = personal_id.problems_id12(chk.number)
            if not alone and year_field is not None and year is not None and sex_ok(chk.number, sex):
                if _repair_year_from_id(year_field, chk.number):
                    continue
            for p in chk.problems:
                f.review(p)
            if year_field is not None and any("năm sinh" in p for p in chk.problems):
                year_field.review("năm sinh không khớp số định danh")
        elif chk.confirmed:
            f.confirmed.append("số định danh khớp " + ", ".join(chk.confirmed))
            if year_field is not None and "năm sinh" in chk.confirmed:
                year_field.confirmed.append("khớp số định danh")


def sex_ok(number: str, sex: str | None) -> bool:
    return sex is None or personal_id.SEX_OF_DIGIT[number[3]] == sex


def _repair_year_from_id(f: FieldReading, number: str) -> bool:
    want = personal_id.CENTURY_OF_DIGIT[number[3]] + int(number[4:6])
    if re.fullmatch(r"\d{4}", f.value):
        d = dates.read_year(f.value, dates.Expect(year=want))
    else:
        d = dates.read_numeric(f.value, dates.Expect(year=want))
    if d.changes and not d.problems:
        f.correct(dates.normalize_digits(d.text).strip(), d.changes[0] + " (theo số định danh)")
        f.normalized = d.iso
        f.review("năm sinh đã sửa theo số định danh")
        return True
    return False


def check_words(fields: dict[str, FieldReading], dtype: DocType) -> None:
    for spec in dtype.fields:
        if spec.type != "date_words" or not spec.of:
            continue
        w, d = fields.get(spec.id), fields.get(spec.of)
        if w is None or d is None or not w.normalized:
            continue
        if d.normalized == w.normalized:
            for f in (w, d):
                f.confirmed.append("ngày bằng số khớp ngày bằng chữ")
            continue
        wd = dt.date.fromisoformat(w.normalized)
        fixed = dates.read_numeric(d.raw, dates.Expect(not_before=wd, not_after=wd))
        if fixed.date == wd:
            d.correct(fixed.text.strip(), "sửa theo ngày ghi bằng chữ")
            d.normalized = wd.isoformat()
            d.review("ngày sinh đã sửa theo ngày ghi bằng chữ")
        else:
            d.review("ngày sinh không khớp ngày ghi bằng chữ")
            w.review("ngày ghi bằng chữ không khớp ngày sinh")


def check_order(fields: dict[str, FieldReading], dtype: DocType) -> None:
    for c in dtype.checks:
        a, b = fields.get(c.field), fields.get(c.than or "")
        if c.kind == "not_before":
            da, db = _date(a), _date(b)
            if da and db and da < db:
                a.review(f"ngày sớm hơn {dtype.label_vi(c.than or '')}")  # type: ignore[union-attr]
                b.review(f"ngày muộn hơn {dtype.label_vi(c.field)}")  # type: ignore[union-attr]
        elif c.kind == "differ" and a is not None and b is not None:
            # two people who cannot be one (the clerk and the citizen, the deceased and who declares
            # the death): the same value under both labels was read for one of them from the other's place
            if a.value.strip() and fold(a.value) == fold(b.value):
                a.review(f"trùng với {dtype.label_vi(c.than or '')}: có thể đọc nhầm chỗ")
                b.review(f"trùng với {dtype.label_vi(c.field)}: có thể đọc nhầm chỗ")
        elif c.kind == "code_date" and a is not None and b is not None:
            _repair_code_date(a, b)
            if not a.normalized:
                continue
            m = re.search(r"-(\d{6})-", a.normalized)
            db = _date(b)
            if m and db and m.group(1) != db.strftime("%y%m%d"):
                a.review("ngày trong mã hồ sơ khác ngày tiếp nhận")
                b.review("ngày tiếp nhận khác ngày trong mã hồ sơ")
            elif m and db:
                for f in (a, b):
                    f.confirmed.append("mã hồ sơ khớp ngày tiếp nhận")


def _repair_code_date(code: FieldReading, received: FieldReading) -> None:
    """The dossier code's YYMMDD is the receipt date: undo digit confusions that make them differ."""
    from indexer.fields.correct import digit_variants
    from indexer.fields.dossier_code import check

    db = _date(received)
    m = re.search(r"-(\d{6})-", code.value)
    if db is None or m is None or m.group(1) == db.strftime("%y%m%d"):
        return
    want = db.strftime("%y%m%d")
    if any(cand == want for cand, _ in digit_variants(m.group(1), 2)):
        fixed = code.value[: m.start(1)] + want + code.value[m.end(1) :]
        chk = check(fixed)
        if chk.ok:
            code.correct(fixed, "sửa chữ số nhận nhầm trong mã hồ sơ theo ngày tiếp nhận")
            code.normalized = fixed
            code.review_reasons = [r for r in code.review_reasons if "mã hồ sơ" not in r]
            code.needs_review = bool(code.review_reasons)


# -- one value, several occurrences ----------------------------------------------------------------

_SPLIT = re.compile(r"\s*,\s*")


def _quality(text: str) -> tuple[int, int]:
    words = [w for w in re.findall(r"[^\W\d_]+", text)]
    return (sum(is_valid(w) for w in words) - len(words), sum(marks(w) for w in words))


def check_places(fields: dict[str, FieldReading]) -> None:
    """Places against the rest of the page:

    - a unit's name that no unit has, with several units one letter away, takes the one of them
      the page prints elsewhere — when exactly one — and is flagged;
    - a unit that exists only from 1 July 2025 on a page dated before is flagged."""
    texts = {fid: canonical(f.value).lower() for fid, f in fields.items()}
    for fid, f in fields.items():
        for name, cands in dict(f.parsed.get("candidates") or {}).items():
            elsewhere = [c for c in cands if any(canonical(c).lower() in t for k, t in texts.items() if k != fid)]
            if len(elsewhere) == 1 and name in f.value:
                f.correct(
                    f.value.replace(name, elsewhere[0], 1), f"{name} → {elsewhere[0]} (cùng địa danh ở trường khác)"
                )
                f.review(f"“{name}” không có trong danh mục, sửa thành “{elsewhere[0]}” theo trường khác trên trang")
    day = _page_date(fields)
    if day is None or day >= gazetteer.REFORM:
        return
    for f in fields.values():
        by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        for u in f.parsed.get("units") or []:
            by_name[(u["level"], gazetteer.short_name(u["name"]))].add(u["scheme"])
        for (_level, name), schemes in sorted(by_name.items()):
            if schemes == {gazetteer.V2025}:
                f.review(f"“{name}” chỉ có từ 1/7/2025, giấy tờ ngày {day.strftime('%d/%m/%Y')}")


def _page_date(fields: dict[str, FieldReading]) -> dt.date | None:
    """The page's own date: where it was signed or received."""
    for fid in ("signed_place_date", "received_at", "registration_date", "issue_place_date"):
        d = _date(fields.get(fid))
        if d is not None:
            return d
    return None


def consensus(fields: dict[str, FieldReading], types: dict[str, str]) -> None:
    """Make repeated names and address parts agree on their best-read spelling."""
    check_places(fields)
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)  # fold -> [(field id, spelling)]
    value_start: set[tuple[str, str]] = set()
    for fid, f in fields.items():
        t = types.get(fid)
        if t == "name":
            groups["N:" + fold(f.value)].append((fid, f.value))
        elif t in ("place", "place_date", "text", "paper_ref") or t == "id_doc":
            for n, part in enumerate(_SPLIT.split(f.value)):
                if len(part.split()) >= 2 and not re.search(r"\d{3}", part):
                    groups["P:" + fold(part)].append((fid, part))
                    if n == 0:
                        value_start.add((fid, part))
    for key, occ in groups.items():
        spellings = {s for _, s in occ}
        if len(occ) < 2 or len(spellings) < 2:
            continue
        if key.startswith("P:") and len({s.lower() for s in spellings}) == 1:
            _same_case(fields, occ, value_start)
            continue
        names = key.startswith("N:")
        count: defaultdict[str, int] = defaultdict(int)
        for _, s in occ:
            count[s.lower() if names else s] += 1

        def score(s: str, count: dict[str, int] = count, names: bool = names) -> tuple:
            f_q = _quality(s)
            # a name's spelling the name lists know beats one with more marks (OCR adds dots too)
            known = -len(read_name(s).unknown) - len(read_name(s).problems) if names else 0
            return (f_q[0], known, count[s.lower() if names else s], f_q[1])

        best = max(spellings, key=score)
        agreeing = count[best.lower() if names else best]
        for fid, s in occ:
            if s == best or (names and s.lower() == best.lower()):
                continue
            f = fields[fid]
            if names:
                new = best.upper() if s.isupper() else (best if not best.isupper() else best.title())
                f.correct(new, f"thống nhất với {', '.join(o for o, _ in occ if o != fid)}")
            else:
                f.correct(f.value.replace(s, best, 1), f"thống nhất “{best}” với trường khác")
            if agreeing < 2:
                f.review(f"“{s}” và “{best}” khác nhau giữa các trường")


def _same_case(fields: dict[str, FieldReading], occ: list[tuple[str, str]], value_start: set) -> None:
    """An address part printed several times whose copies differ only in case (``xã Long Hiệp`` /
    ``Xã Long Hiệp``): OCR confuses x/X and p/P at the start of a line, but forms also print a
    capital there on purpose, so the copy at the start of a value is flagged when the copies read
    inside addresses agree on another case. It is changed to their case (still flagged, the
    reading kept as raw) only when its first letter has one shape in both cases (c, o, s, v, w, x,
    z: ``Xã``/``xã``) and was read as a capital: at the start of a line the recogniser's language
    model leans to a capital, so a capital read there is no evidence, while a small letter read
    there is (it stays, flagged). ``Phường``/``phường`` never."""
    inner = {s for fid, s in occ if (fid, s) not in value_start}
    if len(inner) != 1:
        return
    best = inner.pop()
    for fid, s in occ:
        if s != best and (fid, s) in value_start:
            f = fields[fid]
            if fold(s[:1]) in _ONE_SHAPE and s[:1].isupper() and s[1:] == best[1:] and f.value.startswith(s):
                f.correct(
                    best + f.value[len(s) :], f"“{s[:1]}” hay “{best[:1]}”: chữ một dáng, theo “{best}” ở trường khác"
                )
            f.review(f"“{s}” viết hoa/thường khác “{best}” ở trường khác")


_ONE_SHAPE = set("cosvwxz")  # letters whose capital is the small letter enlarged: OCR cannot tell their case

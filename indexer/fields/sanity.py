"""Shape checks of a read value: what no printed value of its kind looks like. Each check only
flags (with why); the value stays as read. They catch what a wrong binding or a damaged copy
leaves behind and no lexicon can see: a run of words read twice, a second ID number from the
next line, an address that stops at ``Tỉnh``, the label's own words taken as the value, junk
inside a date or time, a stray bracket on a number."""

from __future__ import annotations

import re

from indexer.fields import gazetteer
from indexer.fields.reading import FieldReading
from indexer.vntext import fold

# Folded words a date-and-time value may hold besides digits and punctuation.
TIME_WORDS = frozenset(
    [
        "gio",
        "phut",
        "ph",
        "ngay",
        "thang",
        "nam",
        "luc",
        "hoi",
        "vao",
        "buoi",
        "sang",
        "chieu",
        "toi",
        "trua",
        "dem",
        "thu",
        "hai",
        "ba",
        "tu",
        "sau",
        "bay",
        "chu",
        "nhat",
        "h",
        "g",
        "den",
        "truoc",
    ]
)
# A part of an address that is only a unit word: the name after it was lost.
BARE_UNIT = re.compile(r"(?i)^(xã|phường|huyện|quận|tỉnh|thị trấn|thị xã|thành phố)$")
# A unit word and the word after it, when that is no unit word: a unit's name is capitalised.
UNIT_THEN_SMALL = re.compile(
    r"(?i:\b(xã|phường|huyện|quận|tỉnh|thị trấn|thị xã|thành phố))\s+"
    r"(?!(?:xã|phường|huyện|quận|tỉnh|thị|thành|đặc|số|ngõ)\b)([^\W\d_][^\s,]*)"
)
# Unit words a number follows at the start of an address part (Thôn 6, Tổ 3, Số 167, ngõ 50).
NUMBERED_UNITS = (
    "số",
    "thôn",
    "tổ",
    "ấp",
    "xóm",
    "bản",
    "khu",
    "khóm",
    "ngõ",
    "ngách",
    "hẻm",
    "đội",
    "buôn",
    "làng",
    "phố",
)
NUMBER_TYPES = frozenset({"date", "year", "id12", "phone", "dossier_code", "count"})


def _words(text: str) -> list[str]:
    return [w for w in (fold(x.strip(".,;:()[]")) for x in text.split()) if w]


def repeated_run(text: str, n: int = 3) -> str | None:
    """A run of ``n`` or more words that comes twice in the value (lines read over each other)."""
    words = _words(text)
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - n + 1):
        run = tuple(words[i : i + n])
        if run in seen and i >= seen[run] + n:
            return " ".join(text.split()[i : i + n])
        seen.setdefault(run, i)
    return None


def _id_doc(value: str) -> list[str]:
    out = []
    numbers = [n for n in re.findall(r"\d[\d .]{7,16}\d", value) if len(re.sub(r"\D", "", n)) >= 9]
    if len(numbers) > 1:
        out.append("có hai số giấy tờ trong giá trị: có thể lẫn dòng khác")
    if re.match(r"số\b", value):
        out.append("không thấy loại giấy tờ trước “số”")
    m = re.search(r"^(\S+)\s*:\s+số\b", value)
    if m:
        out.append(f"dấu “:” lạ sau “{m.group(1)}”")
    m = re.search(r"^(\S+)\s+(Số)\s+\d", value)
    if m and m.group(1).isupper():
        out.append("“Số” viết hoa giữa dòng: chữ hoa/thường chưa chắc")
    m = re.search(r"ng[aà]y\s+([^\d\s]+)\s+\d{1,2}[/.\-]", value)
    if m:
        out.append(f"chữ lạ “{m.group(1)}” giữa “ngày” và ngày tháng")
    return out


def _one_letter(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _place(value: str) -> list[str]:
    out = []
    last = value.rstrip(" .,;:").split(",")[-1].strip()
    if BARE_UNIT.match(last):
        out.append(f"địa chỉ dừng ở “{last}”: thiếu tên")
    for part in value.split(","):  # ``Thân 6``: a part numbered like a hamlet, not named by a unit word
        m = re.match(r"\s*([^\W\d_]+)\s+\d", part)
        if m:
            near = [u for u in NUMBERED_UNITS if u != m.group(1).lower() and _one_letter(m.group(1).lower(), u)]
            if m.group(1).lower() not in NUMBERED_UNITS and near:
                out.append(f"“{m.group(1)}” trước số: có thể là {' / '.join(near)}")
    for m in UNIT_THEN_SMALL.finditer(value):  # ``thành phố guôn Ma Thuột``: a unit's name starts with a capital
        if m.group(2)[0].islower():
            out.append(f"tên sau “{m.group(1)}” không viết hoa: “{m.group(2)}” chưa chắc")
            break
    g = gazetteer.load()
    for m in re.finditer(r"([^\W\d_]+)-([^\W\d_]+)", value):  # ``Sơn-La``: a speck read as a hyphen
        units = g.named(f"{m.group(1)} {m.group(2)}")
        if units and not any("-" in u.short for u in units):
            out.append(f"dấu gạch nối lạ trong “{m.group(0)}”")
    return out


def _datetime(value: str) -> list[str]:
    odd = [w for w in re.findall(r"[^\W\d_]+", value) if fold(w) not in TIME_WORDS]
    return [f"chữ lạ trong ngày giờ: “{' '.join(odd)}”"] if odd else []


def _numbers(value: str) -> list[str]:
    opened, closed = value.count("("), value.count(")")
    if (value[:1] in "([" and closed < opened) or (value[-1:] in ")]" and opened < closed):
        return [f"dấu ngoặc lẻ ở “{value}”"]
    if value[:1] and not value[:1].isalnum() and value[:1] not in "+(":
        return [f"dấu lạ ở đầu “{value}”"]
    return []


def _own_label(value: str, labels: tuple[str, ...]) -> list[str]:
    words = _words(value)
    if len(words) < 2 or any(w.isdigit() for w in words):
        return []
    key = " " + " ".join(words) + " "
    for label in labels:
        if key in " " + " ".join(_words(label)) + " ":
            return [f"giá trị là chữ của nhãn “{label.rstrip(': ')}”"]
    return []


# A letter glued to a date's first digit (``ngày ö7/06/2016``: a 0 read as ö).
GLUED_DATE = re.compile(r"[^\W\d_](\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})")
UNITS_NAMED = re.compile(r"(?i)\b(xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh|đặc khu)\b")


def check(f: FieldReading, field_type: str, labels: tuple[str, ...] = ()) -> None:
    """Flag ``f`` for every shape no printed value of ``field_type`` has."""
    value = f.value.strip()
    if not value:
        return
    problems: list[str] = []
    glued = GLUED_DATE.search(value)
    if glued:
        problems.append(f"chữ dính vào ngày “{glued.group(0)}”")
    if f.field_id.endswith(("_residence", "_address")) and not UNITS_NAMED.search(value):
        problems.append("địa chỉ không có xã/phường, huyện hay tỉnh: có thể bị cắt")
    run = repeated_run(value)
    if run:
        problems.append(f"cụm “{run}” lặp lại: có thể lẫn dòng khác")
    if field_type == "id_doc":
        problems += _id_doc(value)
    elif field_type in ("place", "place_date"):
        problems += _place(value if field_type == "place" else re.split(r",?\s*ng[aà]y\b", value)[0])
    elif field_type == "datetime":
        problems += _datetime(value)
    elif field_type == "paper_ref":
        if not re.search(r"\d", value):
            problems.append("không thấy số giấy tờ")
        if re.match(r"số\s+\d", value):  # s and S differ only in size: the first letter's case is unsure
            problems.append("“số” đầu giá trị: chữ hoa/thường chưa chắc")
    if field_type in NUMBER_TYPES:
        problems += _numbers(value)
    problems += _own_label(value, labels)
    for p in problems:
        f.review(p)

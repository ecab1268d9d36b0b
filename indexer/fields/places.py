"""Places and addresses as printed (``Ấp Phú Thạnh, Xã Thanh Tùng, huyện Lai Vung, tỉnh Đồng Tháp``).

Guarantees:
- the value is kept as printed: unit words keep the printed case (``Xã``, ``xã``, ``XÃ``);
- a unit's name that is a real unit of its level (gazetteer.py: every province, district and commune
  before and after 1 July 2025) is never changed; it is looked up and its GSO codes go beside the
  value (``PlaceRead.units``);
- a name that is no unit of its level is repaired only when exactly one unit with the same letters
  (or, inside a known province or district, one letter away) exists; every repair is recorded and
  flagged; with no such candidate the name stays as read and is flagged;
- a unit word is re-spelt (``huyên`` → ``huyện``) only when it is no Vietnamese syllable or the name
  after it is a real unit of that level;
- other words (hamlets, streets, hospitals) change only when impossible as Vietnamese syllables, or
  inside a common phrase of three words or more (phrases.txt) — and then the field is flagged.
Never: a hand list of places, a repair of a valid unit, a repair without a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from indexer.fields import gazetteer
from indexer.fields.gazetteer import Unit
from indexer.fields.lexicon import phrases
from indexer.fields.phrases import Repair, _core, letters_for_digits, near_phrases, repair_syllables, repair_with
from indexer.fields.syllables import is_valid, match_case
from indexer.vntext import canonical, fold

# folded unit word(s) -> (spelling, capitalised at the start of a value?)
UNITS = {
    ("xa",): ("xã", False),
    ("phuong",): ("phường", False),
    ("thi", "tran"): ("thị trấn", False),
    ("huyen",): ("huyện", False),
    ("quan",): ("quận", False),
    ("thi", "xa"): ("thị xã", False),
    ("thanh", "pho"): ("thành phố", False),
    ("tinh",): ("tỉnh", False),
    ("dac", "khu"): ("đặc khu", False),
    ("thon",): ("Thôn", True),
    ("ap",): ("Ấp", True),
    ("xom",): ("Xóm", True),
    ("khu", "pho"): ("Khu phố", True),
    ("to", "dan", "pho"): ("Tổ dân phố", True),
    ("khom",): ("Khóm", True),
    ("ban",): ("Bản", True),
    ("buon",): ("Buôn", True),
    ("to",): ("Tổ", True),
    ("khu",): ("Khu", True),
    ("lang",): ("Làng", True),
    ("so",): ("Số", True),  # a house number: "Số 167, ngõ 50"
    ("ngo",): ("ngõ", False),
    ("doi",): ("Đội", True),
}


# unit word -> the gazetteer levels its name may be
ADMIN = {
    "xã": ("commune",),
    "phường": ("commune",),
    "thị trấn": ("commune",),
    "đặc khu": ("commune",),
    "huyện": ("district",),
    "quận": ("district",),
    "thị xã": ("district",),
    "thành phố": ("province", "district"),
    "tỉnh": ("province",),
}
ORDER = {"province": 0, "district": 1, "commune": 2}


@dataclass
class PlaceRead:
    text: str
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    province: str | None = None  # legacy province short name found in the address
    province_code: str | None = None  # its 3-digit personal-ID prefix
    units: list[dict[str, str]] = field(default_factory=list)  # gazetteer units named, with codes
    # a name no unit has, with the few units one letter away: the page may tell which (crosscheck)
    candidates: dict[str, list[str]] = field(default_factory=dict)


def _unit_key(words: list[str], i: int, n: int, raw: list[str] | None = None) -> tuple[str, ...]:
    key = tuple(fold(_core(w)[1]) for w in words[i : i + n])
    part_start = i == 0 or _core(words[i - 1])[2].startswith((",", ";"))
    rawword = _core((raw or words)[i])[1] if i < len(raw or words) else ""
    if n == 1 and key and key not in UNITS and part_start and rawword and not is_valid(rawword):
        # an impossible word where a unit stands ("Âñ Phú Thạnh" for "Ấp Phú Thạnh")
        near = [
            u for u in UNITS if len(u) == 1 and Levenshtein.distance(u[0], key[0]) <= 1 and len(u[0]) == len(key[0])
        ]
        if len(near) == 1:
            return near[0]
    return key


# Letters whose capital has the small letter's shape: OCR often reads one for the other.
_SAME_SHAPE = frozenset("cosuvwxzôơư")


def _as_capital(word: str) -> str:
    """``word`` with its first letter read as the capital it may be: a small letter of the capital's
    shape (``củ`` → ``Củ``), or ``l`` for ``I`` (``la Blang`` → ``Ia Blang``: one stroke in print)."""
    if word[:1] == "l" and len(word) > 1:
        return "I" + word[1:]
    if word[:1].islower() and fold(word[:1]) in _SAME_SHAPE:
        return word[:1].upper() + word[1:]
    return word


def _capital_like(word: str) -> bool:
    """A name's word: capitalised, a number, or a gazetteer syllable whose capital OCR may have read
    small (``củ Chi``, ``la Blang``)."""
    if word[:1].isupper() or word[:1].isdigit():
        return True
    cap = _as_capital(word)
    return cap != word and cap.lower() in gazetteer.syllables() and word[1:].islower()


def _capitalised(words: list[str]) -> list[str]:
    return [_as_capital(w) for w in words]


def _unit_at(words: list[str], i: int, raw: list[str] | None = None) -> tuple[int, str, bool] | None:
    for n in (3, 2, 1):
        key = _unit_key(words, i, n, raw)
        if len(key) == n and key in UNITS:
            nxt = words[i + n] if i + n < len(words) else ""
            core_next = _core(nxt)[1]
            if _capital_like(core_next):
                spelling, cap = UNITS[key]
                printed = " ".join(canonical(_core(w)[1]).lower() for w in words[i : i + n])
                prev = _core(words[i - 1]) if i else ("", "", ",")
                in_name = prev[1][:1].isupper() and not prev[2] and fold(prev[1]) not in _UNIT_WORDS
                if printed != spelling.lower() and n == 1 and in_name:
                    continue  # "Phúc Xá": a name's own word with a unit's letters
                return n, spelling, cap
    return None


@dataclass
class _Part:
    i: int  # the unit word's first index
    n: int  # its word count
    spelling: str  # the unit word's dictionary spelling
    j: int  # the name's first index
    k: int  # one past the name's last index
    levels: tuple[str, ...]
    found: list[Unit] = field(default_factory=list)


def _name_end(words: list[str], j: int, starts: set[int]) -> int:
    k = j
    while k < len(words) and k not in starts:
        core = _core(words[k])[1]
        if not _capital_like(core):
            break
        k += 1
        post = _core(words[k - 1])[2]
        nxt = _core(words[k])[1] if k < len(words) else ""
        if post == "." and k not in starts and nxt[:1].isupper() and fold(nxt) not in _UNIT_WORDS:
            continue  # a stray dot inside the name ("Thuận. Thành")
        if post:  # a comma ends the name
            break
    return k


# A tone mark Tesseract read apart as a quote glued to its word (``tô”3``, ``Tô”dân``): never a
# quotation in an address unless an opening quote stands before a word in it.
_MARK_BETWEEN = re.compile(r"(?<=[^\W\d_])[”“](?=[^\W\d_])")
_MARK_RESIDUE = re.compile(r"(?<=[^\W\d_])[”“\"](?=[^\W_]|\s|,|$)")
# the address words printed before a number, glued to it (``Sô135``): parted at the digit
_NUMBERED = {"so", "to", "ngo", "ngach", "hem", "kiet", "phuong", "khom", "xom", "thon", "ap", "doi", "khu"}
_GLUED_NUMBER = re.compile(r"\b([^\W\d_]{2,6})(\d+)\b")


def part_residue(text: str) -> tuple[str, list[str]]:
    """Tone-mark residue and glued numbers parted from the address words they stick to; each
    change named (the place reader then repairs the word, e.g. ``tô`` → ``tổ``, and shows it)."""
    changes: list[str] = []

    def _mark(m: re.Match[str]) -> str:
        changes.append(f"bỏ dấu {m.group(0)} dính vào chữ (dấu thanh đọc rời)")
        return " "

    # between two letters a quote mark opens nothing: a tone mark read apart (``tê“xã``)
    text = _MARK_BETWEEN.sub(_mark, text)
    if not re.search(r"“[^\W\d_]", text):  # an opening quote: “Xóm Mới” keeps its marks
        text = _MARK_RESIDUE.sub(_mark, text)

    def _glued(m: re.Match[str]) -> str:
        if fold(m.group(1)) not in _NUMBERED:
            return m.group(0)
        changes.append(f"{m.group(0)} → {m.group(1)} {m.group(2)} (tách chữ và số)")
        return f"{m.group(1)} {m.group(2)}"

    text = _GLUED_NUMBER.sub(_glued, text)
    return re.sub(r"  +", " ", text).strip(), changes


def read_place(text: str, schemes: tuple[str, ...] = (gazetteer.LEGACY, gazetteer.V2025)) -> PlaceRead:
    text, parted = part_residue(text)
    raw = [w for w in text.split() if _core(w)[1] or w in ("-",)]
    words = [canonical(w) for w in raw]
    rep = Repair(list(words), locked=[False] * len(words))
    rep.changes.extend(parted)
    found_units: list[tuple[int, int, str, bool]] = []
    i = 0
    while i < len(rep.words):
        at = _unit_at(rep.words, i, raw)
        if at is None:
            i += 1
            continue
        found_units.append((i, *at))
        i += at[0]
    found_units += _misread_unit_words(rep.words, {i for i, *_ in found_units}, schemes)
    found_units.sort()
    starts = {i for i, *_ in found_units}
    parts = [
        _Part(i, n, sp, i + n, _name_end(rep.words, i + n, starts), ADMIN.get(sp.lower(), ()))
        for i, n, sp, _cap in found_units
    ]
    pending: dict[str, list[str]] = {}
    _resolve_names(rep, [p for p in parts if p.levels and p.k > p.j], schemes, pending)
    for i, n, spelling, _cap in found_units:
        part = next(p for p in parts if p.i == i)
        _unit_word(rep, raw, i, n, spelling, bool(part.found))
    _unit_case(rep, [(i, n, sp) for i, n, sp, _ in found_units])
    rep = letters_for_digits(rep)
    rep = near_phrases(rep, phrases())
    rep = repair_with(rep.words, [phrases()], rep=rep, min_n=3)
    rep = repair_syllables(rep)
    _part_commas(rep)
    out = PlaceRead(" ".join(rep.words), rep.changes, rep.problems, candidates=pending)
    g = gazetteer.load()
    for p in sorted(parts, key=lambda p: p.i):
        for u in p.found:
            out.units.append({"level": u.level, "scheme": u.scheme, "code": u.code, "name": u.name})
            if u.level == "province" and u.scheme == gazetteer.LEGACY and out.province_code is None:
                out.province_code, out.province = u.id_prefix, u.short
    if out.province_code is None:  # a district or commune names its legacy province
        for p in parts:
            for u in p.found:
                q = g.parent_of(u)
                while q is not None and q.level != "province":
                    q = g.parent_of(q)
                if q is not None and q.scheme == gazetteer.LEGACY:
                    out.province_code, out.province = q.id_prefix, q.short
                    break
            if out.province_code:
                break
    return out


_ONE_WORD_ADMIN = {fold(k): k for k in ADMIN if " " not in k}


def _misread_unit_words(
    words: list[str], known: set[int], schemes: tuple[str, ...]
) -> list[tuple[int, int, str, bool]]:
    """``Xế Phước Hậu``: at the start of an address part, a word one letter from an administrative
    unit word, before a name that is a real unit of that level (and with the word, none)."""
    g = gazetteer.load()
    out: list[tuple[int, int, str, bool]] = []
    for i, w in enumerate(words):
        if i in known or not (i == 0 or _core(words[i - 1])[2].startswith((",", ";"))):
            continue
        f = fold(_core(w)[1])
        near = [u for k, u in _ONE_WORD_ADMIN.items() if len(k) == len(f) and Levenshtein.distance(k, f) == 1]
        if len(near) != 1 or not _core(w)[1][:1].isalpha():
            continue
        k = _name_end(words, i + 1, known)
        name = " ".join(_core(x)[1] for x in words[i + 1 : k])
        whole = " ".join(_core(x)[1] for x in words[i:k])
        if name and any(g.named(name, lv, schemes) for lv in ADMIN[near[0]]) and not g.named(whole, None, schemes):
            out.append((i, 1, near[0], False))
    return out


def _unit_word(rep: Repair, raw: list[str], i: int, n: int, spelling: str, name_found: bool) -> None:
    """Spell the unit word as the dictionary does, in the printed case — only when what was read
    is no syllable, or the name after it is a real unit of that level."""
    printed = [_core(rep.words[i + k])[1] for k in range(n)]
    target = spelling.split()
    same = [canonical(p).lower() == t.lower() for p, t in zip(printed, target)]
    if all(same):
        for k in range(n):
            rep.locked[i + k] = True
        return
    impossible = any(not is_valid(p) for p in printed) or any(not is_valid(_core(w)[1]) for w in raw[i : i + n])
    nxt = _core(rep.words[i + n])[1] if i + n < len(rep.words) else ""
    # a unit word of two or three words ("Tô dân phô", "thành phô") or one before a number
    # ("Tô 3", "Sô 167") has no other reading
    closed = n > 1 or nxt[:1].isdigit()
    if not (impossible or name_found or closed):
        return
    for k, (p, t) in enumerate(zip(printed, target)):
        new = match_case(t.lower(), p) if p[:1].isalpha() else t
        pre, core, post = _core(rep.words[i + k])
        if new != core:
            rep.changes.append(f"{core} → {new} (đơn vị hành chính)")
            if impossible or fold(core) != fold(new):
                rep.problems.append(f"“{core}” sửa thành “{new}” (đơn vị hành chính)")
        rep.words[i + k] = pre + new + post
        rep.locked[i + k] = True


def _style(word: str) -> str:
    return "upper" if word.isupper() and len(word) > 1 else ("title" if word[:1].isupper() else "lower")


def _unit_case(rep: Repair, units: list[tuple[int, int, str]]) -> None:
    """OCR confuses x/X, p/P: a unit word inside an address whose case differs from the other unit
    words' (``Thôn Nam, Xã Phước Hậu, huyện …, tỉnh …``) or in capitals in a value that is not
    (``ẤP Trung, xã …``) takes theirs. The first word of a value keeps the printed case."""
    admin = [(i, n) for i, n, sp in units if sp.lower() in ADMIN and rep.locked[i]]
    value_upper = sum(w.isupper() for w in rep.words) >= len(rep.words) / 2
    for i, n, sp in units:
        if not rep.locked[i]:
            continue
        core = _core(rep.words[i])[1]
        want = None
        others = [_style(_core(rep.words[j])[1]) for j, _ in admin if j != i]
        if i > 0 and sp.lower() in ADMIN and len(others) >= 2 and len(set(others)) == 1:
            want = others[0]
        elif _style(core) == "upper" and not value_upper:
            want = "title" if i == 0 or sp[:1].isupper() else "lower"
        if want is None or want == _style(core):
            continue
        for k in range(n):
            pre, c, post = _core(rep.words[i + k])
            new = c.upper() if want == "upper" else c.lower()
            if want == "title" and k == 0:
                new = c[:1].upper() + c[1:].lower()
            if new != c:
                rep.words[i + k] = pre + new + post
                rep.changes.append(f"{c} → {new} (chữ hoa/thường)")


def _resolve_names(rep: Repair, parts: list[_Part], schemes: tuple[str, ...], pending: dict[str, list[str]]) -> None:
    """Each unit's name against the gazetteer, the province first (it narrows the district, which
    narrows the commune)."""
    g = gazetteer.load()
    context: list[Unit] = []
    for p in sorted(parts, key=lambda p: (min(ORDER[lv] for lv in p.levels), -p.i)):
        name = " ".join(_core(w)[1] for w in rep.words[p.j : p.k])
        if not name:
            continue
        cased = " ".join(_capitalised(name.split()))
        if cased != name and any(g.named(cased, lv, schemes) for lv in p.levels):
            for k in range(p.j, p.k):  # "củ Chi" is "Củ Chi": the capital read small, shown
                pre, core, post = _core(rep.words[k])
                if (fixed := _capitalised([core])[0]) != core:
                    rep.words[k] = pre + fixed + post
                    rep.changes.append(f"{core} → {fixed} (chữ hoa đọc thành chữ thường, theo danh mục)")
            name = cased
        if not any(g.named(name, lv, schemes) for lv in p.levels):
            longer = _longer_name(rep.words, p, g, schemes)
            if longer is not None:  # ``Thị trấn Nông trường Liên Sơn``: a small word inside the name
                p.k, name = longer
        for level in p.levels:
            hits = g.named(name, level, schemes)
            if hits:
                same_kind = [u for u in hits if u.kind.lower() == p.spelling.lower()]
                hits = same_kind or hits
                inside = [u for u in hits if not context or g.is_within(u, context)]
                p.found = inside or hits  # a real unit is kept even where the printed hierarchy is odd
                break
        if p.found:
            for k in range(p.j, p.k):
                pre, core, post = _core(rep.words[k])
                if post == "." and k < p.k - 1:
                    rep.words[k] = pre + core
                    rep.changes.append("bỏ dấu chấm lẫn trong tên")
                rep.locked[k] = True
            context = p.found
            continue
        cand = _candidate(name, p.levels, schemes, context)
        if cand is None:
            what = " / ".join(_LEVEL_VI[lv] for lv in p.levels)
            rep.problems.append(f"“{name}” không có trong danh mục {what}")
            near = {canonical(u.short) for lv in p.levels for u in g.near(name, lv, 1, schemes)}
            if 1 < len(near) <= 8:
                pending[name] = sorted(near)
            continue
        short, units, how = cand
        new_words = short.split()
        for m, cw in enumerate(new_words):
            pre, core, post = _core(rep.words[p.j + m])
            if post == "." and m < len(new_words) - 1:
                post = ""
                rep.changes.append("bỏ dấu chấm lẫn trong tên")
            rep.words[p.j + m] = pre + match_case(cw, core) + post
            rep.locked[p.j + m] = True
        rep.changes.append(f"{name} → {short} ({how})")
        rep.problems.append(f"“{name}” không có trong danh mục, sửa thành “{short}” ({how})")
        p.found = units
        context = units


def _longer_name(
    words: list[str], p: _Part, g: gazetteer.Gazetteer, schemes: tuple[str, ...]
) -> tuple[int, str] | None:
    """The unit name that runs on past a small word (``Nông trường Liên Sơn``, which the capitals
    alone cut after ``Nông``) up to the next comma: the longest such run that is a unit's name."""
    end = p.k
    while end < len(words) and _core(words[end])[1] and not _core(words[end - 1])[2]:
        if fold(_core(words[end])[1]) in _UNIT_WORDS and words[end][:1].islower():
            break
        end += 1
    for k in range(end, p.k, -1):
        name = " ".join(_core(w)[1] for w in words[p.j : k])
        if any(g.named(name, lv, schemes) for lv in p.levels):
            return k, name
    if end > p.k + 1:  # ``Nông tường Liên Sơn``: the whole run one letter from one unit's name
        name = " ".join(_core(w)[1] for w in words[p.j : end])
        if len(fold(name)) >= 12 and _candidate(name, p.levels, schemes, []) is not None:
            return end, name
    return None


_LEVEL_VI = {"province": "tỉnh/thành phố", "district": "quận/huyện", "commune": "xã/phường"}


def _candidate(
    name: str, levels: tuple[str, ...], schemes: tuple[str, ...], context: list[Unit]
) -> tuple[str, list[Unit], str] | None:
    """The one unit a name that is no unit may have been read from, else None: the same letters
    with other marks (inside the printed province or district first, then anywhere), else one
    letter away (two for long names inside the printed province or district)."""
    g = gazetteer.load()
    n_words = len(name.split())
    long = len(fold(name).replace(" ", "")) >= 8

    def one(units: list[Unit]) -> tuple[str, list[Unit]] | None:
        units = [u for u in units if len(u.short.split()) == n_words]
        shorts = {canonical(u.short) for u in units}
        return (shorts.pop(), units) if len(shorts) == 1 else None

    for level in levels:
        for within in [context, None] if context else [None]:
            same = [u for u in g.same_letters(name, level, schemes, within) if len(u.short.split()) == n_words]
            if same:
                hit = one(same)
                return (*hit, "cùng chữ, khác dấu, theo danh mục đơn vị hành chính") if hit else None
        if len(fold(name)) < 4:
            continue
        if context:
            hit = one(g.near(name, level, 2 if long else 1, schemes, context))
            if hit:
                return (*hit, "gần tên trong danh mục đơn vị hành chính")
        hit = one(g.near(name, level, 1, schemes))
        if hit:
            return (*hit, "gần tên trong danh mục đơn vị hành chính")
    return None


def read_text(text: str) -> PlaceRead:
    """Free text (a cause of death, a request): impossible syllables and common phrases repaired."""
    words = canonical(text).split()
    rep = Repair(list(words), locked=[False] * len(words))
    rep = letters_for_digits(rep)
    rep = near_phrases(rep, phrases())
    rep = repair_with(rep.words, [phrases()], rep=rep)
    rep = repair_syllables(rep)
    _part_commas(rep)
    return PlaceRead(" ".join(rep.words), rep.changes, rep.problems)


_UNIT_PAIRS = {k[:2] for k in UNITS if len(k) > 1}
_UNIT_WORDS = {"xa", "phuong", "huyen", "quan", "tinh", "thon", "ap", "xom", "to", "khom", "ban", "buon", "khu"}
_UNIT_STARTS = {"xa", "phuong", "huyen", "quan", "tinh", "thanh", "thi", "ngay", "thon", "ap", "xom", "to"}


def _part_commas(rep: Repair) -> None:
    """``xã Long Hiệp. huyện Lai Vung`` → ``xã Long Hiệp, huyện …``: a dot before a unit word or a date;
    a missing comma between a name and the next unit (``xã Tân Hội huyện Trần Đề``)."""
    seen_unit = False
    for k in range(len(rep.words) - 1):
        w = rep.words[k]
        nxt = _core(rep.words[k + 1])[1]
        core = _core(w)[1]
        if fold(core) in _UNIT_WORDS and rep.locked[k]:
            seen_unit = True
        if (
            seen_unit
            and core[:1].isupper()
            and not _core(w)[2]
            and (fold(core), fold(nxt)) not in _UNIT_PAIRS  # "Thị xã", "Thành phố": one unit word
            and rep.locked[k + 1]
            and fold(nxt) in ("xa", "phuong", "huyen", "quan", "tinh")
            and nxt[:1].islower()
        ):
            rep.words[k] = w + ","
            rep.changes.append("thêm dấu phẩy giữa các phần địa chỉ")
            continue
        if (
            (w.endswith(";") or (w.endswith(")") and "(" not in " ".join(rep.words[: k + 1])))
            and len(core) > 1
            and fold(nxt) in _UNIT_STARTS
        ):  # ``Hưng Mỹ; Xã``, ``Trần Đề) Tỉnh``: a comma misread
            rep.words[k] = w[:-1] + ","
            rep.changes.append(f"dấu {w[-1]} giữa các phần địa chỉ → dấu phẩy")
            continue
        if w.endswith(".") and not w.endswith("..") and fold(nxt) in _UNIT_STARTS and nxt[:1].islower():
            rep.words[k] = w[:-1] + ","
            rep.changes.append("dấu chấm giữa các phần địa chỉ → dấu phẩy")
        elif (
            w.endswith(".")
            and not w.endswith("..")
            and len(_core(w)[1]) > 1
            and (nxt[:1].islower() or (k < len(rep.locked) and rep.locked[k] and fold(_core(w)[1]) in _UNIT_WORDS))
        ):
            rep.words[k] = w[:-1]
            rep.changes.append("bỏ dấu chấm lẫn giữa các chữ")

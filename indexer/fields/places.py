"""Places and addresses as printed (``Ấp Phú Thạnh, xã Thanh Tùng, huyện Lai Vung, tỉnh Đồng Tháp``):
kept verbatim but for OCR repairs — unit words (xã, huyện, tỉnh …) spelled and cased as the form
prints them, names checked against the province / district / commune lexicons (before and after the
2025 merger), impossible syllables flagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from indexer.fields.lexicon import Lexicon, communes, districts, name_syllables, phrases, place_names, provinces
from indexer.fields.phrases import Repair, _core, letters_for_digits, near_phrases, repair_syllables, repair_with
from indexer.fields.syllables import distance, is_valid, match_case
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
}


@dataclass
class PlaceRead:
    text: str
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    province: str | None = None  # legacy province name found in the address
    province_code: str | None = None


def _unit_key(words: list[str], i: int, n: int, raw: list[str] | None = None) -> tuple[str, ...]:
    key = tuple(fold(_core(w)[1]) for w in words[i : i + n])
    part_start = i == 0 or _core(words[i - 1])[2].startswith((",", ";"))
    rawword = _core((raw or words)[i])[1] if i < len(raw or words) else ""
    known = rawword.lower() in place_syllables() if rawword else True
    if n == 1 and key and key not in UNITS and part_start and (not is_valid(rawword) or not known):
        # an impossible word where a unit stands ("Âñ Phú Thạnh" for "Ấp Phú Thạnh")
        near = [
            u for u in UNITS if len(u) == 1 and Levenshtein.distance(u[0], key[0]) <= 1 and len(u[0]) == len(key[0])
        ]
        if len(near) == 1:
            return near[0]
    return key


@lru_cache(maxsize=1)
def place_syllables() -> set[str]:
    """Every syllable of a known place or personal name, lower case."""
    out: set[str] = set()
    for lex in (place_names(), phrases(), name_syllables()):
        for e in lex.entries:
            out.update(w.lower() for w in e.split())
    return out


def _unit_at(words: list[str], i: int, raw: list[str] | None = None) -> tuple[int, str, bool] | None:
    for n in (3, 2, 1):
        key = _unit_key(words, i, n, raw)
        if len(key) == n and key in UNITS:
            nxt = words[i + n] if i + n < len(words) else ""
            core_next = _core(nxt)[1]
            if core_next[:1].isupper() or core_next[:1].isdigit():
                spelling, cap = UNITS[key]
                return n, spelling, cap
    return None


def read_place(text: str) -> PlaceRead:
    raw = [w for w in text.split() if _core(w)[1] or w in ("-",)]
    words = [canonical(w) for w in raw]
    out = PlaceRead("")
    rep = Repair(list(words), locked=[False] * len(words))
    i = 0
    while i < len(rep.words):
        u = _unit_at(rep.words, i, raw)
        if u is None:
            i += 1
            continue
        n, spelling, cap = u
        at_start = i == 0
        new_words = spelling.split()
        if at_start and cap:
            new_words[0] = new_words[0][:1].upper() + new_words[0][1:]
        elif not cap or not at_start:
            if cap:
                new_words = [w.lower() if k else w for k, w in enumerate(new_words)]
                new_words[0] = match_case(new_words[0], _core(rep.words[i])[1]) if not at_start else new_words[0]
            else:
                new_words = [w.lower() for w in new_words]
        for k, nw in enumerate(new_words):
            pre, core, post = _core(rep.words[i + k])
            if core != nw:
                rep.changes.append(f"{core} → {nw} (đơn vị hành chính)")
            rep.words[i + k] = pre + nw + post
            rep.locked[i + k] = True
        i += n
    rep = letters_for_digits(rep)
    rep = near_phrases(rep, phrases())
    _near_names(rep)
    rep = repair_with(rep.words, [place_names(), phrases()], rep=rep)
    rep = repair_syllables(rep)
    _part_commas(rep)
    out.text = " ".join(rep.words)
    out.changes, out.problems = rep.changes, rep.problems
    # the province: the words after the last "tỉnh" / "thành phố", else a known province at the end
    parts = [p.strip() for p in out.text.split(",")]
    for part in reversed(parts):
        f = fold(part)
        for unit in ("tinh ", "thanh pho ", "tp. ", "tp "):
            if f.startswith(unit):
                code = provinces().code_for(part[len(unit) :])
                if code:
                    out.province_code, out.province = code, provinces().by_code[code]
                break
        if out.province_code:
            break
    return out


def read_text(text: str) -> PlaceRead:
    """Free text (a cause of death, a request): common phrases and impossible syllables repaired."""
    words = canonical(text).split()
    rep = Repair(list(words), locked=[False] * len(words))
    rep = letters_for_digits(rep)
    rep = near_phrases(rep, phrases())
    rep = repair_with(rep.words, [phrases(), place_names()], rep=rep)
    rep = repair_syllables(rep)
    _part_commas(rep)
    return PlaceRead(" ".join(rep.words), rep.changes, rep.problems)


_UNIT_LEX = {
    "tinh": "province",
    "thanh pho": "province",
    "huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "xa": "commune",
    "phuong": "commune",
    "thi tran": "commune",
}


def _lex_for(kind: str) -> list[Lexicon]:
    if kind == "province":
        return [provinces().names]
    if kind == "district":
        return [districts(), provinces().names]
    return [communes()]


def _near_names(rep: Repair) -> None:
    """A unit's name that no lexicon knows, one or two letters from exactly one known name."""
    i = 0
    words = rep.words
    while i < len(words):
        unit = None
        for n in (2, 1):
            key = " ".join(fold(_core(w)[1]) for w in words[i : i + n])
            if key in _UNIT_LEX and rep.locked[i]:
                unit = (n, _UNIT_LEX[key])
                break
        if unit is None:
            i += 1
            continue
        n, kind = unit
        j = i + n
        k = j
        while k < len(words) and _core(words[k])[1][:1].isupper():
            k += 1
            if _core(words[k - 1])[2]:  # a comma ends the name
                break
        if k == j or all(rep.locked[j:k]):
            i = k if k > i else i + 1
            continue
        name = " ".join(_core(w)[1] for w in words[j:k])
        key = fold(name)
        best: list[tuple[int, float, str]] = []
        for lex in _lex_for(kind):
            for cand in lex.entries:
                if len(cand.split()) != k - j:
                    continue
                d = Levenshtein.distance(key, fold(cand))
                if d <= (1 if len(key) < 8 else 2):
                    marks_d = sum(distance(a, b) for a, b in zip(name.split(), cand.split())) if d == 0 else 9.0
                    best.append((d, marks_d, cand))
        best.sort()
        if best and (len(best) == 1 or best[1][:2] > best[0][:2]):
            d, _, cand = best[0]
            for m, cw in enumerate(cand.split()):
                pre, core, post = _core(words[j + m])
                new = match_case(cw, core)
                if new != core:
                    rep.changes.append(f"{core} → {new} ({'danh mục' if d == 0 else 'gần tên trong danh mục'})")
                    if d > 0:
                        rep.problems.append(f"“{name}” sửa thành “{cand}” theo danh mục")
                words[j + m] = pre + new + post
                rep.locked[j + m] = True
        i = k


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
            and rep.locked[k + 1]
            and fold(nxt) in ("xa", "phuong", "huyen", "quan", "tinh")
            and nxt[:1].islower()
        ):
            rep.words[k] = w + ","
            rep.changes.append("thêm dấu phẩy giữa các phần địa chỉ")
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

"""Personal names: NFC, one tone-placement style, display case kept (declarations print them in
capitals, signatures in mixed case); each syllable checked against the surname / middle / given
name lexicons and the closed set of Vietnamese syllables."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.fields.lexicon import given_names, middle_names, name_syllables, surnames
from indexer.fields.phrases import _core
from indexer.fields.syllables import distance, is_valid, variants
from indexer.vntext import canonical, fold


@dataclass
class NameRead:
    text: str
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    known: int = 0  # syllables confirmed by a lexicon
    unknown: list[str] = field(default_factory=list)  # syllables no name lexicon knows


def _style(words: list[str]) -> str:
    letters = [c for w in words for c in w if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return "upper" if letters and upper / len(letters) >= 0.6 else "title"


def _styled(word: str, style: str) -> str:
    return word.upper() if style == "upper" else word[:1].upper() + word[1:].lower()


def _unglue(word: str) -> list[str]:
    """``THUỲDUNG`` → ``THUỲ DUNG``: two name syllables OCR glued together."""
    word = canonical(word) if is_valid(word) else word
    if is_valid(word) or len(word) < 5:
        return [word]
    camel: list[str] = []
    for i, c in enumerate(word):
        if i and c.isupper() and word[i - 1].islower():
            camel.append("")
        camel[-1:] = [(camel[-1] if camel else "") + c]
    if len(camel) > 1 and all(is_valid(c) for c in camel) and not word.isupper():
        return camel  # "LêThịThanhHà"
    for i in range(2, len(word) - 1):
        a, b = word[:i], word[i:]
        if is_valid(a) and is_valid(b) and name_syllables().spellings(a) and name_syllables().spellings(b):
            return [a, b]
    return [word]


def read_name(text: str) -> NameRead:
    words = [_core(w)[1] for w in text.replace(",", " ").split()]
    words = [canonical(part) for w in words if w and any(c.isalpha() for c in w) for part in _unglue(w)]
    while len(words) > 2 and len(words[-1]) == 1 and not is_valid(words[-1]):
        words.pop()  # a stray letter after the name (a stroke of the signature, a stamp)
    if not words:
        return NameRead("", problems=["không đọc được họ tên"])
    style = _style(words)
    out = NameRead("")
    fixed = []
    for i, w in enumerate(words):
        role = surnames() if i == 0 else (given_names() if i == len(words) - 1 else middle_names())
        styled = _styled(w, style)
        if styled != w and not (w.isupper() and style == "upper"):
            out.changes.append(f"{w} → {styled} (chữ hoa/thường)")
        low = w.lower()
        cands = role.spellings(low) or name_syllables().spellings(low)
        if any(c.lower() == low for c in cands):
            fixed.append(styled)
            out.known += 1
            continue
        if cands:
            scored = sorted((distance(low, c.lower()), c) for c in cands)
            d0, best = scored[0]
            if d0 < float("inf") and (len(scored) == 1 or scored[1][0] - d0 >= 0.2):
                new = _styled(best, style)
                out.changes.append(f"{w} → {new} (danh mục tên)")
                fixed.append(new)
                out.known += 1
                if d0 > 0.7:
                    out.problems.append(f"“{w}” sửa thành “{new}”")
                continue
            if d0 < float("inf"):
                out.problems.append(f"“{w}” có thể là {' / '.join(c for _, c in scored[:3])}")
        out.unknown.append(styled)
        if not is_valid(w):
            vs = variants(w, 2)
            if vs:
                new = _styled(vs[0][0], style)
                out.changes.append(f"{w} → {new} (âm tiết không hợp lệ)")
                fixed.append(new)
            else:
                fixed.append(styled)
            out.problems.append(f"“{w}” không phải âm tiết tiếng Việt")
            continue
        fixed.append(styled)
    if fixed and fold(fixed[0]) and not surnames().spellings(fixed[0]) and len(fixed) > 1:
        out.problems.append(f"họ “{fixed[0]}” không có trong danh mục")
    if not 2 <= len(fixed) <= 6:
        out.problems.append("họ tên có số chữ bất thường")
    out.text = " ".join(fixed)
    return out

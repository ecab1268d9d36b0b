"""Personal names: NFC, one tone-placement style, display case kept (declarations print them in
capitals, signatures in mixed case); each syllable checked against the closed set of Vietnamese
syllables and the surname / middle / given name lexicons.

Trust rule: a valid Vietnamese syllable is never changed, however rare (``LĨNH``, ``BÀN``, ``HẬU``
stay); when a lexicon knows a spelling with the same letters and more marks, it is offered in a
review reason, not applied. Only an impossible syllable is repaired, towards exactly one nearest
candidate, and the repair is recorded and flagged. One exception, also flagged: the first word of a
name of two or more words that is no surname, with the letters of exactly one surname
(``TRÂN THỊ THU THOA``, ``NGUYÊN VĂN AN``: the surname's place holds a near-closed class, and
Tesseract loses stacked marks). The lists are built from public name data (scripts/build_names.py)
and carry weights; where several entries share the letters, one far commoner than the rest
(``Hồ`` beside the rare ``Hơ``) still counts as the one, and a rare entry read where a far commoner
spelling exists (``TIỀN`` beside ``Tiến``) is kept and the commoner one offered."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.fields.correct import stacked_mark
from indexer.fields.lexicon import given_names, middle_names, name_syllables, surnames
from indexer.fields.phrases import _core
from indexer.fields.syllables import distance, is_valid, marks, split_tone, variants
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
    """``THUỲDUNG`` → ``THUỲ DUNG``: two name syllables OCR glued together (each as printed)."""
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


def _dropped_tone(word: str, lexicon_spellings: list[str]) -> list[str]:
    """In capitals Tesseract often loses the tone over â, ê, ô (``QUYÊN`` for ``QUYỀN``): a
    toneless capital syllable with such a vowel, where the lexicon also knows it with a tone."""
    bare, tone = split_tone(word)
    if tone or not word.isupper() or not any(c in bare.lower() for c in "âêô"):
        return []
    return [c for c in lexicon_spellings if split_tone(c)[0].lower() == bare.lower() and split_tone(c)[1]]


# A spelling counts as far commoner than another when its source weight (population share of a
# surname, number of dictionary names with a middle or given name) is at least this many times larger.
FAR_COMMONER = 5.0


def _dominant(cands: list[str], weights: dict[str, float]) -> list[str]:
    """Of several spellings, the one far commoner than all others (``Hồ`` 1.5 % beside ``Hơ``
    0.02 %), else all of them: a bigger list must not stop a repair only a rare entry contests."""
    if len({c.lower() for c in cands}) < 2 or any(c not in weights for c in cands):
        return cands
    ranked = sorted(cands, key=lambda c: -weights[c])
    top, rest = ranked[0], [c for c in ranked[1:] if c.lower() != ranked[0].lower()]
    return [top] if all(weights[top] >= FAR_COMMONER * weights[c] for c in rest) else cands


def _far_commoner(low: str, lexicon_spellings: list[str], weights: dict[str, float]) -> list[str]:
    """A rare entry of this position's list (``Tiền`` in one dictionary name) read where a spelling
    with the same letters, no fewer marks and far more names (``Tiến``) exists: offered, not applied."""
    own = weights.get(next((c for c in lexicon_spellings if c.lower() == low), ""), 0.0)
    return [
        c
        for c in lexicon_spellings
        if c.lower() != low
        and marks(c) >= marks(low)
        and distance(low, c.lower()) < float("inf")
        and own
        and weights.get(c, 0.0) >= FAR_COMMONER * own
    ]


# Titles a form may print before a person's name (``Tiếp nhận hồ sơ của: Ông (Bà) NGUYỄN VĂN AN``),
# folded; and the surname share (% of the population) the next word must have for them to be taken
# as a title: Ông and Bà are also (rare) surnames.
TITLES = frozenset({"ong", "ba", "ong/ba", "ba/ong", "anh", "chi"})
COMMON_SURNAME = 0.1


def _title_words(words: list[str]) -> int:
    """How many leading words are a title before a common surname, leaving two words or more."""
    k = 0
    while k < len(words) - 2 and fold(words[k]) in TITLES:
        k += 1
    if (
        k
        and max((surnames().weights.get(s, 0.0) for s in surnames().spellings(words[k])), default=0.0) >= COMMON_SURNAME
    ):
        return k
    return 0


def read_name(text: str) -> NameRead:
    words = [_core(w)[1] for w in text.replace(",", " ").split()]
    parts = [part for w in words if w and any(c.isalpha() for c in w) for part in _unglue(w)]
    # a word OCR'd with letters Vietnamese has not (``Chiêñ``) is impossible even where NFC makes a
    # valid syllable of it
    read_ok = {canonical(part): is_valid(part) for part in parts}
    words = [canonical(part) for part in parts]
    while len(words) > 2 and len(words[-1]) == 1 and not is_valid(words[-1]):
        words.pop()  # a stray letter after the name (a stroke of the signature, a stamp)
    titles = _title_words(words)
    title, words = " ".join(words[:titles]), words[titles:]
    if not words:
        return NameRead("", problems=["không đọc được họ tên"])
    style = _style(words)
    out = NameRead("")
    if title:
        out.changes.append(f"bỏ danh xưng “{title}” trước họ tên")
    fixed = []
    for i, w in enumerate(words):
        role = surnames() if i == 0 else (given_names() if i == len(words) - 1 else middle_names())
        styled = _styled(w, style)
        if styled != w and not (w.isupper() and style == "upper"):
            out.changes.append(f"{w} → {styled} (chữ hoa/thường)")
        low = w.lower()
        in_role = role.spellings(low)
        cands = in_role or name_syllables().spellings(low)
        if any(c.lower() == low for c in in_role):
            fixed.append(styled)
            out.known += 1
            toned = _dropped_tone(w, in_role) or _far_commoner(low, in_role, role.weights)
            if toned:
                out.problems.append(f"“{w}” có thể là {' / '.join(_styled(c, style) for c in toned[:3])}")
            continue
        if is_valid(w) and read_ok.get(w, True):
            same = _dominant([c for c in in_role if distance(low, c.lower()) < float("inf")], role.weights)
            if i == 0 and len(words) >= 2 and len({c.lower() for c in same}) == 1:
                # The surname's place is a near-closed class: a syllable that is no surname, with the
                # letters of exactly one surname (TRÂN → TRẦN, NGUYÊN → NGUYỄN), is repaired — and
                # flagged. Elsewhere in a name, valid syllables are never changed.
                new = _styled(same[0], style)
                out.changes.append(f"{w} → {new} (họ trong danh mục)")
                out.problems.append(f"họ “{w}” không có trong danh mục, sửa thành “{new}”")
                fixed.append(new)
                out.known += 1
                continue
            # A valid syllable is never changed (rare names stay rare). A spelling this position's
            # lexicon knows, with the same letters and no fewer marks, is only offered (OCR drops
            # and confuses stacked marks far more often than it adds one).
            more = [c for c in in_role if marks(c) >= marks(low) and distance(low, c.lower()) < float("inf")]
            if more:
                out.problems.append(f"“{w}” có thể là {' / '.join(_styled(c, style) for c in more[:3])}")
            if low in name_syllables():
                out.known += 1
            else:
                out.unknown.append(styled)
            fixed.append(styled)
            continue
        # An impossible syllable: repaired only towards exactly one nearest candidate, and flagged.
        scored = sorted({(distance(low, c.lower()), c.lower()) for c in cands if is_valid(c)})
        if not scored:
            stacked = stacked_mark(w)  # ``TRẦAH``: the n after a stacked mark read as ``ah``
            scored = [(0.4, stacked.lower())] if stacked else sorted({(d, v.lower()) for v, d in variants(w, 3)})
        out.unknown.append(styled)
        if scored and scored[0][0] < float("inf") and (len(scored) == 1 or scored[1][0] - scored[0][0] >= 0.2):
            new = _styled(scored[0][1], style)
            out.changes.append(f"{w} → {new} (âm tiết không hợp lệ)")
            out.problems.append(f"“{w}” không phải âm tiết tiếng Việt, sửa thành “{new}”")
            fixed.append(new)
            continue
        if scored:
            out.problems.append(
                f"“{w}” không phải âm tiết tiếng Việt, có thể là {' / '.join(c for _, c in scored[:3])}"
            )
        else:
            out.problems.append(f"“{w}” không phải âm tiết tiếng Việt")
        fixed.append(styled)
    if fixed and fold(fixed[0]) and not surnames().spellings(fixed[0]) and len(fixed) > 1:
        out.problems.append(f"họ “{fixed[0]}” không có trong danh mục")
    if not 2 <= len(fixed) <= 6:
        out.problems.append("họ tên có số chữ bất thường")
    # Read on the canonical tone placement, written as printed: THUỲ stays THUỲ (not THÙY) where
    # nothing else about the syllable was changed.
    # (only a printed syllable that is itself valid: ``NGUYÊÑ`` is the tone read on the wrong letter)
    fixed = [
        printed if canonical(f) == canonical(printed) and is_valid(printed) else f
        for f, printed in zip(fixed, (_styled(p, style) for p in parts), strict=False)
    ]
    out.text = " ".join(fixed)
    return out

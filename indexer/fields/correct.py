"""Tesseract ``vie``'s known confusions, as repair candidates. Nothing here changes a value by
itself: callers keep the raw text and record why a candidate was taken.

- digits: 0/8/6/9, 1/7, 5/6, 3/8 (and letters read for digits: O→0, l/I/|→1, S→5, B→8, Z→2)
- marks: stacked marks ấ/ẩ, ế/ể, ố/ổ, a lost dot below, ư/u, ơ/o, đ/d (syllables.variants)
- ``tr`` read as ``ư`` at a word start (``ưung`` → ``trung``)
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from indexer.fields import syllables
from indexer.vntext import canonical

DIGIT_CONFUSIONS: dict[str, str] = {
    "0": "869",
    "8": "063",
    "6": "085",
    "9": "0",
    "1": "7",
    "7": "1",
    "5": "6",
    "3": "8",
    "2": "",
    "4": "",
}
LETTER_DIGITS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "g": "9",
        "G": "6",
        "T": "7",
    }
)
_DIGITISH = re.compile(r"^[0-9OoDQlI|iSsBZzgGT]+$")
_SLASHES = str.maketrans({"⁄": "/", "∕": "/", "\\": "/", "—": "-", "–": "-"})


def digits_from_letters(text: str) -> str:
    """A token that is mostly digits, with letters OCR put for digits mapped back."""
    if not text:
        return text
    if _DIGITISH.match(text) and sum(c.isdigit() for c in text) >= max(1, len(text) // 2):
        return text.translate(LETTER_DIGITS)
    return text


def normalize_digits(text: str) -> str:
    """Fraction slashes and dashes to ASCII, digit-like words to digits."""
    text = unicodedata.normalize("NFC", text).translate(_SLASHES)
    parts = re.split(r"([/.\-,: ])", text)
    return "".join(digits_from_letters(p) for p in parts)


def digit_variants(digits: str, max_changes: int = 2):
    """(candidate, number of changes) for every way of undoing up to ``max_changes`` digit confusions."""
    yield digits, 0
    positions = [i for i, c in enumerate(digits) if DIGIT_CONFUSIONS.get(c)]
    for n in range(1, max_changes + 1):
        for combo in itertools.combinations(positions, n):
            pools = [DIGIT_CONFUSIONS[digits[i]] for i in combo]
            for repl in itertools.product(*pools):
                s = list(digits)
                for i, r in zip(combo, repl):
                    s[i] = r
                yield "".join(s), n


def tr_for_u(word: str) -> str | None:
    """``ưung`` → ``trung``: Tesseract reads a word-initial ``tr`` as ``ư``."""
    low = word.lower()
    if low.startswith("ư") and not syllables.is_valid(word):
        cand = syllables.match_case("tr" + word[1:].lower(), word)
        if syllables.is_valid(cand):
            return cand
    return None


# A vowel with a circumflex or breve under a stacked tone mark (ấ, ề, ỗ …) tops the line: Tesseract
# reads the mark that drifted right as a letter after the word (``Thiêtf``, ``môtf``: an acute read
# as ``f``), and the ``n`` after such a vowel as ``a``/``ah`` (``Tiếa``, ``Cầah``, ``Trầah``) or
# ``ng`` as ``ag`` (``Đồag``). Each undo is tried only on an impossible word and kept only when it
# gives a valid syllable.
_STACKED = re.compile(r"^(.*[âăêôÂĂÊÔ])([^\W\d_]*?)[fF]$")
_LOST_N = re.compile(r"^(.*[ấầẩẫậắằẳẵặếềểễệốồổỗộẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘ])(ah|ag|a)$", re.IGNORECASE)


def stacked_mark(word: str) -> str | None:
    """The syllable an impossible word is with a stacked mark's usual misreadings undone, or None."""
    if syllables.is_valid(word):
        return None
    m = _STACKED.match(word)
    if m:
        head = unicodedata.normalize("NFD", m.group(1))
        if not any(
            c in head for c in (syllables.ACUTE, syllables.GRAVE, syllables.HOOK, syllables.TILDE, syllables.DOT)
        ):
            cand = unicodedata.normalize("NFC", head + syllables.ACUTE) + m.group(2)
            cand = canonical(cand)
            if syllables.is_valid(cand):
                return cand
    m = _LOST_N.match(word)
    if m:
        tail = {"ah": "n", "a": "n", "ag": "ng"}[m.group(2).lower()]
        cand = m.group(1) + (tail.upper() if m.group(2).isupper() else tail)
        if syllables.is_valid(cand):
            return cand
    return None


def syllable_candidates(word: str, limit: int = 5) -> list[tuple[str, float]]:
    """Valid syllables a damaged word may have been (nearest first), the word itself included when valid."""
    out = syllables.variants(word, limit)
    tr = tr_for_u(word)
    if tr:
        out.insert(0, (tr, 0.4))
    st = stacked_mark(word)
    if st:
        out.insert(0, (st, 0.4))
    return out

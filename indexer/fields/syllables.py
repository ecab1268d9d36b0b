"""Vietnamese syllables are a closed set: onset + rime + tone, with a few spelling rules.

``is_valid("Lạc")`` is True, ``is_valid("Lac")`` is False (a rime ending in p/t/c/ch takes only the
sắc or nặng tone), ``is_valid("Câi")`` is False (â needs a final consonant or glide). ``variants``
lists the valid syllables that share a syllable's letters but not its marks, nearest first: the
repair candidates for OCR damage to diacritics.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache

from indexer.vntext import canonical
from ocr.syllables import (  # the one syllable checker; ocr cannot import indexer, so it lives there
    ACUTE,
    BREVE,
    CIRCUMFLEX,
    DOT,
    GRAVE,
    HOOK,
    HORN,
    TILDE,
    TONES,
    is_valid,
    split_tone,
)

__all__ = ["distance", "is_valid", "marks", "match_case", "split_tone", "variants"]

VOWEL_QUALITIES = {
    "a": "aăâ",
    "ă": "aăâ",
    "â": "aăâ",
    "e": "eê",
    "ê": "eê",
    "o": "oôơ",
    "ô": "oôơ",
    "ơ": "oôơ",
    "u": "uư",
    "ư": "uư",
    "d": "dđ",
    "đ": "dđ",
}


def marks(word: str) -> int:
    """How many diacritic marks a word carries (đ counts as one)."""
    nfd = unicodedata.normalize("NFD", word)
    return sum(1 for c in nfd if unicodedata.category(c) == "Mn") + word.lower().count("đ")


def _char_cost(a: str, b: str) -> float:
    """Cost of reading candidate char ``b`` as OCR char ``a`` (same base letter)."""
    if a == b:
        return 0.0
    da, db = unicodedata.normalize("NFD", a), unicodedata.normalize("NFD", b)
    qa = {c for c in da if c in (BREVE, CIRCUMFLEX, HORN)}
    qb = {c for c in db if c in (BREVE, CIRCUMFLEX, HORN)}
    ta = next((c for c in da if c in TONES), "")
    tb = next((c for c in db if c in TONES), "")
    cost = 0.0
    if qa != qb:
        cost += 0.6 if not qa else 1.0  # a dropped mark is the commonest OCR damage
    if ta != tb:
        if not ta:
            cost += 0.35 if tb == DOT else 0.5
        elif not tb:
            cost += 0.8
        elif qb and {ta, tb} <= {ACUTE, HOOK, GRAVE, TILDE}:
            cost += 0.6  # stacked marks on â/ê/ô are confused with each other (ấ/ẩ, ế/ể)
        else:
            cost += 0.9
    if (a.lower() == "đ") != (b.lower() == "đ"):
        cost += 0.5 if b.lower() == "đ" else 0.9
    return cost


def distance(ocr: str, cand: str) -> float:
    """Diacritic distance between two words with the same letters (inf when letters differ)."""
    a, b = canonical(ocr).lower(), canonical(cand).lower()
    if len(a) != len(b):
        return float("inf")
    total = 0.0
    for x, y in zip(a, b):
        if _base(x) != _base(y):
            return float("inf")
        total += _char_cost(x, y)
    return total


def _base(c: str) -> str:
    d = unicodedata.normalize("NFD", c)
    base = d[0]
    return "d" if base == "đ" else base


@lru_cache(maxsize=16384)
def _variants(low: str) -> tuple[str, ...]:
    bare = "".join(_base(c) for c in low)
    pools = [VOWEL_QUALITIES.get(c, c) for c in bare]
    out: set[str] = set()
    n_choices = 1
    for p in pools:
        n_choices *= len(p)
    if n_choices > 256:
        return ()
    for letters in itertools.product(*pools):
        word = "".join(letters)
        for tone in ("",) + TONES:
            cand = canonical(_apply_tone(word, tone))
            if is_valid(cand):
                out.add(cand)
    return tuple(sorted(out))


def _apply_tone(word: str, tone: str) -> str:
    if not tone:
        return word
    # Put the tone on the first vowel; canonical() moves it to its proper place.
    for i, c in enumerate(word):
        if c in "aăâeêioôơuưy":
            return unicodedata.normalize("NFC", word[: i + 1] + tone + word[i + 1 :])
    return word


def variants(word: str, limit: int = 6) -> list[tuple[str, float]]:
    """Valid syllables with ``word``'s letters, nearest marks first, in ``word``'s case style."""
    low = canonical(word).lower()
    if not low.isalpha() or len(low) > 7:
        return []
    scored = sorted(((c, distance(low, c)) for c in _variants(low)), key=lambda t: (t[1], t[0]))
    return [(match_case(c, word), d) for c, d in scored[:limit]]


def match_case(cand: str, like: str) -> str:
    """``cand`` written in the case style of ``like`` (UPPER, Title or lower)."""
    if like.isupper() and len(like) > 1:
        return cand.upper()
    if like[:1].isupper():
        return cand[:1].upper() + cand[1:]
    return cand

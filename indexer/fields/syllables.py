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

GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONES = (GRAVE, ACUTE, HOOK, TILDE, DOT)
BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"

ONSETS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)

_RIMES_TEXT = """
a ai ao au ay am an ang anh ap at ac ach
ă ăm ăn ăng ăp ăt ăc
âu ây âm ân âng âp ât âc
e eo em en eng ep et ec
ê êu êm ên ênh êp êt êch
i ia iu im in inh ip it ich
iê iêu iêm iên iêng iêp iêt iêc
y yê yêu yêm yên yêng yêt
o oi oa oai oay oan oang oanh oam oap oat oac oach oăn oăng oăm oăt oăc oe oeo oen oet oem om on ong op ot oc oong ooc
ô ôi ôm ôn ông ôp ôt ôc
ơ ơi ơm ơn ơp ơt
u ui ua uân uâng uât uây uê uêch uên uênh uy uya uyu uyên uyêt uynh uych uyn uyt uơ um un ung up ut uc uôi uôm uôn uông uôt uôc uô ue uâ
ư ưa ưi ưu ưm ưn ưng ưt ưc ươ ươi ươu ươm ươn ương ươp ươt ươc
"""
RIMES = frozenset(_RIMES_TEXT.split())
STOP_FINALS = ("p", "t", "c", "ch")
_FRONT = ("e", "ê", "i", "y")

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


def split_tone(syl: str) -> tuple[str, str]:
    """(syllable without its tone mark, tone mark or '')."""
    nfd = unicodedata.normalize("NFD", syl)
    tone = next((c for c in nfd if c in TONES), "")
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
    return bare, tone


def _parse(bare: str) -> tuple[str, str] | None:
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rime = bare[len(onset) :]
        if onset == "gi" and (not rime or rime[0] not in "aăâeêoôơuưy"):
            onset, rime = "g", "i" + rime  # gì, gìn, gịt
        if onset == "qu" and not rime:
            continue
        if rime in RIMES:
            return onset, rime
        if onset == "qu" and ("u" + rime) in RIMES:  # quy, quyên: the u is the glide
            return onset, rime
    return None


@lru_cache(maxsize=65536)
def is_valid(syl: str) -> bool:
    """True when ``syl`` (one word, any case, NFC or NFD) is a possible Vietnamese syllable."""
    word = unicodedata.normalize("NFC", syl).lower()
    if not word or not word.isalpha():
        return False
    for c in word:
        d = unicodedata.normalize("NFD", c)
        if d[0] in "fjwz" or (d[0] not in "aeiouy" and len(d) > 1 and c != "đ") or (not d[0].isascii() and c != "đ"):
            return False
    bare, tone = split_tone(word)
    parsed = _parse(bare)
    if parsed is None:
        return False
    onset, rime = parsed
    if rime.endswith(STOP_FINALS) and tone not in ("", ACUTE, DOT):
        return False
    if rime.endswith(STOP_FINALS) and tone == "":
        return False
    first = rime[0]
    if onset == "k" and first not in _FRONT:
        return False
    if onset in ("c", "g", "ng") and first in _FRONT and not (onset == "g" and rime.startswith("i")):
        return False
    if onset in ("gh", "ngh") and first not in ("e", "ê", "i"):
        return False
    if onset == "q":
        return False
    if rime in ("iê", "yê", "uô", "ươ", "uâ"):  # these need a final
        return False
    if rime.startswith("y") and rime != "y" and onset not in ("", "qu"):  # yên only alone / quyên
        if not rime.startswith("yê") or onset not in ("", "qu"):
            return False
    return True


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

"""Is a token a possible Vietnamese syllable? The OCR stage's own small checker.

Vietnamese syllables are a closed set: onset + rime + tone, with a few spelling rules
(``is_valid("Lạc")`` True, ``is_valid("Lac")`` False: a rime ending in p/t/c/ch takes only the
sắc or nặng tone). ``ocr`` uses it to judge a reading without the truth: a page read right is
mostly valid syllables, a failed reading (wrong scale, noise read as letters, handwriting) is
not. This is the one checker: ``indexer.fields.syllables`` (which also repairs words) imports it,
since ``ocr`` never imports ``indexer``.

Never raises; pure; cached.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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

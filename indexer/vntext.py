"""Vietnamese text for matching: NFC, one tone-placement style, accent folding.

``fold("Nguyễn Văn Hoà")`` → ``"nguyen van hoa"``; ``canonical("Thuỷ") == canonical("Thủy")``.
The canonical style puts the tone mark the "old" way (hòa, thủy, khỏe), which is also what most
Vietnamese keyboards type; both styles compare equal after :func:`canonical`.
"""

from __future__ import annotations

import re
import unicodedata

from ocr.syllables import ONSETS

# Combining tone marks (dấu thanh): grave, acute, hook above, tilde, dot below.
TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Vowels carrying a quality mark (breve, circumflex, horn) always take the tone.
_QUALITY = set("ăâêôơư")
_VOWELS = set("aăâeêioôơuưy")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """NFC, with look-alikes scanners and old software produce mapped to the real letters."""
    return unicodedata.normalize("NFC", text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))


# Quality marks (circumflex, breve, horn): on a Vietnamese letter they come before the tone mark.
QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}


def repair_marks(text: str) -> str:
    """NFC with each letter's marks in Vietnamese order — one quality mark, then one tone mark —
    and marks that fit no letter dropped. NFC cannot compose a tone typed or OCR'd before the
    circumflex (``"É" + U+0302`` stays two characters, and splits the word for every tokenizer);
    here it becomes ``"Ế"``. For names and other short values, not for running text."""
    out: list[str] = []
    marks: list[str] = []

    def flush() -> None:
        if out and out[-1].isalpha():
            q = [m for m in marks if m in QUALITY_MARKS][:1]
            t = [m for m in marks if m in TONES][:1]
            other = [m for m in marks if m not in QUALITY_MARKS and m not in TONES]
            out.extend(q + other + t)
        marks.clear()

    for c in unicodedata.normalize("NFD", nfc(text)):
        if unicodedata.category(c) == "Mn":
            marks.append(c)
            continue
        flush()
        out.append(c)
    flush()
    composed = unicodedata.normalize("NFC", "".join(out))
    return "".join(c for c in composed if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ→d, whitespace collapsed: the key for accent-free matching."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.replace("đ", "d").split())


def has_marks(text: str) -> bool:
    """Whether the text carries any Vietnamese diacritic (a tone or vowel mark, or đ): a name typed
    without any (an old book's NGUYEN VAN AN, a query typed on a plain keyboard) says nothing
    about its diacritics."""
    return any(c == "đ" or unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", nfc(text).lower()))


def _syllable_tone(syl: str) -> str:
    """Move the tone mark of one syllable to its canonical vowel."""
    nfd = unicodedata.normalize("NFD", syl)
    tone = next((c for c in nfd if c in TONES), None)
    if tone is None:
        return syl
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
    low = bare.lower()
    idx = [i for i, c in enumerate(low) if c in _VOWELS]
    if not idx:
        return syl
    # "qu" and "gi" onsets: their u / i belong to the consonant when another vowel follows.
    if len(idx) > 1 and ((low.startswith("qu") and idx[0] == 1) or (low.startswith("gi") and idx[0] == 1)):
        idx = idx[1:]
    # The vowel nucleus is the first contiguous run of vowels.
    run = [idx[0]]
    for i in idx[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            break
    quality = [i for i in run if low[i] in _QUALITY]
    if quality:
        target = quality[-1]  # ươ takes it on ơ; every other nucleus has one such vowel
    elif len(run) == 1:
        target = run[0]
    elif run[-1] + 1 < len(low):  # a final consonant follows: tone on the last vowel
        target = run[-1]
    elif len(run) == 3:
        target = run[1]
    else:
        target = run[0]  # open two-vowel syllable, old style: hòa, thủy, mùa, khỏe
    chars = list(bare)
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def canonical(text: str) -> str:
    """NFC with every syllable's tone mark in the one canonical place (display case kept)."""
    return _WORD.sub(lambda m: _syllable_tone(m.group(0)), nfc(text))


def canonical_key(text: str) -> str:
    """Case-insensitive, tone-placement-insensitive, diacritics kept: the exact-match key."""
    return " ".join(canonical(text).lower().split())


# -- syllable shape ------------------------------------------------------------------------------
_INITIALS = ONSETS  # the onsets of the one syllable checker (ocr/syllables.py)
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_NUCLEI = frozenset(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iê",
        "iu",
        "oa",
        "oă",
        "oe",
        "oi",
        "ôi",
        "ơi",
        "oo",
        "ua",
        "uâ",
        "uê",
        "ui",
        "uô",
        "uơ",
        "uy",
        "ưa",
        "ưi",
        "ưu",
        "ươ",
        "yê",
        "iêu",
        "oai",
        "oay",
        "oao",
        "oeo",
        "uây",
        "uôi",
        "ươi",
        "ươu",
        "uya",
        "uyê",
        "uyu",
        "yêu",
    ]
)


def _strip_tone(word: str) -> tuple[str, int]:
    nfd = unicodedata.normalize("NFD", word)
    tones = sum(1 for c in nfd if c in TONES)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES)), tones


def is_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable (onset, vowel nucleus, coda,
    at most one tone mark). ``Nguyễn`` yes; ``Nguyeăn`` or ``Vaên`` (mis-decoded VNI) no."""
    bare, tones = _strip_tone(word.lower())
    if tones > 1 or not bare.isalpha():
        return False
    for ini in _INITIALS:
        if not bare.startswith(ini):
            continue
        rest = bare[len(ini) :]
        if ini in ("gi", "qu") and rest and rest[0] not in _VOWEL_CHARS:
            continue
        for fin in _FINALS:
            if fin and not rest.endswith(fin):
                continue
            nucleus = rest[: len(rest) - len(fin)] if fin else rest
            if nucleus in _NUCLEI or (ini == "gi" and nucleus == ""):
                return True
    return False


_VOWEL_CHARS = frozenset("aăâeêioôơuưy")

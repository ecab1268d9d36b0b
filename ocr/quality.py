"""How good a reading looks, judged without the truth: the measures that pick between passes.

A page read right is mostly confident words that are valid Vietnamese syllables (or numbers,
codes and abbreviations); a failed reading (wrong scale, noise or handwriting read as letters,
text erased by cleaning) has few words for its ink, low confidence and many impossible
syllables. ``assess`` reduces a word list to those measures and one ``score`` (the number of
trustworthy words, less a penalty for impossible ones) that compares two readings of the same
page; ``needs_retry`` says when a first reading is doubtful enough to try another pass (doubtful
syllables or confidence, or far fewer letters read than the page has letter-sized ink).

Guarantees: pure, cheap (no image work), never uses the truth.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ocr.syllables import is_valid
from ocr.types import Word

INNER_PUNCT = re.compile(r"[-/.,;:()]+")
ABBR_JOINERS = str.maketrans("", "", "-/.&")  # GD&ĐT, QĐ-UBND, TP.HCM
STRIP = ".,;:!?()[]{}\"'“”‘’«»-–—…/*"
MIN_CONF = 50.0  # a valid syllable read below this confidence does not count as good
RETRY_VALID_SHARE = 0.85  # fewer valid syllables than this among the letter words: retry
RETRY_CONF = 75.0  # a mean confidence below this: retry
BAD_WEIGHT = 0.7  # an impossible word costs this much of a good one
# Letters read per letter-sized ink component: 0.8-1.3 on pages read right (real and drawn
# scans, 70-300 dpi); below this, much of the printed ink was never read.
RETRY_COVERAGE = 0.55
MIN_INK_LETTERS = 100


def word_kind(text: str) -> str:
    """ "valid" (a Vietnamese syllable), "number" (digits, dates, codes), "abbr" (an upper-case
    abbreviation such as UBND, HĐND, QĐ-UBND), "bad" (letters that make no syllable), "punct"."""
    core = text.strip(STRIP)
    if not core:
        return "punct"
    if any(ch.isalpha() and not _vietnamese_letter(ch) for ch in core):
        return "bad"  # ø, ß, ÿ, Ñ...: letters Vietnamese never prints
    if any(ch.isdigit() for ch in core):
        letters = sum(ch.isalpha() for ch in core)
        code = all(ch.isupper() for ch in core if ch.isalpha())  # 1899/SGDĐT-CTTT, 12/QĐ-UBND
        return "number" if code or letters <= max(2, len(core) // 2) else "bad"
    parts = [p for p in INNER_PUNCT.split(core) if p]  # Ngày,tháng  Nam/Nữ  Hòa-Vang
    if parts and all(is_valid(p) for p in parts):
        return "valid"
    if core.translate(ABBR_JOINERS).isalpha() and core.isupper() and len(core) <= 12:
        return "abbr"
    return "bad"


VIET_MARKS = set("\u0300\u0301\u0309\u0303\u0323\u0306\u0302\u031b")


def _vietnamese_letter(ch: str) -> bool:
    """A Latin letter with none but Vietnamese marks (đ included)."""
    if ch in "đĐ":
        return True
    nfd = unicodedata.normalize("NFD", ch)
    return nfd[0].isascii() and nfd[0].isalpha() and all(m in VIET_MARKS for m in nfd[1:])


@dataclass(frozen=True)
class Quality:
    words: int
    letter_words: int  # words made of letters (valid or not)
    valid_share: float  # valid syllables / letter words (1.0 when there are none)
    mean_conf: float  # mean word confidence (0 when there are no words)
    good: int  # valid syllables and numbers read with at least MIN_CONF
    bad: int  # letter words that are no syllable, or any word read below 30
    score: float
    coverage: float | None = None  # letters read / letter-sized ink components on the page

    def as_dict(self) -> dict[str, float]:
        return {
            "words": self.words,
            "valid_share": round(self.valid_share, 3),
            "mean_conf": round(self.mean_conf, 1),
            "good": self.good,
            "bad": self.bad,
            "score": round(self.score, 1),
            **({} if self.coverage is None else {"coverage": round(self.coverage, 2)}),
        }


def assess(words: list[Word], ink_letters: int | None = None) -> Quality:
    """The measures of one reading; ``ink_letters``: letter-sized ink components counted on the
    page (``ocr.resolution.measure_text``), to tell how much of the ink was read at all."""
    kinds = [word_kind(w.text) for w in words]
    valid = sum(k == "valid" for k in kinds)
    letters = sum(k in ("valid", "bad") for k in kinds)
    good = sum(1 for w, k in zip(words, kinds, strict=True) if k in ("valid", "number", "abbr") and w.conf >= MIN_CONF)
    bad = sum(1 for w, k in zip(words, kinds, strict=True) if k == "bad" or (k != "punct" and w.conf < 30))
    conf = sum(w.conf for w in words) / len(words) if words else 0.0
    return Quality(
        words=len(words),
        letter_words=letters,
        valid_share=valid / letters if letters else 1.0,
        mean_conf=conf,
        good=good,
        bad=bad,
        score=good - BAD_WEIGHT * bad,
        coverage=_coverage(words, ink_letters),
    )


def _coverage(words: list[Word], ink_letters: int | None) -> float | None:
    if not ink_letters or ink_letters < MIN_INK_LETTERS:
        return None
    return sum(sum(ch.isalnum() for ch in w.text) for w in words) / ink_letters


def needs_retry(q: Quality) -> bool:
    """A reading worth a second opinion: most of the ink unread, or doubtful syllables or
    confidence."""
    if q.coverage is not None and q.coverage < RETRY_COVERAGE:
        return True  # most of the ink was not read: cleaning erased text, or segmentation failed
    if q.words == 0:
        return False
    return q.valid_share < RETRY_VALID_SHARE or q.mean_conf < RETRY_CONF

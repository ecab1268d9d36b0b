"""How good a reading looks, judged without the truth: the measures that pick between passes.

A page read right is mostly confident words that are valid Vietnamese syllables (or numbers,
codes and abbreviations); a failed reading (wrong scale, noise or handwriting read as letters,
text erased by cleaning) has few words for its ink, low confidence and many impossible
syllables. ``assess`` reduces a word list to those measures and one ``score`` (the number of
trustworthy words, less a penalty for impossible ones) that compares two readings of the same
page; ``needs_retry`` says when a first reading is doubtful enough to try another pass.

Guarantees: pure, cheap (no image work), never uses the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr.syllables import is_valid
from ocr.types import Word

STRIP = ".,;:!?()[]{}\"'“”‘’«»-–—…/*"
MIN_CONF = 50.0  # a valid syllable read below this confidence does not count as good
RETRY_VALID_SHARE = 0.85  # fewer valid syllables than this among the letter words: retry
RETRY_CONF = 75.0  # a mean confidence below this: retry
BAD_WEIGHT = 0.7  # an impossible word costs this much of a good one


def word_kind(text: str) -> str:
    """ "valid" (a Vietnamese syllable), "number" (digits, dates, codes), "abbr" (an upper-case
    abbreviation such as UBND, HĐND, QĐ-UBND), "bad" (letters that make no syllable), "punct"."""
    core = text.strip(STRIP)
    if not core:
        return "punct"
    if any(ch.isdigit() for ch in core):
        letters = sum(ch.isalpha() for ch in core)
        return "number" if letters <= max(2, len(core) // 2) else "bad"
    parts = [p for p in core.replace("-", " ").replace("/", " ").replace(".", " ").split() if p]
    if parts and all(is_valid(p) for p in parts):
        return "valid"
    if core.replace("-", "").replace("/", "").replace(".", "").isalpha() and core.isupper() and len(core) <= 12:
        return "abbr"
    return "bad"


@dataclass(frozen=True)
class Quality:
    words: int
    letter_words: int  # words made of letters (valid or not)
    valid_share: float  # valid syllables / letter words (1.0 when there are none)
    mean_conf: float  # mean word confidence (0 when there are no words)
    good: int  # valid syllables and numbers read with at least MIN_CONF
    bad: int  # letter words that are no syllable, or any word read below 30
    score: float

    def as_dict(self) -> dict[str, float]:
        return {
            "words": self.words,
            "valid_share": round(self.valid_share, 3),
            "mean_conf": round(self.mean_conf, 1),
            "good": self.good,
            "bad": self.bad,
            "score": round(self.score, 1),
        }


def assess(words: list[Word]) -> Quality:
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
    )


def needs_retry(q: Quality) -> bool:
    """A reading worth a second opinion: doubtful syllables or confidence (a page with no words
    at all is left alone: the blank detector already let it through, nothing to compare)."""
    if q.words == 0:
        return False
    return q.valid_share < RETRY_VALID_SHARE or q.mean_conf < RETRY_CONF

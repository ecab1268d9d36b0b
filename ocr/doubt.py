"""Words set aside from the text: noise read as letters, and handwriting.

Tesseract reads anything dark as text: toner speckle, fax streaks, a seal's lettering, a
signature, a hand-written fill-in. Such tokens are told apart from print by what they look like
to the recogniser and on the page, never by the truth:

* **junk**: letters that make no Vietnamese syllable, abbreviation or number, read unsure
  (below ``UNSURE_CONF``); an abbreviation read with almost no confidence (below
  ``JUNK_CONF``); or a valid syllable read unsure, or a number read with almost no confidence,
  whose box is far taller or shorter than the page's printed
  words (a stroke, a seal's ring read as a word). Unsure syllables and numbers of print size
  stay: a misread name costs less than a gap.
* **handwriting**: an unsure word whose ink is joined-up (far fewer connected pieces than
  letters: cursive), or whose letters vary in height like no typeface does. It is kept as a
  region (``handwritten``), not as text: no engine we can ship reads Vietnamese handwriting
  reliably, and junk in the index is worse than a marked gap the desk asks a clerk to type.

Guarantees: pure; a word read with confidence ``SURE_CONF`` or more is never set aside; the kept
words keep their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from ocr.quality import word_kind
from ocr.types import Word

JUNK_CONF = 25.0
UNSURE_CONF = 50.0
SURE_CONF = 70.0
HAND_PIECES_PER_LETTER = 0.5  # cursive: fewer connected pieces than this per letter
HAND_TALL = 1.6  # an unsure word this many times the print's height, with letters: handwriting


@dataclass(frozen=True)
class Aside:
    word: Word
    reason: str  # "junk" or "handwriting"

    def as_dict(self) -> dict[str, object]:
        w = self.word
        return {
            "text": w.text,
            "conf": round(w.conf, 1),
            "left": w.left,
            "top": w.top,
            "width": w.width,
            "height": w.height,
            "block": w.block,
            "par": w.par,
            "line": w.line,
            "reason": self.reason,
        }


def _print_height(words: list[Word]) -> float | None:
    sure = [w.height for w in words if w.conf >= 85 and word_kind(w.text) == "valid"]
    return float(median(sure)) if len(sure) >= 5 else None


def looks_handwritten(word: Word, image: np.ndarray | None) -> bool:
    """Joined-up or irregular ink in the word's box (``image``: the grey page it was read on)."""
    if image is None or word.width < 4 or word.height < 4:
        return False
    letters = sum(ch.isalnum() for ch in word.text)
    if letters < 3:
        return False
    crop = image[word.top : word.top + word.height, word.left : word.left + word.width]
    if crop.size == 0:
        return False
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    big = [s for s in stats[1:] if s[3] >= 0.3 * word.height]  # diacritics and specks left out
    if not big:
        return False
    if len(big) < HAND_PIECES_PER_LETTER * letters:
        return True
    heights = np.array([s[3] for s in big], dtype=np.float64)
    return len(big) >= 3 and float(heights.std() / max(heights.mean(), 1.0)) > 0.45


def is_junk_word(w: Word, print_height: float | None) -> bool:
    """Noise read as a word (see the module's rules); ``print_height``: the page's printed words'."""
    if w.conf >= UNSURE_CONF:
        return False
    kind = word_kind(w.text)
    if kind == "punct":
        return False
    if kind == "bad":
        return True
    # Syllables, abbreviations and numbers are kept when unsure (a misread name still beats a
    # gap) unless their box is no printed word's size.
    odd_size = print_height is not None and not 0.55 * print_height <= w.height <= 1.8 * print_height
    return (odd_size and (kind == "valid" or w.conf < JUNK_CONF)) or (kind == "abbr" and w.conf < JUNK_CONF)


def set_aside(words: list[Word], image: np.ndarray | None = None) -> tuple[list[Word], list[Aside]]:
    """(words kept as text, words set aside with the reason)."""
    ph = _print_height(words)
    kept: list[Word] = []
    aside: list[Aside] = []
    for w in words:
        reason = None
        if w.conf < SURE_CONF:
            if looks_handwritten(w, image):
                reason = "handwriting"
            elif is_junk_word(w, ph):
                # ink much taller than the print, read unsure: a pen's fill-in more often than noise
                tall = ph is not None and w.height >= HAND_TALL * ph and any(ch.isalpha() for ch in w.text)
                reason = "handwriting" if tall else "junk"
        if reason is None:
            kept.append(w)
        else:
            aside.append(Aside(w, reason))
    return kept, aside

"""A value's word boxes checked against its text: a box far wider than the characters read in it
held more than the recogniser returned (``03`` read ``3`` in a box two digits wide)."""

from __future__ import annotations

import re

from indexer.fields.extract import RawField

# A printed digit is at most ~0.75 of its height wide (measured on the dev pages: 0.55–0.75); a
# digits-only word whose box is this many heights wide per digit read held another character.
WIDE_PER_DIGIT = 1.1
LOST_DIGIT = "ô chữ số rộng hơn các chữ số đọc được: có thể thiếu chữ số"


def lost_digit(raw: RawField) -> bool:
    """Whether a digits-only word of the value is too wide for the digits read in it."""
    for t in raw.toks:
        h = t.y1 - t.y0
        if h > 0 and re.fullmatch(r"\d{1,4}", t.text) and (t.x1 - t.x0) > WIDE_PER_DIGIT * h * len(t.text):
            return True
    return False

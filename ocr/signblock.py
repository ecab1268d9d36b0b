"""The foot of an administrative letter read block by block, as a clerk reads it.

A công văn, thông báo or quyết định ends with two side-by-side blocks (Nghị định 30/2020/NĐ-CP):
the recipients ("Nơi nhận:" and its list) at the bottom left, the signer's title, seal and name
at the bottom right. Tesseract reads across the page, fusing them line by line
("Nơi nhận: TM. ỦY BAN NHÂN DÂN", "- Phòng Tư pháp huyện; CHỦ TỊCH"). From the line that starts
with "Nơi nhận" down, each line that splits at a wide gap into a left and a right part, or sits
wholly on one side, is given to its block; the left block is read first, then the right.

Only a foot anchored on "Nơi nhận" is reordered: side-by-side signature columns of a form
("Người đi khai sinh   Người thực hiện") stay one line.

Guarantees: pure; never drops or adds a word; lines before the anchor and from the first line
that spans the middle without a gap keep their order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ocr.types import Word

GAP_MM = 4.0  # a gap this wide on a line separates the two blocks
LEFT_END = 0.55  # the recipients block ends left of this share of the page width
RIGHT_START = 0.4  # the signer's block starts right of this share
ANCHOR_WORDS = 2  # "Nơi nhận:" (or what is left of it) is this short
# "Nơi nhận:" without its marks (and without tokens of marks only: specks); the recogniser may
# lose "Nơi" or a letter of it, or misread a letter of either.
ANCHOR = re.compile(r"^\W*(?:\w{1,3}\W*\s+)?nh\w{1,2}n\W*$")


def _plain(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def _extent(words: Sequence[Word]) -> tuple[int, int]:
    return min(w.left for w in words), max(w.left + w.width for w in words)


def split_blocks(line: Sequence[Word], page_w: int, gap: float) -> tuple[list[Word], list[Word]] | None:
    """(left part, right part) of a line at its widest gap of at least ``gap`` pixels with the
    left part ending and the right part starting where the two blocks lie; None without one."""
    words = sorted(line, key=lambda v: v.left)
    best, best_gap = None, gap
    for k in range(1, len(words)):
        left, right = words[:k], words[k:]
        end, start = _extent(left)[1], _extent(right)[0]
        if end <= LEFT_END * page_w and start >= RIGHT_START * page_w and start - end >= best_gap:
            best, best_gap = (left, right), start - end
    return best


def is_anchor(line: Sequence[Word], page_w: int, gap: float) -> bool:
    """A line that starts with "Nơi nhận:", alone or followed, across a wide gap, by anything
    (the signer's block, specks read as letters)."""
    words = [w for w in sorted(line, key=lambda v: v.left) if any(ch.isalnum() for ch in w.text)]
    for k in range(1, min(ANCHOR_WORDS, len(words)) + 1):
        head, rest = words[:k], words[k:]
        end = _extent(head)[1]
        if end > LEFT_END * page_w or (rest and rest[0].left - end < gap):
            continue
        if ANCHOR.match(_plain(" ".join(w.text for w in head))):
            return True
    return False


def recipients_first(lines: list[list[Word]], page_w: int, mm: float) -> list[list[Word]]:
    """The page's lines with the letter's foot read block by block (see the module)."""
    gap = GAP_MM * mm
    start = next((i for i, ln in enumerate(lines) if ln and is_anchor(ln, page_w, gap)), None)
    if start is None:
        return lines
    left: list[list[Word]] = []
    right: list[list[Word]] = []
    end = start
    for line in lines[start:]:
        x0, x1 = _extent(line)
        parts = split_blocks(line, page_w, gap)
        if parts is not None:
            left.append(parts[0])
            right.append(parts[1])
        elif x1 <= LEFT_END * page_w:
            left.append(line)
        elif x0 >= RIGHT_START * page_w:
            right.append(line)
        else:
            break
        end += 1
    if not right:
        return lines
    return lines[:start] + left + right + lines[end:]

"""From OCR words with boxes to tokens and visual lines.

Tokens are cleaned words: NFC, dotted leaders and table rules stripped, a word glued across a
colon or a cell rule split in two (``tộc:Kinh`` → ``tộc:`` ``Kinh``, ``MẤT|Cháu`` → ``MẤT:``
``Cháu``), specks (tiny, zero-confidence) dropped. Lines are built from geometry, not from
Tesseract's block numbers, so the cells of one table row or two side-by-side blocks share a line;
each token keeps its box, so callers can still cut a line by x (columns).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from indexer.vntext import fold, nfc

_LEADER_CHARS = ".…·_‥•"
_LEADER_RUN = re.compile(r"[.…·_‥•]{2,}")
_JUNK_ONLY = re.compile(r"^[\s.…·_‥•|¦`'\"“”‘’,;:~^*°=+\-—–/\\\[\](){}<>«»!?⁄]*$")
_EDGE_JUNK = '|¦`~^*°=_…·‥•"“”‘’[]{}<>«»!¡?¿'
_ATOM = re.compile(r"[0-9a-zđ]+")
# dots or commas+dots glued between two words ("Nam,.xã.Phước") are leaders, not text
_DOT_BETWEEN = re.compile(r"(?<=[^\W\d_]),?[.…·]+(?=[^\W_])|,[.…·]+(?=\S)|^[.…·]+(?=[^\W\d_])")
_BAR_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])[;:,.]?[|¦](?=\w)")
_BAR_INSIDE = re.compile(r"(?<=\w)[|¦](?=\w)")
_COLON_SPLIT = re.compile(r"^(.*?[^\W\d_][^:]*?):+(?=\S)(.+)$")


@dataclass
class Tok:
    text: str
    conf: float
    x0: int
    y0: int
    x1: int
    y1: int
    colon: bool = False  # the word ended with ':' (a label's end)
    tline: tuple[int, int, int] = (0, 0, 0)  # Tesseract's (block, paragraph, line)

    @cached_property
    def atoms(self) -> list[str]:
        """Folded letter-and-digit runs of the text (computed once: a token's text never changes)."""
        return _ATOM.findall(fold(self.text))

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1 - self.x0, self.y1 - self.y0)


@dataclass
class Line:
    toks: list[Tok] = field(default_factory=list)

    @property
    def x0(self) -> int:
        return min(t.x0 for t in self.toks)

    @property
    def x1(self) -> int:
        return max(t.x1 for t in self.toks)

    @property
    def y0(self) -> int:
        return int(statistics.median(t.y0 for t in self.toks))

    @property
    def y1(self) -> int:
        return int(statistics.median(t.y1 for t in self.toks))

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)

    def cut(self, x_from: float, x_to: float) -> Line:
        """The tokens whose left edge lies in [x_from, x_to)."""
        return Line([t for t in self.toks if x_from <= t.x0 < x_to])


@dataclass
class Page:
    lines: list[Line]
    char_h: float  # median token height: the page's text size
    left: int  # text block's left and right edges
    right: int
    width: int
    height: int

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def clean_word(text: str) -> str:
    """A word without leader dots or rule fragments around it ('' when nothing is left)."""
    t = nfc(text).replace("„", ",").replace("‚", ",").strip()
    t = _LEADER_RUN.sub(" ", t).strip()
    t = t.strip(_EDGE_JUNK).strip()
    t = t.lstrip(".").strip() if len(t) > 1 and not t.lstrip(".")[:1].isdigit() else t
    if (_JUNK_ONLY.match(t) or not any(unicodedata.category(c) in ("Lu", "Ll", "Lo", "Nd") for c in t)) and t not in (
        "-",
        "–",
    ):
        return ""
    return t


def to_tokens(words: Sequence[object]) -> list[Tok]:
    """Words (``ocr.types.Word`` or its ``as_row()`` list) to cleaned tokens."""
    toks: list[Tok] = []
    for w in words:
        if isinstance(w, (list, tuple)):
            text, conf, left, top, width, height = w[0], float(w[1]), int(w[2]), int(w[3]), int(w[4]), int(w[5])
            tline = tuple(int(x) for x in w[6:9]) if len(w) >= 9 else (0, 0, 0)
        else:
            text, conf, left, top, width, height = w.text, float(w.conf), w.left, w.top, w.width, w.height  # type: ignore[attr-defined]
            tline = (w.block, w.par, w.line)  # type: ignore[attr-defined]
        raw = _DOT_BETWEEN.sub(lambda m: ", " if "," in m.group(0) else " ", nfc(str(text)))
        # a cell rule read as a bar inside a word parts a label from its value (``MẤT|Cháu``)
        raw = _BAR_AFTER_LETTER.sub(": ", raw)
        raw = _BAR_INSIDE.sub(" ", raw)
        pieces = [q for p in raw.split() for q in _split_colon(p)] or [raw]
        total = sum(len(p) for p in pieces) or 1
        x = left
        for piece in pieces:
            pw = max(1, round(width * len(piece) / total))
            cleaned = clean_word(piece)
            if not cleaned and ":" in piece and toks:
                toks[-1].colon = True  # a colon OCR'd as its own word
            if cleaned:
                colon = piece.rstrip(_LEADER_CHARS + " |").endswith(":")
                toks.append(Tok(cleaned, conf, x, top, x + pw, top + height, colon, tline))  # type: ignore[arg-type]
            x += pw
    return toks


def _split_colon(raw: str) -> list[str]:
    m = _COLON_SPLIT.match(raw)
    if not m:
        return [raw]
    head, tail = m.group(1) + ":", m.group(2)
    if head[:-1].replace(".", "").isdigit() and tail[:1].isdigit():
        return [raw]  # 08:30
    return [head] + _split_colon(tail)


def build_page(words: Sequence[object], width: int = 0, height: int = 0) -> Page:
    toks = to_tokens(words)
    if not toks:
        return Page([], 20.0, 0, width, width, height)
    heights = [t.h for t in toks if any(c.isalnum() for c in t.text)] or [t.h for t in toks]
    h = float(statistics.median(heights))
    # a speck left of a rule or a stamp: far smaller than the text and read with no confidence
    toks = [t for t in toks if not (t.h < 0.4 * h and t.conf < 30)] or toks
    lines = group_lines(toks, h)
    rights = sorted(line.x1 for line in lines)
    lefts = sorted(line.x0 for line in lines)
    right = rights[int(len(rights) * 0.9)] if rights else width
    left = lefts[int(len(lefts) * 0.1)] if lefts else 0
    return Page(lines, h, left, right, width or (max(t.x1 for t in toks)), height or max(t.y1 for t in toks))


def _center(t: Tok, h: float) -> float:
    if t.h > 1.6 * h:  # a tall box (marks, noise): trust its bottom, the baseline
        return t.y1 - 0.45 * h
    return (t.y0 + t.y1) / 2


def group_lines(toks: list[Tok], h: float) -> list[Line]:
    """Tokens to visual lines: Tesseract's lines first (robust to one odd box; their words stay in
    Tesseract's reading order even when a box is too wide), then the lines that stand at the same
    height side by side (table cells, two blocks) joined left to right."""
    by_tl: dict[tuple[int, int, int], list[Tok]] = {}
    for t in toks:
        by_tl.setdefault(t.tline, []).append(t)
    pieces: list[Line] = []
    for key, group in by_tl.items():
        if key == (0, 0, 0):
            pieces.extend(_geometric(group, h))
        else:
            pieces.extend(_split_tall(Line(list(group)), h))
    pieces.sort(key=lambda ln: _line_center(ln, h))
    merged: list[list[Line]] = []
    for piece in pieces:
        c = _line_center(piece, h)
        target = None
        for group in reversed(merged[-6:]):
            joined = Line([t for p in group for t in p.toks])
            if abs(_line_center(joined, h) - c) <= 0.45 * h and not any(_overlaps(joined, t) for t in piece.toks):
                target = group
                break
        if target is None:
            merged.append([piece])
        else:
            target.append(piece)
    lines = [Line([t for p in sorted(group, key=lambda p: p.x0) for t in p.toks]) for group in merged]
    lines.sort(key=lambda ln: _line_center(ln, h))
    return lines


def _line_center(line: Line, h: float) -> float:
    return statistics.median(_center(t, h) for t in line.toks)


def _split_tall(line: Line, h: float) -> list[Line]:
    """A Tesseract line spanning two printed lines (rare) is cut where its words' centres jump.
    Words of the text's height decide: a tall box among them (a word fused with the underscore
    leader under it, or with a mark above) stays in the line Tesseract put it in."""
    cs = [_center(t, h) for t in line.toks if t.h <= 1.6 * h] or [_center(t, h) for t in line.toks]
    if max(cs) - min(cs) <= 1.2 * h:
        return [line]
    return _geometric(line.toks, h)


def _geometric(toks: list[Tok], h: float) -> list[Line]:
    order = sorted(toks, key=lambda t: _center(t, h))
    lines: list[tuple[list[float], Line]] = []
    for t in order:
        c = _center(t, h)
        best = None
        for centers, line in reversed(lines[-6:]):
            mean = sum(centers) / len(centers)
            if abs(c - mean) <= 0.42 * h and not _overlaps(line, t):
                best = (centers, line)
                break
        if best is None:
            lines.append(([c], Line([t])))
        else:
            best[0].append(c)
            best[1].toks.append(t)
    out = []
    for _, line in lines:
        line.toks.sort(key=lambda t: t.x0)
        out.append(line)
    return out


def _overlaps(line: Line, t: Tok) -> bool:
    """True when ``t`` sits on top of a token already in ``line`` (a second text line there)."""
    for o in line.toks:
        inter = min(o.x1, t.x1) - max(o.x0, t.x0)
        if inter > 0.5 * min(o.x1 - o.x0, t.x1 - t.x0):
            return True
    return False

"""Hand-built OCR word lists with boxes, for testing the field reader without Tesseract."""

from __future__ import annotations

from ocr.types import Word

CHAR_W = 14
LINE_H = 46
WORD_H = 28
LEFT = 120


def line(text: str, x: int = LEFT) -> list[tuple[int, str]]:
    return [(x, text)]


def words_from_lines(lines: list[str | list[tuple[int, str]] | None], conf: float = 95.0) -> list[Word]:
    """Each item is one printed line: a string at the left margin, a list of (x, text) cells on
    the same line (each cell its own Tesseract block, like table cells), or None (an empty line)."""
    out: list[Word] = []
    for i, item in enumerate(lines):
        if item is None:
            continue
        y = 100 + i * LINE_H
        cells = [(LEFT, item)] if isinstance(item, str) else item
        for c, (x, text) in enumerate(cells):
            for w in text.split():
                width = len(w) * CHAR_W
                out.append(Word(w, conf, x, y, width, WORD_H, i * 10 + c + 1, 1, 1))
                x += width + CHAR_W
    return out


HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def words_at(items: list[tuple[int, float, str]], conf: float = 95.0) -> list[Word]:
    """Words placed freely: (x, y, text) — for table cells centred between printed lines. Each item
    is its own Tesseract block, like a table cell."""
    out: list[Word] = []
    for n, (x0, y, text) in enumerate(items):
        x = x0
        for w in text.split():
            width = len(w) * CHAR_W
            out.append(Word(w, conf, x, round(y), width, WORD_H, n + 1, 1, 1))
            x += width + CHAR_W
    return out

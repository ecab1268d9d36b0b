"""Hand-built OCR word lists with boxes, for testing the field reader without Tesseract."""

from __future__ import annotations

from indexer.fields.reading import DocumentReading
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


def check_marriage_values(r: DocumentReading) -> dict[str, str]:
    """The values of the invented marriage declaration both table tests draw (bride NGUYỄN THỊ SEN,
    groom HOÀNG ANH QUÝ), whatever its layout; returns them for the caller's own checks."""
    v = r.values()
    assert r.doc_type == "to_khai_dang_ky_ket_hon"
    assert v["bride_name"] == "NGUYỄN THỊ SEN" and v["groom_name"] == "HOÀNG ANH QUÝ"
    assert v["bride_birth_date"] == "24/03/2002" and v["groom_birth_date"] == "02/10/1988"
    assert v["bride_ethnicity"] == "Kinh" and v["groom_ethnicity"] == "Tày"
    assert v["bride_residence"] == "Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"
    assert v["groom_residence"] == "Xóm 7, xã Thuận An, huyện Gia Lộc, tỉnh Hải Dương"
    assert v["bride_id_doc"] == "CCCD số 030302114779, cấp ngày 31/10/2020"
    assert v["groom_id_doc"] == "CCCD số 030088437443, cấp ngày 09/04/2017"
    assert v["bride_marriage_count"] == "Lần đầu" and v["groom_marriage_count"] == "Lần thứ hai"
    assert v["signed_place_date"] == "xã Phú Lộc, ngày 01 tháng 02 năm 2020"
    return v

"""A digits-only word whose box is far wider than the digits read in it lost one: the field is
flagged (and looked at again), never passed as sure. Box sizes are those Tesseract gave on a dev
page at 300 dpi: '03 ngày làm việc' read '3' in a 54×39 px box; printed digits measure 0.55–0.75
of their height per digit."""

from __future__ import annotations

import pytest

from indexer.fields.extract import RawField
from indexer.fields.glyphs import LOST_DIGIT, lost_digit
from indexer.fields.layout import Tok


def _raw(words: list[tuple[str, int, int]]) -> RawField:
    toks, x = [], 100
    for text, w, h in words:
        toks.append(Tok(text, 90.0, x, 0, x + w, h))
        x += w + 18
    return RawField("processing_time", "text", toks)


@pytest.mark.parametrize(
    ("words", "lost"),
    [
        ([("3", 54, 39), ("ngày", 106, 50), ("làm", 75, 40), ("việc", 88, 46)], True),  # '03' read '3'
        ([("03", 54, 39), ("ngày", 106, 50), ("làm", 75, 40), ("việc", 88, 46)], False),
        ([("2021", 98, 36)], False),
        ([("1", 14, 39)], False),
        ([("202", 98, 36)], False),  # 0.91 per digit: wide, but within what a wide face prints
        ([("20", 98, 36)], True),
    ],
)
def test_a_digit_word_too_wide_for_its_digits_lost_one(words: list[tuple[str, int, int]], lost: bool) -> None:
    assert lost_digit(_raw(words)) is lost


def test_the_reader_flags_a_value_that_lost_a_digit() -> None:
    from indexer.fields.reader import read_document

    rows = []
    for text, x0, w in [("Thời", 346, 92), ("gian", 454, 81), ("giải", 552, 69), ("quyết:", 636, 108), ("3", 760, 54)]:
        rows.append([text, 96.0, x0, 1514, w, 39, 1, 1, 1])
    rows += [["ngày", 96.0, 830, 1512, 106, 39, 1, 1, 1], ["làm", 96.0, 950, 1512, 75, 39, 1, 1, 1]]
    rows += [["việc", 96.0, 1040, 1512, 88, 39, 1, 1, 1]]
    head = [["GIẤY", 96.0, 800, 300, 150, 50, 1, 1, 0], ["TIẾP", 96.0, 970, 300, 130, 50, 1, 1, 0]]
    head += [["NHẬN", 96.0, 1120, 300, 150, 50, 1, 1, 0], ["HỒ", 96.0, 1290, 300, 80, 50, 1, 1, 0]]
    head += [["SƠ", 96.0, 1390, 300, 80, 50, 1, 1, 0], ["VÀ", 96.0, 1490, 300, 80, 50, 1, 1, 0]]
    head += [["HẸN", 96.0, 1590, 300, 110, 50, 1, 1, 0], ["TRẢ", 96.0, 1720, 300, 110, 50, 1, 1, 0]]
    head += [["KẾT", 96.0, 1850, 300, 110, 50, 1, 1, 0], ["QUẢ", 96.0, 1980, 300, 110, 50, 1, 1, 0]]
    reading = read_document(head + rows, width=2480, height=3508)
    f = reading.fields.get("processing_time")
    assert f is not None and f.value == "3 ngày làm việc"
    assert f.needs_review and LOST_DIGIT in f.review_reasons

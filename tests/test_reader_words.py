"""The field reader sees the words the OCR stage set aside (junk, handwriting) as doubtful words: a
value holding one is read whole and marked for review, never silently short of a word."""

from __future__ import annotations

from ocr.doubt import Aside
from ocr.types import PageResult
from sohoa.tasks import DOUBTFUL_CONF, read_page, reader_words
from tests.fieldpages import words_from_lines


def _result(lines: list[str], aside_text: str) -> PageResult:
    words = words_from_lines(lines)
    doubtful = next(w for w in words if w.text == aside_text)
    kept = [w for w in words if w is not doubtful]
    return PageResult(
        text="",
        words=kept,
        mean_conf=90.0,
        rotation=0,
        rotation_conf=None,
        skew_deg=0.0,
        blank=False,
        width=2000,
        height=2800,
        dpi=200,
        engine="test",
        set_aside=[Aside(doubtful, "junk").as_dict()],
    )


LINES = [
    "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
    "Kính gửi: Ủy ban nhân dân xã Phú Lộc",
    "Họ, chữ đệm, tên người yêu cầu: NGUYỄN VĂN AN",
    "Giấy tờ tùy thân: CCD số 030302114779, cấp ngày 31/10/2020",
]


def test_a_word_set_aside_comes_back_to_the_reader_doubtful_and_in_place() -> None:
    r = _result(LINES, "CCD")
    words = reader_words(r)
    back = [w for w in words if w.text == "CCD"]
    assert len(back) == 1 and back[0].conf <= DOUBTFUL_CONF
    assert [w.text for w in words] == " ".join(LINES).split()  # Tesseract's order kept


def test_a_value_holding_a_set_aside_word_is_read_whole_and_marked_for_review() -> None:
    reading = read_page(_result(LINES, "CCD"))
    assert reading is not None
    f = reading.fields["requester_id_doc"]
    # read whole (the doubtful word back in place; its impossible abbreviation then repaired, shown)
    assert f.value.startswith("CCCD số 030302114779") and f.raw.startswith("CCD số") and f.needs_review


def test_nothing_set_aside_leaves_the_words_as_they_are() -> None:
    r = _result(LINES, "CCD")
    r.set_aside = []
    assert reader_words(r) is r.words

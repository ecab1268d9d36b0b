"""The place and date a form was made, printed without "Làm tại:" — in the header beside
"Số: …" (a vendor's layout) or above the signature (the official "……, ngày … tháng … năm …").
Hand-built words (no Tesseract): what each rule of indexer/fields/placedate.py guarantees."""

from __future__ import annotations

from indexer.fields import read_document
from tests.fieldpages import HEADER, words_from_lines

BODY = [
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân xã Nghĩa Dũng, tỉnh Quảng Ngãi",
    "Họ, chữ đệm, tên người yêu cầu: TRẦN THỊ MAI",
    "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
    "Ngày, tháng, năm sinh: 15/08/2024",
    "Ghi bằng chữ: Ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi bốn",
    "Giới tính: Nam",
]


def test_beside_the_number_in_the_header_the_number_stays_out() -> None:
    words = words_from_lines([[(120, "Số: 100/2024"), (1300, "Nghĩa Dũng, ngày 23 tháng 09 năm 2024")], *HEADER, *BODY])
    f = read_document(words).fields["signed_place_date"]
    assert f.value == "Nghĩa Dũng, ngày 23 tháng 09 năm 2024"


def test_above_the_signature_the_last_such_line_wins() -> None:
    words = words_from_lines(
        [*HEADER, *BODY, "Tôi cam đoan nội dung trên đây là đúng sự thật.", "xã Nghĩa Dũng, ngày 23 tháng 09 năm 2024"]
    )
    assert read_document(words).fields["signed_place_date"].value == "xã Nghĩa Dũng, ngày 23 tháng 09 năm 2024"


def test_a_labelled_one_a_date_in_words_or_no_place_give_no_guess() -> None:
    labelled = words_from_lines([*HEADER, *BODY, "Làm tại: Nghĩa Dũng, ngày 23 tháng 09 năm 2024"])
    f = read_document(labelled).fields["signed_place_date"]
    assert f.label.startswith("Làm tại") and f.value == "Nghĩa Dũng, ngày 23 tháng 09 năm 2024"
    in_words = read_document(words_from_lines([*HEADER, *BODY])).fields
    assert "signed_place_date" not in in_words  # the birth date in words is not a place-date
    no_place = read_document(words_from_lines([*HEADER, *BODY, "ngày 23 tháng 09 năm 2024"])).fields
    assert "signed_place_date" not in no_place

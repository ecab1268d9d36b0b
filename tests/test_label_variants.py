"""Learning a vendor's label wording from one correction: the printed label before a corrected
value is found on the page, proposed, and read as that field's label once an admin accepts it —
never before. Real files in a temporary data folder; words hand-built (no Tesseract)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import labelvariants as lv
from indexer.fields import read_document
from indexer.fields.catalogue import load
from tests.fieldpages import LEFT, LINE_H, words_from_lines

RECEIPT = "giay_tiep_nhan_ho_so"


def _receipt() -> list:
    return words_from_lines(
        [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.31.22.H56-240312-0007",
            "Tiếp nhận hồ sơ của: Đinh Thị Mơ",
            "Địa chỉ: Xóm 3, xã An Phú, huyện Mỹ Lộc, tỉnh Nam Định",
            "Di động: 0912345678",
            "Giới tính: Nữ Tôn giáo: Không",
        ]
    )


def test_printed_label_before_a_value_by_its_box_or_by_its_words() -> None:
    words = _receipt()
    r = read_document(words)
    applicant = r.fields["applicant"]
    found = lv.printed_label(words, applicant.boxes)
    assert found is not None and found.text == "Tiếp nhận hồ sơ của"
    assert found.box[:2] == (LEFT, 100 + 2 * LINE_H)
    # a field the reader did not find: the clerk's value is looked up in the page's words
    phone = lv.printed_label(words, value="0912345678")
    assert phone is not None and phone.text == "Di động"
    # two pairs on one line: only the words of the label right before the value
    religion = lv.printed_label(words, value="Không")
    assert religion is not None and religion.text == "Tôn giáo"
    assert lv.printed_label(words, value="không có trên trang") is None


def test_an_accepted_variant_is_read_and_a_proposed_one_is_not(tmp_path: Path) -> None:
    words = _receipt()
    assert "applicant_phone" not in read_document(words).fields  # the catalogue does not know "Di động:"
    label = lv.printed_label(words, value="0912345678")
    assert label is not None
    entry = lv.propose(tmp_path, RECEIPT, "applicant_phone", label.text, "canbo1")
    assert entry is not None and entry["status"] == "proposed" and entry["label"] == "Di động:"
    again = lv.propose(tmp_path, RECEIPT, "applicant_phone", "Di  động:", "canbo2")
    assert again is not None and again["count"] == 2 and len(lv.read(tmp_path)) == 1
    overlay = lv.overlay_path(tmp_path)
    cat = load(overlay=overlay)
    assert "applicant_phone" not in read_document(words, catalogue=cat).fields  # not until accepted
    assert [v["label"] for v in lv.pending(tmp_path)] == ["Di động:"]
    lv.accept(tmp_path, RECEIPT, "applicant_phone", "Di động", "quantri")
    cat = load(overlay=overlay)
    f = read_document(words, catalogue=cat).fields["applicant_phone"]
    assert f.value == "0912345678" and f.label == "Di động:"
    assert lv.pending(tmp_path) == [] and lv.read(tmp_path)[0]["decided_by"] == "quantri"
    # the default catalogue (no overlay named) is unchanged
    assert "applicant_phone" not in read_document(words).fields


def test_known_wordings_are_not_proposed_and_bad_input_is_refused(tmp_path: Path) -> None:
    assert lv.propose(tmp_path, RECEIPT, "applicant_phone", "Số điện thoại:", "canbo1") is None
    assert lv.propose(tmp_path, RECEIPT, "applicant_phone", "SỐ ĐIỆN THOẠI", "canbo1") is None
    assert not lv.overlay_path(tmp_path).exists()
    with pytest.raises(ValueError):
        lv.propose(tmp_path, "khong_co", "applicant_phone", "Di động", "canbo1")
    with pytest.raises(ValueError):
        lv.propose(tmp_path, RECEIPT, "khong_co", "Di động", "canbo1")
    with pytest.raises(LookupError):
        lv.accept(tmp_path, RECEIPT, "applicant_phone", "Chưa đề xuất", "quantri")
    lv.propose(tmp_path, RECEIPT, "applicant_phone", "Di động", "canbo1")
    lv.reject(tmp_path, RECEIPT, "applicant_phone", "Di động", "quantri")
    words = _receipt()
    assert "applicant_phone" not in read_document(words, catalogue=load(overlay=lv.overlay_path(tmp_path))).fields

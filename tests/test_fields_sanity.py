"""Shape checks: a value no printed value of its kind looks like is flagged with why, and kept as
read. The flagged examples are what damaged copies (augraphy fold, photocopy, fax) of the tune
forms produced and the reader passed unflagged; the kept ones are right values of the same kinds."""

from __future__ import annotations

import pytest

from indexer.fields import sanity
from indexer.fields.catalogue import load
from indexer.fields.reading import FieldReading

NOTICE_LABELS = load().get("to_khai_dang_ky_khai_tu").field("death_notice").labels  # type: ignore[union-attr]


def _check(value: str, kind: str, labels: tuple[str, ...] = ()) -> FieldReading:
    f = FieldReading("x", value, value)
    sanity.check(f, kind, labels)
    return f


@pytest.mark.parametrize(
    ("value", "kind", "why"),
    [
        ("10 giờ lờ 10 phút, ngày 06/09/2018", "datetime", "chữ lạ trong ngày giờ"),
        ("(21/03/1988", "date", "dấu ngoặc lẻ"),
        ("014098204451, cấp ngày Í 11/09/2020", "id_doc", "giữa “ngày” và ngày tháng"),
        ("CCCD: số 084066485709, cấp ngày 09/12/2017", "id_doc", "dấu “:” lạ"),
        ("số 089196340483, cấp ngày 24/04/2016", "id_doc", "không thấy loại giấy tờ"),
        ("CCCD Số 004090759869, cấp ngày 09/02/2017", "id_doc", "chữ hoa/thường chưa chắc"),
        ("CCCD số 001180255827, cấp 014098204451, cấp ngày 21/08/2018", "id_doc", "hai số giấy tờ"),
        ("Bản 12, Xã Na Loi, Huyện Kỳ Sơn, Tỉnh", "place", "thiếu tên"),
        ("Bệnh viện Đa khoa tỉnh Sơn-La", "place", "gạch nối lạ"),
        ("Số 219, ngõ 79, Tổ dân phố 24, Số 219, ngõ 79, Tổ dân phố phường Đoàn Kết", "place", "lặp lại"),
        ("xã Tân Hội, huyện, ngày 02 tháng 3 năm 2020", "place_date", "thiếu tên"),
        ("Thân 6, Xã Mỹ Sơn, Huyện Đô Lương, Tỉnh Nghệ An", "place", "có thể là thôn"),  # a valid word, not a unit
        ("số 194, tổ 6, phường Tân Hòa, thành phố guôn Ma Thuột, tỉnh Đắk Lắk", "place", "không viết hoa"),
        ("Số 216/GBT do Trạm Y tế phường Tân Hòa cấp ngày ö7/06/2016", "paper_ref", "chữ dính vào ngày"),
    ],
)
def test_a_value_no_print_looks_like_is_flagged_and_kept(value: str, kind: str, why: str) -> None:
    f = _check(value, kind)
    assert f.value == value
    assert f.needs_review and any(why in r for r in f.review_reasons), f.review_reasons


def test_a_residence_with_no_commune_district_or_province_was_cut() -> None:
    f = FieldReading("applicant_address", "Ấp Hòa", "Ấp Hòa")
    sanity.check(f, "place")
    assert any("có thể bị cắt" in r for r in f.review_reasons)
    whole = "Ấp Hòa Bình, xã Bông Trang, huyện Xuyên Mộc, tỉnh Bà Rịa - Vũng Tàu"
    g = FieldReading("applicant_address", whole, whole)
    sanity.check(g, "place")
    assert g.review_reasons == []
    birth = FieldReading("child_birth_place", "Tại nhà", "Tại nhà")  # a place, not an address: no unit needed
    sanity.check(birth, "place")
    assert birth.review_reasons == []


def test_the_label_s_own_words_taken_as_the_value_are_flagged() -> None:
    f = _check("Giấy tờ thay thế", "paper_ref", NOTICE_LABELS)
    assert any("chữ của nhãn" in r for r in f.review_reasons)
    assert any("không thấy số giấy tờ" in r for r in f.review_reasons)


def test_a_death_notice_starting_with_a_small_so_is_case_unsure() -> None:
    f = _check("số 62/GBT do Trạm Y tế xã Liên Hợp cấp ngày 08/08/2018", "paper_ref", NOTICE_LABELS)
    assert any("chữ hoa/thường" in r for r in f.review_reasons)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("08 giờ 30 phút, ngày 30/03/2023", "datetime"),
        ("8h30 ngày 30/3/2023", "datetime"),
        ("10 giờ 15 phút, Thứ Năm, ngày 05/06/2025", "datetime"),
        ("21/03/1988", "date"),
        ("01 (bộ)", "count"),
        ("(028) 3823 4567", "phone"),
        ("Thẻ CCCD số 027177435539 do Cục Cảnh sát QLHC về TTXH cấp ngày 25/05/2020", "id_doc"),
        ("CMND số 368443410 do Công an tỉnh Thái Bình cấp ngày 16/12/2019", "id_doc"),
        ("014098204451, cấp ngày 11/09/2020", "id_doc"),
        ("Số 219, ngõ 79, Tổ dân phố 24, phường Đoàn Kết, thị xã Ayun Pa, tỉnh Gia Lai", "place"),
        ("phường Phan Rang-Tháp Chàm, tỉnh Ninh Thuận", "place"),
        ("thành phố Cà Mau, tỉnh Cà Mau", "place"),
        ("xã Thạch Bàn, huyện Cam Lộ, tỉnh Quảng Trị", "place"),
        ("xã Vĩnh Hậu, ngày 10 tháng 11 năm 2019", "place_date"),
        ("Thôn 6, Xã Mỹ Sơn, Huyện Đô Lương, Tỉnh Nghệ An", "place"),
        ("Lô 5, Khu phố 11, phường 6, quận 3", "place"),
        ("thị trấn Nông trường Liên Sơn, huyện Văn Chấn", "place"),
        ("xã Ia RVê, huyện Ea Súp, tỉnh Đắk Lắk", "place"),
    ],
)
def test_right_values_of_each_kind_are_not_flagged(value: str, kind: str) -> None:
    assert _check(value, kind, NOTICE_LABELS).review_reasons == []


def test_a_right_death_notice_is_not_its_label() -> None:
    assert (
        _check("Số 62/GBT do Trạm Y tế xã Liên Hợp cấp ngày 08/08/2018", "paper_ref", NOTICE_LABELS).review_reasons
        == []
    )


def test_two_people_who_cannot_be_one_read_alike_are_both_flagged() -> None:
    from indexer.fields.crosscheck import check_order

    dtype = load().get("giay_tiep_nhan_ho_so")
    assert dtype is not None
    same = {
        "applicant": FieldReading("applicant", "Trần Ngọc Lai", "Trần Ngọc Lai"),
        "receiver": FieldReading("receiver", "TRẦN NGỌC LAI", "TRẦN NGỌC LAI"),  # the citizen's name, not the clerk's
    }
    check_order(same, dtype)
    assert all(any("trùng với" in r for r in f.review_reasons) for f in same.values())
    other = {
        "applicant": FieldReading("applicant", "Trần Ngọc Lai", "Trần Ngọc Lai"),
        "receiver": FieldReading("receiver", "Nguyễn Thị Kim Thắm", "Nguyễn Thị Kim Thắm"),
    }
    check_order(other, dtype)
    assert not any(f.review_reasons for f in other.values())


def test_a_field_doubted_only_for_confidence_is_confirmed_by_an_agreeing_second_read() -> None:
    from indexer.fields.reader import REREAD_CONFIRMED, confirm_by_reread, confirm_candidates, reread_agrees
    from indexer.fields.reading import DocumentReading

    r = DocumentReading("giay_tiep_nhan_ho_so")
    unsure = FieldReading("processing_time", "03 ngày làm việc", "03 ngày làm việc", boxes=[(10, 10, 200, 30)])
    unsure.review("có chữ nhận dạng kém")
    repaired = FieldReading("applicant", "Trần Ngọc Lai", "Trần Ngọc Lai", boxes=[(10, 50, 200, 30)])
    repaired.review("“Trầah” không phải âm tiết tiếng Việt, sửa thành “Trần”")
    r.fields = {"processing_time": unsure, "applicant": repaired}
    assert confirm_candidates(r) == ["processing_time"]  # a repair is never lifted by a second read
    assert not reread_agrees(r, "processing_time", "93 ngày làm việc")  # another value: no confirmation
    assert reread_agrees(r, "processing_time", "03 ngày làm việc")
    assert confirm_by_reread(r, "processing_time")
    assert not unsure.needs_review and REREAD_CONFIRMED in unsure.confirmed
    assert not confirm_by_reread(r, "applicant") and repaired.needs_review

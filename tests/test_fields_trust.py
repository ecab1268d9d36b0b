"""The trust rule: a right reading is never changed by a lexicon; a repair happens only where the
reading is impossible, towards exactly one candidate, and is always shown (raw kept, reason
recorded, field flagged); values stay as printed with their parsed parts beside them.

Each example below was a right reading that the old hand-made lists "repaired" into a wrong one,
or a value not kept as printed."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.fields import confidence, dates, gazetteer, values
from indexer.fields.extract import RawField
from indexer.fields.layout import Tok
from indexer.fields.names import read_name
from indexer.fields.places import read_place, read_text
from indexer.fields.reading import FieldReading


def read(text: str, type_: str, conf: float = 95.0) -> FieldReading:
    toks = [Tok(w, conf, 10 * i, 0, 10 * i + 8, 10) for i, w in enumerate(text.split())]
    return values.read(RawField("x", type_, toks))


# -- the gazetteer is complete data, before and after 1 July 2025 ----------------------------------


def test_gazetteer_is_complete_in_both_schemes() -> None:
    g = gazetteer.load()
    counts = {(u.scheme, u.level) for u in g.units}
    assert counts == {
        ("legacy_63", "province"),
        ("legacy_63", "district"),
        ("legacy_63", "commune"),
        ("v2025", "province"),
        ("v2025", "commune"),
    }
    n = {k: sum(1 for u in g.units if (u.scheme, u.level) == k) for k in counts}
    assert n[("legacy_63", "province")] == 63
    assert n[("v2025", "province")] == 34
    assert n[("v2025", "commune")] == 3321
    assert n[("legacy_63", "commune")] > 10000
    assert n[("legacy_63", "district")] > 690
    assert len(g.id_provinces()) == 63 and g.id_provinces()["079"] == "Hồ Chí Minh"
    header = gazetteer.SNAPSHOT.read_text(encoding="utf-8").splitlines()[0]
    assert "build_gazetteer.py" in header and "vietnamadminunits 1." in header  # data, not a hand list


def test_gazetteer_schemes_follow_the_document_date() -> None:
    assert gazetteer.schemes_for(dt.date(2020, 5, 1)) == (gazetteer.LEGACY,)
    assert gazetteer.V2025 in gazetteer.schemes_for(dt.date(2025, 7, 1))
    assert gazetteer.V2025 in gazetteer.schemes_for(None)


# -- places: a real unit is never changed -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "huyện Hoài Ân, tỉnh Bình Định",
        "xã Định Thành, huyện Yên Định, tỉnh Thanh Hóa",
        "xã Đường Âm, huyện Bắc Mê, tỉnh Hà Giang",
        "huyện Yên Minh, tỉnh Hà Giang",
        "xã Nậm Ban, huyện Mèo Vạc, tỉnh Hà Giang",
        "Bản Nậm Ban, xã Nậm Ban, huyện Nậm Nhùn, tỉnh Lai Châu",
    ],
)
def test_a_real_unit_is_never_changed(text: str) -> None:
    p = read_place(text)
    assert p.text == text
    assert not p.changes and not p.problems
    assert p.units  # and its codes go beside it


@pytest.mark.parametrize(
    "text",
    [
        "Xã Định Thành, Huyện Yên Định, Tỉnh Thanh Hóa",
        "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội",
        "XÃ ĐƯỜNG ÂM, HUYỆN BẮC MÊ, TỈNH HÀ GIANG",
    ],
)
def test_unit_words_keep_the_printed_case(text: str) -> None:
    f = read(text, "place")
    assert f.value == text
    assert not f.needs_review


def test_unit_codes_go_beside_the_value() -> None:
    f = read("xã Đường Âm, huyện Bắc Mê, tỉnh Hà Giang", "place")
    units = {(u["level"], u["scheme"], u["code"]) for u in f.parsed["units"]}
    assert ("commune", "legacy_63", "01012") in units
    assert f.normalized == "002"  # the legacy province's personal-ID prefix


def test_an_impossible_unit_name_is_repaired_only_to_one_candidate_and_flagged() -> None:
    f = read("xã Thạnh Lộc, huyên Thuân Thành, tỉnh Bắc Ninh", "place")
    assert f.value == "xã Thạnh Lộc, huyện Thuận Thành, tỉnh Bắc Ninh"
    assert f.raw == "xã Thạnh Lộc, huyên Thuân Thành, tỉnh Bắc Ninh"
    assert f.corrections and f.needs_review
    assert any("Thuận Thành" in r for r in f.review_reasons)


def test_an_unknown_unit_name_with_several_candidates_stays_as_read_and_is_flagged() -> None:
    # no commune is called "Tàn Thanh"; Tân Thanh, Tân Thành, Tân Thạnh … all have its letters
    p = read_place("xã Tàn Thanh")
    assert p.text == "xã Tàn Thanh"
    assert p.problems


def test_a_real_unit_outside_its_printed_district_is_kept() -> None:
    p = read_place("xã Đường Âm, huyện Yên Minh, tỉnh Hà Giang")
    assert p.text == "xã Đường Âm, huyện Yên Minh, tỉnh Hà Giang"
    assert not p.changes
    assert {u["code"] for u in p.units} >= {"01012", "028"}


def test_id_line_fixed_words_and_an_impossible_word_before_the_date() -> None:
    f = read("CCCD sô 027177435539, câóø ngày 25/05/2020", "id_doc")
    assert f.value == "CCCD số 027177435539, cấp ngày 25/05/2020"
    assert len(f.corrections) == 2  # every reason recorded
    assert f.needs_review


# -- names: valid syllables are never changed; rare names stay rare ---------------------------------


@pytest.mark.parametrize("name", ["HẬU", "LÊ THỊ BÀN", "NGUYỄN LĨNH", "ĐỖ VĂN LĨNH", "GIÀNG A PÁO"])
def test_valid_name_syllables_are_never_changed(name: str) -> None:
    assert read_name(name).text == name


def test_an_impossible_name_syllable_is_repaired_and_flagged() -> None:
    f = read("PHAN NGOC TRANG", "name")
    assert f.value == "PHAN NGỌC TRANG"
    assert f.raw == "PHAN NGOC TRANG"
    assert f.needs_review and any("NGOC" in r for r in f.review_reasons)


# -- phrases and dates' words -----------------------------------------------------------------------


def test_the_word_nam_in_a_date_stays() -> None:
    assert read_text("ngày 05 tháng 6 năm 2020").text == "ngày 05 tháng 6 năm 2020"
    place, d = dates.read_place_date("Hà Nội, ngày 05 tháng 06 năm 2024")
    assert read_place(place).text == "Hà Nội"
    assert "năm 2024" in d.text


def test_short_valid_phrases_are_never_changed() -> None:
    assert read_text("Nậm Ban").text == "Nậm Ban"
    assert read_text("năm").text == "năm"


def test_a_phrase_repair_is_flagged() -> None:
    f = read("Bênh viện Đa khoa tỉnh Hà Tĩnh", "place")
    assert f.value == "Bệnh viện Đa khoa tỉnh Hà Tĩnh"
    assert f.needs_review


# -- values as printed, parsed parts beside them ----------------------------------------------------


def test_id_line_keeps_the_issuer_and_parses_beside() -> None:
    text = "Thẻ CCCD số 027177435539 do Cục Cảnh sát QLHC về TTXH cấp ngày 25/05/2020"
    f = read(text, "id_doc")
    assert f.value == text
    assert f.normalized == "027177435539"
    assert f.parsed == {
        "kind": "Thẻ CCCD",
        "number": "027177435539",
        "issuer": "Cục Cảnh sát QLHC về TTXH",
        "issue_date": "2020-05-25",
    }


@pytest.mark.parametrize(
    ("printed", "read_as"),
    [
        (  # the CCCD issuer's fixed name: a lost mark in it is repaired from the phrase, and shown
            "Căn cước công dân số 025191992716 do Cục Cảnh sát QLHC về TTXH cấp ngày 2/11/2021",
            "Căn cước công dân số 025191992716 do Cục Cảnh sát QLHC vê TTXH cấp ngày 2/11/2021",
        ),
        (  # a CMND's issuer is a province's police: its name is read against the gazetteer
            "CMND số 180699958 do Công an thành phố Hồ Chí Minh cấp ngày 14/11/2017",
            "CMND số 180699958 do Công an thành phô Hô Chí Minh cấp ngày 14/11/2017",
        ),
    ],
)
def test_the_issuer_of_an_id_line_is_repaired_as_a_known_issuer_and_flagged(printed: str, read_as: str) -> None:
    f = read(read_as, "id_doc")
    assert f.value == printed and f.raw == read_as
    assert f.needs_review and f.corrections


def test_a_right_police_issuer_is_kept_and_parsed() -> None:
    text = "CMND số 368443410 do Công an tỉnh Thái Bình cấp ngày 16/12/2019"
    f = read(text, "id_doc")
    assert f.value == text and not f.needs_review
    assert f.parsed["issuer"] == "Công an tỉnh Thái Bình"


@pytest.mark.parametrize(
    ("printed", "read_as", "kind"),
    [
        ("CCCD số 030302114779, cấp ngày 31/10/2020", "CCD số 030302114779, cấp ngày 31/10/2020", "CCCD"),
        ("CMND số 030302114", "CMD số 030302114", "CMND"),
    ],
)
def test_an_impossible_id_abbreviation_is_repaired_by_its_number_and_shown(
    printed: str, read_as: str, kind: str
) -> None:
    f = read(read_as, "id_doc")
    assert f.value == printed and f.raw == read_as and f.parsed["kind"] == kind
    assert f.needs_review and f.corrections  # shown, with why


def test_an_id_abbreviation_is_not_repaired_against_its_number_or_when_it_is_a_word() -> None:
    f = read("CCD số 030302114", "id_doc")  # one letter off CCCD, but 9 digits are a CMND's
    assert f.value == "CCD số 030302114" and f.needs_review
    assert read("CCCD số 030302114779", "id_doc").needs_review is False
    assert read("Căn cước số 030302114779", "id_doc").value == "Căn cước số 030302114779"


def test_a_whole_date_under_nam_sinh_stays_whole() -> None:
    f = read("1988-10-11", "year")
    assert f.value == "1988-10-11"
    assert f.normalized == "1988-10-11"
    f = read("11/10/1988", "year")
    assert f.value == "11/10/1988"
    assert read("1988", "year").value == "1988"


# -- places against the rest of the page ------------------------------------------------------------


def test_a_unit_created_in_2025_on_an_older_page_is_flagged() -> None:
    from indexer.fields.crosscheck import check_places

    fields = {
        "requester_residence": read("Tổ 3, Phường Hồng Hà, Thành phố Hà Nội", "place"),
        "signed_place_date": read("Hà Nội, ngày 05 tháng 06 năm 2020", "place_date"),
    }
    assert not fields["requester_residence"].needs_review
    check_places(fields)
    assert any("1/7/2025" in r for r in fields["requester_residence"].review_reasons)
    fields["signed_place_date"] = read("Hà Nội, ngày 05 tháng 08 năm 2025", "place_date")
    fields["requester_residence"] = read("Tổ 3, Phường Hồng Hà, Thành phố Hà Nội", "place")
    check_places(fields)
    assert not fields["requester_residence"].needs_review


def test_a_name_with_several_near_units_takes_the_one_the_page_prints_elsewhere() -> None:
    from indexer.fields.crosscheck import check_places

    fields = {
        "addressee": read("Ủy ban nhân dân xã Phước Hộu", "place"),
        "signed_place_date": read("xã Phước Hậu, ngày 26 tháng 02 năm 2020", "place_date"),
    }
    assert "Phước Hộu" in fields["addressee"].value  # alone, four units are one letter away
    check_places(fields)
    f = fields["addressee"]
    assert f.value == "Ủy ban nhân dân xã Phước Hậu"
    assert f.needs_review and f.raw == "Ủy ban nhân dân xã Phước Hộu"


@pytest.mark.parametrize(
    ("text", "type_", "bare"),
    [
        ("0912.345.678", "phone", "0912345678"),
        ("0912 345 678", "phone", "0912345678"),
        ("0271 7743 5539", "id12", "027177435539"),
    ],
)
def test_numbers_keep_their_printed_grouping(text: str, type_: str, bare: str) -> None:
    f = read(text, type_)
    assert f.value == text
    assert f.normalized == bare


def test_a_unit_word_read_in_another_case_than_its_address_takes_the_address_case() -> None:
    # Tesseract confuses x/X and p/P: inside an address whose other unit words agree, the odd one
    # takes theirs; an address printed all in one style keeps it
    assert read_place("Thôn Nam, Xã Phước Hậu, huyện Thuận Thành, tỉnh Bắc Ninh").text == (
        "Thôn Nam, xã Phước Hậu, huyện Thuận Thành, tỉnh Bắc Ninh"
    )
    assert read_place("ẤP Trung, xã Nam Thanh, huyện Giồng Riềng, tỉnh Kiên Giang").text.startswith("Ấp Trung")
    text = "Thôn Nam, Xã Phước Hậu, Huyện Thuận Thành, Tỉnh Bắc Ninh"
    assert read_place(text).text == text


def test_a_place_repeated_on_the_page_in_another_case_is_flagged_and_changed_only_for_one_shape_letters() -> None:
    # OCR cannot tell x from X (one shape), but forms also print "Phường" there on purpose
    from indexer.fields.crosscheck import consensus

    types = {"requester_residence": "place", "signed_place_date": "place_date"}
    fields = {
        "requester_residence": read("Ấp 2, xã Long Hiệp, huyện Lai Vung, tỉnh Đồng Tháp", "place"),
        "signed_place_date": read("Xã Long Hiệp, ngày 29 tháng 10 năm 2024", "place_date"),
    }
    consensus(fields, types)
    assert fields["requester_residence"].value == "Ấp 2, xã Long Hiệp, huyện Lai Vung, tỉnh Đồng Tháp"
    assert fields["signed_place_date"].value == "xã Long Hiệp, ngày 29 tháng 10 năm 2024"
    assert fields["signed_place_date"].raw.startswith("Xã")  # the reading is kept beside
    assert fields["signed_place_date"].needs_review and fields["signed_place_date"].corrections

    fields = {
        "requester_residence": read("Khu 2, phường Long Hiệp, quận 3, TP Hồ Chí Minh", "place"),
        "signed_place_date": read("Phường Long Hiệp, ngày 29 tháng 10 năm 2024", "place_date"),
    }
    consensus(fields, types)
    assert fields["signed_place_date"].value == "Phường Long Hiệp, ngày 29 tháng 10 năm 2024"
    assert fields["signed_place_date"].needs_review


def test_a_small_one_shape_letter_read_at_the_start_of_a_value_stays_flagged() -> None:
    # a small "x" read where the recogniser leans to a capital is evidence: the other fields'
    # "Xã" does not change it (a quê quán typed by hand beside residences from the database)
    from indexer.fields.crosscheck import consensus

    types = {"child_hometown": "place", "mother_residence": "place", "father_residence": "place"}
    fields = {
        "child_hometown": read("xã Mão Điền, thị xã Thuận Thành, tỉnh Bắc Ninh", "place"),
        "mother_residence": read("Thôn 12, Xã Mão Điền, Thị xã Thuận Thành, Tỉnh Bắc Ninh", "place"),
        "father_residence": read("Thôn 12, Xã Mão Điền, Thị xã Thuận Thành, Tỉnh Bắc Ninh", "place"),
    }
    consensus(fields, types)
    assert fields["child_hometown"].value == "xã Mão Điền, thị xã Thuận Thành, tỉnh Bắc Ninh"
    assert fields["child_hometown"].needs_review and not fields["child_hometown"].corrections


def test_a_unit_name_with_a_small_word_inside_is_read_whole() -> None:
    # "Nông trường Liên Sơn" is one town's name; the capitals alone would cut it after "Nông"
    text = "Thị trấn Nông trường Liên Sơn, Huyện Văn Chấn, Tỉnh Yên Bái"
    p = read_place(text)
    assert p.text == text and not p.changes and not p.problems
    assert any(u["name"] == "Thị trấn Nông trường Liên Sơn" for u in p.units)
    p = read_place("Thị trấn Nông tường Liên Sơn, huyện Văn Chấn")  # one letter lost: shown
    assert p.text == "Thị trấn Nông trường Liên Sơn, huyện Văn Chấn" and p.problems


def test_thi_xa_is_one_unit_word_and_a_glued_comma_gets_its_space() -> None:
    text = "Thôn 12, Xã Mão Điền, Thị xã Thuận Thành, Tỉnh Bắc Ninh"
    assert read_place(text).text == text
    assert read("CCCD số 066163262744,cấp ngày 14/07/2016", "id_doc").value == (
        "CCCD số 066163262744, cấp ngày 14/07/2016"
    )


def test_a_phrase_keeps_a_right_case_and_mends_an_ocr_one() -> None:
    text = "Số 62/GBT do Trạm Y tế xã Liên Hợp cấp ngày 08/08/2018"
    assert read_text(text).text == text
    assert read_text("03 ngày Làm việc").text == "03 ngày làm việc"  # Tesseract's l/L


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sô 167, ngõ 50, Tô dân phô 23, phường 6", "Số 167, ngõ 50, Tổ dân phố 23, phường 6"),
        ("Ủy ban nhân dân thị trẫn Thuận Châu, tỉnh Sơn La", "Ủy ban nhân dân thị trấn Thuận Châu, tỉnh Sơn La"),
    ],
)
def test_unit_words_in_closed_slots_are_respelt(text: str, value: str) -> None:
    # a two- or three-word unit term, or a unit word before a number, has no other reading
    assert read_place(text).text == value


def test_an_ethnicity_with_the_vocabularys_letters_stays_as_printed_and_is_flagged() -> None:
    from indexer.fields import vocab

    m = vocab.match("Chàm", "ethnicity")
    assert m is not None and m.value == "Chăm"  # the catalogue's spelling
    f = values.read(RawField("x", "enum", [Tok("Chàm", 95.0, 0, 0, 8, 10)], vocab="ethnicity"))
    assert f.value == "Chàm"
    assert f.normalized == "Chăm"
    assert f.needs_review


def test_a_capital_name_syllable_that_may_have_lost_its_tone_is_flagged_not_changed() -> None:
    r = read_name("NGUYỄN ĐỨC QUYÊN")
    assert r.text == "NGUYỄN ĐỨC QUYÊN"
    assert any("QUYỀN" in p for p in r.problems)
    assert not read_name("Nguyễn Văn Tân").problems  # mixed case: Tesseract keeps those marks


def test_valid_syllables_get_other_letters_from_a_phrase_only_for_one_swapped_letter() -> None:
    r = read_text("tâm Y tế huyện Tiền Hải")
    assert r.text == "tâm Y tế huyện Tiền Hải"  # not "Trạm Y tế" …
    assert any("có thể là" in p for p in r.problems)  # … but offered, so the field is flagged
    # three valid syllables one letter, swapped in place, from exactly one fixed phrase: a misread
    # letter — repaired, shown and flagged
    r = read_text("01 ngày tàm việc")
    assert r.text == "01 ngày làm việc" and r.problems and r.changes
    r = read_text("Cấp bản sao trích tục hộ tịch")
    assert r.text == "Cấp bản sao trích lục hộ tịch" and r.problems
    assert read_text("Trung tâm Y tê huyện").text == "Trung tâm Y tế huyện"  # "tê" marks only, 3+ words


@pytest.mark.parametrize(
    ("read_as", "printed"),
    [
        (
            "Số 11, tô”3, phường Hòa An, quận Cẩm Lệ, thành phố Đà Nẵng",
            "Số 11, tổ 3, phường Hòa An, quận Cẩm Lệ, thành phố Đà Nẵng",
        ),
        (
            "Tô”dân phô 2, phường 12, thành phố Đà Lạt, tỉnh Lâm Đồng",
            "Tổ dân phố 2, phường 12, thành phố Đà Lạt, tỉnh Lâm Đồng",
        ),
        ("Sô135, tổ 5, phường Tân Mai, thành phố Biên Hòa", "Số 135, tổ 5, phường Tân Mai, thành phố Biên Hòa"),
    ],
)
def test_a_tone_mark_read_apart_as_a_quote_is_parted_and_the_unit_word_repaired(read_as: str, printed: str) -> None:
    p = read_place(read_as)
    assert p.text == printed
    assert any("dính vào chữ" in c or "tách chữ và số" in c for c in p.changes)  # shown


def test_a_real_quotation_or_an_abbreviation_glued_to_its_number_is_left() -> None:
    assert read_place("Thôn “Đồng Tâm”, xã An Phú").text == "Thôn “Đồng Tâm”, xã An Phú"
    assert read_place("Số 5, P12, Q1").text == "Số 5, P12, Q1"


def test_a_capital_read_small_in_a_unit_name_is_restored_by_the_gazetteer_and_shown() -> None:
    # c, s, v, x, o … look the same in both cases; "củ Chi" is no unit, "Củ Chi" is
    p = read_place("Xã Phú Hòa Đông, Huyện củ Chi, Thành phố Hồ Chí Minh")
    assert p.text == "Xã Phú Hòa Đông, Huyện Củ Chi, Thành phố Hồ Chí Minh"
    assert any("chữ hoa đọc thành chữ thường" in c for c in p.changes)
    assert any(u["name"] == "Huyện Củ Chi" for u in p.units)
    # a small letter of another shape is not a capital misread: left as read
    assert "huyện Củ Chi" in read_place("xã phú hòa đông, huyện Củ Chi").text


def test_a_capital_i_read_as_small_l_in_a_unit_name() -> None:
    p = read_place("Xóm 2, xã la Blang, huyện Chư Sê, tỉnh Gia Lai")
    assert p.text == "Xóm 2, xã Ia Blang, huyện Chư Sê, tỉnh Gia Lai" and p.changes


def test_a_box_rule_read_as_a_letter_after_the_value_is_dropped_and_shown() -> None:
    toks = [Tok("Việt", 95, 0, 0, 60, 30), Tok("Nam", 95, 75, 0, 130, 30), Tok("l", 40, 400, 0, 404, 34)]
    f = values.read(RawField("child_nationality", "text", toks))
    assert f.value == "Việt Nam" and f.corrections
    near = [Tok("Tổ", 95, 0, 0, 40, 30), Tok("I", 95, 55, 0, 62, 30)]  # a Roman numeral beside the word stays
    assert values.read(RawField("x", "text", near)).value == "Tổ I"


def test_an_unclosed_bracket_before_a_phone_number_is_a_box_rule_dropped_and_shown() -> None:
    f = read("(0806686739", "phone")
    assert f.value == "0806686739" and f.raw == "(0806686739" and f.corrections
    assert read("0806686739", "phone").value == "0806686739"


def test_a_box_rule_read_before_a_date_is_dropped_and_flagged() -> None:
    f = read("L: | 31/10/2016", "date")
    assert f.value == "31/10/2016" and f.needs_review and f.normalized == "2016-10-31"
    assert read("31/10/2016", "date").value == "31/10/2016"
    assert read("ngày 31/10/2016", "date").value == "ngày 31/10/2016"  # a word is not a rule mark


# -- a death notice's reference: number, initials and date ------------------------------------------


def _notice(text: str) -> FieldReading:
    toks = [Tok(w, 95.0, 10 * i, 0, 10 * i + 8, 10) for i, w in enumerate(text.split())]
    f = values.read(RawField("death_notice", "paper_ref", toks, vocab="paper_initials"))
    confidence.assess(f)  # as the reader does after the cross-checks
    return f


@pytest.mark.parametrize(
    ("printed", "read_as"),
    [
        ("9/GBT, ngày 18/12/2020", "9/6BT, ngày 18/12/2020"),  # G read as 6
        ("115/GBT, ngày 18/02/2023", "115/GBT, ngày 18/92/2023"),  # no month 92: 0 read as 9
        ("46/GBT, ngày 04-11-2019", "46/GBT, ngày 94-11-2019"),
    ],
)
def test_an_impossible_death_notice_reference_is_repaired_shown_and_flagged(printed: str, read_as: str) -> None:
    f = _notice(read_as)
    assert f.value == printed and f.raw == read_as
    assert f.needs_review and f.corrections


@pytest.mark.parametrize(
    "text",
    ["Số 216/GBT do Trạm Y tế thị trấn Ea Pốk cấp ngày 31/3/2021", "05/2021/GBT-BV, ngày 1/2/2020", "12/GBT"],
)
def test_a_possible_death_notice_reference_is_kept_as_printed(text: str) -> None:
    f = _notice(text)
    assert f.value == text and not f.needs_review and not f.corrections


def test_the_death_notice_reference_is_parsed_beside_the_value() -> None:
    f = _notice("Số 216/GBT do Trạm Y tế thị trấn Ea Pốk cấp ngày 31/3/2021")
    assert f.parsed == {"number": "216/GBT", "date": "2021-03-31"}
    assert _notice("05/2021/GBT-BV, ngày 1/2/2020").parsed["number"] == "05/2021/GBT-BV"


def test_a_highland_place_s_own_spelling_is_no_misread_syllable() -> None:
    # "Ea", "Pốk", "KBang" are how the gazetteer writes places of the Central Highlands
    assert read_text("Trạm Y tế thị trấn Ea Pốk").problems == []
    assert read_text("Thôn Cư KBang").problems == []
    assert read_text("Thôn Câi").problems  # an impossible syllable no place has is still flagged


# -- a stacked mark's usual misreadings, undone only on an impossible word -----------------------


@pytest.mark.parametrize(
    ("read_as", "printed"),
    [
        ("Thiêtf", "Thiết"),  # the acute of ế drifted right, read as f
        ("môtf", "mốt"),
        ("Tiếa", "Tiến"),  # the n after a stacked vowel read as a
        ("Cầah", "Cần"),
        ("TRẦAH", "TRẦN"),
        ("Đồag", "Đồng"),  # ng read as ag
    ],
)
def test_a_stacked_mark_misreading_is_undone(read_as: str, printed: str) -> None:
    from indexer.fields.correct import stacked_mark

    assert stacked_mark(read_as) == printed


@pytest.mark.parametrize("word", ["Tiến", "Nam", "Hoa", "Thiết", "Xa", "Cầu", "bôá"])
def test_a_valid_or_unexplained_word_is_no_stacked_mark_misreading(word: str) -> None:
    from indexer.fields.correct import stacked_mark

    assert stacked_mark(word) is None


def test_stacked_mark_repairs_in_values_are_shown_and_flagged() -> None:
    f = read("Xóm Phan Thiêtf, xã Lưỡng Vượng, thành phố Tuyên Quang, tỉnh Tuyên Quang", "place")
    assert f.value.startswith("Xóm Phan Thiết,") and f.needs_review and f.corrections
    n = read("Trầah Ngọc Lai", "name")
    assert n.value == "Trần Ngọc Lai" and n.needs_review


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Ông NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
        ("Bà Trần Thị Bình", "Trần Thị Bình"),
        ("Ông (Bà) Nguyễn Văn An", "Nguyễn Văn An"),
        ("Ông/Bà: Lê Văn Tám", "Lê Văn Tám"),
    ],
)
def test_a_title_printed_before_a_name_is_no_part_of_it_and_is_shown(printed: str, name: str) -> None:
    n = read_name(printed)
    assert n.text == name and any("danh xưng" in c for c in n.changes)


@pytest.mark.parametrize("printed", ["ÔNG VĂN DŨNG", "Ông Ích Khiêm", "BÀ TRIỆU", "NGUYỄN VĂN AN"])
def test_a_surname_that_is_also_a_title_stays(printed: str) -> None:
    assert read_name(printed).text == printed  # Ông and Bà are also surnames: only before a common one is it a title

"""Every parser and validator of the field reader with hand-written cases, bad input included:
it must be flagged, never crash."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.fields import dates, dossier_code, personal_id, vocab
from indexer.fields.names import read_name
from indexer.fields.numwords import parse_number
from indexer.fields.places import read_place, read_text
from indexer.fields.syllables import is_valid, variants

# -- numbers and dates in words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("hai nghìn không trăm hai mươi tư", 2024),
        ("hai ngàn không trăm hai mươi bốn", 2024),
        ("một nghìn chín trăm chín mươi", 1990),
        ("một ngàn chín trăm bốn mươi mốt", 1941),
        ("hai nghìn lẻ năm", 2005),
        ("hai nghìn linh năm", 2005),
        ("mười lăm", 15),
        ("mười nhăm", 15),
        ("hai mươi lăm", 25),
        ("hai mươi mốt", 21),
        ("ba mươi", 30),
        ("mười", 10),
        ("chín", 9),
        ("hai nghìn không trăm mười bảy", 2017),
        ("hai nghìn không trăm hai mươi", 2020),
    ],
)
def test_numbers_in_words(words: str, value: int) -> None:
    assert parse_number(words.split()) == value


@pytest.mark.parametrize("bad", ["hai hai", "xin chào", "", "mười mười"])
def test_not_numbers_give_none(bad: str) -> None:
    assert parse_number(bad.split()) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư", "2024-03-12"),
        ("Ngày hai, tháng bảy, năm một ngàn chín trăm chín mươi", "1990-07-02"),
        ("Ngày mồng năm tháng năm năm hai nghìn linh năm", "2005-05-05"),
        ("ngày mùng một tháng mười một năm hai nghìn lẻ một", "2001-11-01"),
        ("Ngày hai mươi mốt tháng tư năm một nghìn chín trăm năm mươi lăm", "1955-04-21"),
        ("Ngày mười bảy tháng hai năm hai nghìn không trăm hai mươi hai", "2022-02-17"),
    ],
)
def test_dates_in_words(text: str, iso: str) -> None:
    out, date, _changes, problems = dates.read_words(text)
    assert date == dt.date.fromisoformat(iso) and problems == []
    assert out.replace(",", "") == text.replace(",", "") or "," in text


def test_date_in_words_marks_repaired_and_kept_in_print_style() -> None:
    out, date, changes, problems = dates.read_words(
        "Ngày hai mươi chín tháng chín năm hai nghìn không trăm hai. mươi lãm"
    )
    assert out == "Ngày hai mươi chín tháng chín năm hai nghìn không trăm hai mươi lăm"
    assert date == dt.date(2025, 9, 29) and changes and not problems
    out, _, _, _ = dates.read_words("Ngày hai, tháng bảy, năm một ngàn chín trăm chín mươi")
    assert out == "Ngày hai, tháng bảy, năm một ngàn chín trăm chín mươi"  # old style keeps its commas


@pytest.mark.parametrize(
    "bad", ["Ngày ba mươi tháng hai năm hai nghìn", "ngày mười tháng mười ba năm hai nghìn", "tháng năm", ""]
)
def test_impossible_or_unreadable_dates_in_words_are_flagged(bad: str) -> None:
    _out, date, _changes, problems = dates.read_words(bad)
    assert date is None and problems


# -- numeric dates, times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("02/7/1990", "1990-07-02"),
        ("21-5-1965", "1965-05-21"),
        ("17.02.2022", "2022-02-17"),
        ("ngày 05 tháng 06 năm 2024", "2024-06-05"),
        ("31/12/1929", "1929-12-31"),
        ("29/02/2024", "2024-02-29"),
    ],
)
def test_numeric_dates(text: str, iso: str) -> None:
    r = dates.read_numeric(text)
    assert r.iso == iso and not r.changes and not r.problems and r.text == text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("17/92/2022", "17/02/2022"),  # 0 read as 9
        ("15/09/2924", "15/09/2024"),
        ("29/09⁄2625", "29/09/2025"),  # fraction slash, 0 read as 6
        ("ngày 28 tháng 92 năm 2022", "ngày 28 tháng 02 năm 2022"),
    ],
)
def test_impossible_numeric_dates_are_repaired_and_recorded(text: str, fixed: str) -> None:
    r = dates.read_numeric(text)
    assert r.text == fixed and r.changes


@pytest.mark.parametrize("bad", ["31/02/2021", "45/45/4545", "00/00/0000", "không có ngày", "12/2021", ""])
def test_impossible_dates_without_a_repair_are_flagged(bad: str) -> None:
    r = dates.read_numeric(bad)
    assert r.problems and (r.date is None or r.changes)


def test_date_must_fit_what_the_document_says() -> None:
    r = dates.read_numeric("01/01/2030", dates.Expect(not_after=dt.date(2025, 1, 1)))
    assert r.problems or r.changes


def test_datetime_repairs_minutes_and_date() -> None:
    r = dates.read_datetime("14 giờ 66 phút, ngày 21/16/2621")
    assert r.text == "14 giờ 00 phút, ngày 21/10/2021" and r.iso == "2021-10-21T14:00" and r.changes
    ok = dates.read_datetime("08 giờ 20 phút, ngày 01/11/2019")
    assert ok.text == "08 giờ 20 phút, ngày 01/11/2019" and not ok.changes and not ok.problems


def test_place_date_line() -> None:
    place, d = dates.read_place_date("xã Cẩm Phúc, ngày 28 tháng 92 năm 2022")
    assert place == "xã Cẩm Phúc" and d.text == "ngày 28 tháng 02 năm 2022" and d.changes


@pytest.mark.parametrize(
    ("text", "year", "changed"), [("1977", 1977, False), ("198O", 1980, False), ("1077", 1977, True)]
)
def test_years(text: str, year: int, changed: bool) -> None:
    r = dates.read_year(text)
    assert r.year == year and bool(r.changes) == changed


def test_year_from_the_future_is_flagged_or_repaired() -> None:
    r = dates.read_year("9999")
    assert r.problems or r.changes


# -- personal IDs, CMND, dossier codes ------------------------------------------------------------------


def test_valid_personal_id_with_its_checks() -> None:
    r = personal_id.check_id12("087196471480", sex="Nữ", birth_year=1996)
    assert r.ok and r.kind == "id12" and "giới tính" in r.confirmed and "năm sinh" in r.confirmed


@pytest.mark.parametrize(
    ("number", "sex", "year", "why"),
    [
        ("08719647148", None, None, "12 chữ số"),  # 11 digits
        ("0871964714801", None, None, "12 chữ số"),  # 13 digits
        ("003196471480", None, None, "mã tỉnh"),  # no province 003
        ("027177435539", "Nam", None, "giới tính"),  # 1 = woman born 19xx
        ("027177435539", "Nữ", 1980, "năm sinh"),  # 77 ≠ 80
    ],
)
def test_bad_personal_ids_are_flagged(number: str, sex: str | None, year: int | None, why: str) -> None:
    r = personal_id.check_id12(number, sex=sex, birth_year=year)
    if r.changes:  # a repair must satisfy every check
        assert personal_id.problems_id12(r.number, sex, year) == []
    else:
        assert not r.ok and any(why in p for p in r.problems)


def test_personal_id_digit_confusion_repaired_only_when_unique() -> None:
    r = personal_id.check_id12("987196471480")  # 9 read for 0: province 987 does not exist
    assert r.number == "087196471480" and r.changes
    masked = personal_id.masked("087196471480")
    assert masked == "0871******80"


def test_cmnd9() -> None:
    assert personal_id.check_id12("023456789").kind == "cmnd9"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("000.20.68.H40-211020-0051", "000.20.68.H40-211020-0051"),
        ("000.20.68. H40-211020-0051", "000.20.68.H40-211020-0051"),
        ("OOO.2O.68.H4O-211020-0051", "000.20.68.H40-211020-0051"),
    ],
)
def test_dossier_codes(text: str, code: str) -> None:
    r = dossier_code.check(text)
    assert r.ok and r.code == code and r.date == dt.date(2021, 10, 20)


@pytest.mark.parametrize("bad", ["000.20.68-211020-0051", "12345", "000.20.68.H40-219999-0051", ""])
def test_bad_dossier_codes_are_flagged(bad: str) -> None:
    assert not dossier_code.check(bad).ok


# -- vocabularies, syllables, names, places -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vocab_id", "value"),
    [
        ("Nữ", "sex", "Nữ"),
        ("Nu", "sex", "Nữ"),
        ("Viêt Nam", "nationality", "Việt Nam"),
        ("Khmer", "ethnicity", "Khmer"),
        ("Kinh", "ethnicity", "Kinh"),
        ("Mẹ", "relationship", "Mẹ"),
        ("Lần đầu", "marriage_count", "Lần đầu"),
    ],
)
def test_vocabularies(text: str, vocab_id: str, value: str) -> None:
    m = vocab.match(text, vocab_id)
    assert m is not None and m.value == value


def test_vocabulary_refuses_far_values() -> None:
    assert vocab.match("Hà Nội", "sex") is None
    assert vocab.sex_of_relationship("Mẹ") == "Nữ" and vocab.sex_of_relationship("Chồng") == "Nam"


@pytest.mark.parametrize("word", ["Nguyễn", "thuở", "khuya", "quyên", "gì", "Lạc", "nghiêng", "Uyên", "oanh", "Đồng"])
def test_valid_syllables(word: str) -> None:
    assert is_valid(word)


@pytest.mark.parametrize("word", ["Lac", "Câi", "Băé", "Âñ", "Khmer", "ghu", "ka", "Thanhh", "mach", "123"])
def test_impossible_syllables(word: str) -> None:
    assert not is_valid(word)


def test_syllable_variants_nearest_first() -> None:
    assert variants("Lac")[0][0] == "Lạc"  # a lost dot below is the commonest damage
    assert variants("hoà")[0][0] == "hòa"  # old and new tone placement are the same syllable


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Phan Ngoc Bảo Trang", "Phan Ngọc Bảo Trang"),  # "Ngoc" is no syllable: one candidate
        ("TRẦN THUỲDUNG", "TRẦN THUỲ DUNG"),  # glued syllables, old tone placement
        ("Lê Thị Thu Thủy", "Lê Thị Thu Thủy"),
        ("NGUYỄN THỊ THUỲ", "NGUYỄN THỊ THUỲ"),  # the printed tone placement kept
        ("NGUYÊÑ THỊ MIÊN", "NGUYỄN THỊ MIÊN"),  # the tone read on the N: not a printed placement
    ],
)
def test_names_repaired_only_where_impossible(raw: str, value: str) -> None:
    assert read_name(raw).text == value


@pytest.mark.parametrize(
    ("raw", "offer"),
    [
        ("NGUYỄN PHƯƠNG THUY", "THỦY"),  # the name dictionary has Thủy, Thúy, Thụy, Thùy — offered
    ],
)
def test_valid_syllables_are_kept_and_the_lexicon_spelling_offered(raw: str, offer: str) -> None:
    r = read_name(raw)
    assert r.text == raw
    assert any(offer in p for p in r.problems)


def test_a_surname_no_name_list_knows_is_repaired_to_the_one_with_its_letters_and_flagged() -> None:
    r = read_name("TRẤN THỊ THU THOA")  # stacked-mark confusion in a surname
    assert r.text == "TRẦN THỊ THU THOA"
    assert r.problems
    r = read_name("NGUYÊN DUY CHIẾN")  # a given name elsewhere, no surname
    assert r.text == "NGUYỄN DUY CHIẾN"
    assert r.problems
    assert read_name("DUY NGUYÊN").text == "DUY NGUYÊN"  # the given name stays


def test_name_with_impossible_syllable_is_flagged() -> None:
    r = read_name("NGUYỄN VĂN XYZQ")
    assert r.problems


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (
            "Thôn Thượng, xã Thạnh Lộc, huyên Thuân Thành, tỉnh Băé Ninh",
            "Thôn Thượng, xã Thạnh Lộc, huyện Thuận Thành, tỉnh Bắc Ninh",
        ),
        (
            "Âñ Phú Thạnh, xã Thanh Tùng, huyện Lại Vụng, tỉnh Đồng Tháp",
            "Ấp Phú Thạnh, xã Thanh Tùng, huyện Lai Vung, tỉnh Đồng Tháp",
        ),
        ("Xã Tân Thạnh, huyện Thanh Bình, tỉnh Đồng Tháp", "Xã Tân Thạnh, huyện Thanh Bình, tỉnh Đồng Tháp"),
        ("xã Long Hiệp. huyện Lai Vung, tỉnh Đồng Tháp", "xã Long Hiệp, huyện Lai Vung, tỉnh Đồng Tháp"),
        ("Bênh viện Đa khoa tỉnh Hà Tĩnh", "Bệnh viện Đa khoa tỉnh Hà Tĩnh"),
        # a known phrase ending in a unit word ("Trạm Y tế xã") still repairs its first words
        ("Trạm Y tê xã Púng Bánh", "Trạm Y tế xã Púng Bánh"),
        # a tone mark read apart as a quote glued between two words
        ("Trạm Y tê“xã Trường Xuân", "Trạm Y tế xã Trường Xuân"),
        # a comma read as ";" or an unopened ")" between parts of the address
        ("Thôn Hưng Mỹ; Xã Hòa Thuận, Huyện Châu Thành", "Thôn Hưng Mỹ, Xã Hòa Thuận, Huyện Châu Thành"),
        ("Huyện Trần Đề) Tỉnh Sóc Trăng", "Huyện Trần Đề, Tỉnh Sóc Trăng"),
        # ... but an opened one and an opening quote stay as printed
        ("Bản Chi Lăng (Thị trấn), xã Quan Sơn", "Bản Chi Lăng (Thị trấn), xã Quan Sơn"),
        ("Xóm “Mới”, xã An Bình", "Xóm “Mới”, xã An Bình"),
    ],
)
def test_places_repaired_with_units_and_lexicons(raw: str, value: str) -> None:
    assert read_place(raw).text == value


def test_place_repairs_are_shown() -> None:
    r = read_place("Trạm Y tê“xã Trường Xuân")
    assert any("dấu thanh đọc rời" in c for c in r.changes) and any("tê → tế" in c for c in r.changes)
    assert read_place("Thôn Hưng Mỹ; Xã Hòa Thuận").changes == ["dấu ; giữa các phần địa chỉ → dấu phẩy"]


def test_place_knows_its_province_code() -> None:
    assert read_place("Ấp 2, xã Long Hiệp, huyện Lai Vung, tỉnh Đồng Tháp").province_code == "087"


def test_free_text_phrases() -> None:
    assert read_text("Tai biến mach máu não").text == "Tai biến mạch máu não"
    assert read_text("Câ6 bản sao trích lục hộ tịch").text == "Cấp bản sao trích lục hộ tịch"


def test_a_date_with_a_gap_inside_is_kept_as_read_and_flagged() -> None:
    d = dates.read_numeric("CCCD số 084093334241, cấp ngày 27.05. 2016")
    assert d.date is not None and d.date.isoformat() == "2016-05-27"
    assert "27.05. 2016" in d.text and any("khoảng trắng" in p for p in d.problems)
    assert dates.read_numeric("cấp ngày 27.05.2016").problems == []


def test_an_id_whose_birth_year_is_still_to_come_is_a_misread_century_digit() -> None:
    # 051 0 91 …: a man born 1991; read with the century digit 9 it says 2491
    r = personal_id.check_id12("051991366112")
    assert r.number == "051091366112" and r.changes  # repaired, and shown
    assert personal_id.check_id12("051091366112").changes == []
    assert personal_id.check_id12("001325123456").problems == []  # born 2025: possible

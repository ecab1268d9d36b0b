"""Name keys, the OCR-damage distance, the match rules and query parsing (no database)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from indexer.people.keys import commune_key, name_keys, token_cost
from indexer.people.match import EXACT, FOLDED, FUZZY, MIDDLE, VARIANT, WORDS, match, middle_cost
from indexer.people.query import parse_query, query_name, register_type


def tier(query: str, stored: str) -> int | None:
    q = query_name(query)
    k = name_keys(stored)
    assert q is not None and k is not None
    m = match(q, k.exact, k.folded, k.tokens)
    return None if m is None else m.tier


@pytest.mark.parametrize(
    "typed",
    [
        "Nguyễn Văn Hoà",
        "nguyễn văn hòa",
        "NGUYỄN VĂN HOÀ",
        unicodedata.normalize("NFD", "Nguyễn Văn Hòa"),
        "Nguyễn  Văn\tHòa",
    ],
)
def test_exact_ignores_case_composition_tone_placement_and_spaces(typed: str) -> None:
    assert tier(typed, "Nguyễn Văn Hòa") == EXACT


def test_look_alike_eth_is_d_with_stroke() -> None:
    assert tier("\u00d0ặng Văn Lâm", "Đặng Văn Lâm") == EXACT
    assert tier("\u00f0ặng văn lâm", "Đặng Văn Lâm") == EXACT


@pytest.mark.parametrize(
    "typed",
    ["nguyen van hoa", "Nguyen Van Hoa", "NGUYEN VAN HOA", "Nguyễn Vân Hóa", "Ngưyễn Văn Hoa", "nguyên văn hoà"],
)
def test_folded_no_or_wrong_diacritics(typed: str) -> None:
    assert tier(typed, "Nguyễn Văn Hòa") == FOLDED


def test_d_and_dj_fold_together() -> None:
    assert tier("Dang Van Duc", "Đặng Văn Đức") == FOLDED


def test_horn_letters_lost_by_ocr_fold_together() -> None:
    assert tier("Truong Thi Huong", "Trương Thị Hương") == FOLDED
    assert tier("Trưong Thi Huơng", "Trương Thị Hương") == FOLDED


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("Lê Thị Mĩ", "Lê Thị Mỹ"),
        ("Lê Thị Mỹ", "Lê Thị Mĩ"),
        ("Trần Văn Kì", "Trần Văn Kỳ"),
        ("Lí Văn Quí", "Lý Văn Quý"),
        ("Hoàng Văn Nam", "Huỳnh Văn Nam"),
        ("Huynh Van Nam", "Hoàng Văn Nam"),
        ("Vũ Thị Sáu", "Võ Thị Sáu"),
        ("vo thi sau", "Vũ Thị Sáu"),
    ],
)
def test_spelling_variants(typed: str, stored: str) -> None:
    assert tier(typed, stored) == VARIANT


def test_i_y_only_after_a_consonant_onset() -> None:
    # "uy" (Thủy, Huy) is a different rhyme from "ui": no variant there.
    assert name_keys("Thủy") is not None and name_keys("Thủy").given == "thuy"  # type: ignore[union-attr]
    assert name_keys("Huy").given == "huy"  # type: ignore[union-attr]
    assert tier("Nguyễn Văn Hui", "Nguyễn Văn Huy") == FUZZY


def test_missing_or_extra_middle_name() -> None:
    assert tier("Nguyễn An", "Nguyễn Văn An") == MIDDLE
    assert tier("Nguyễn Thị Mỹ Hoa", "Nguyễn Thị Hoa") == MIDDLE
    assert tier("Nguyễn Mỹ Hoa", "Nguyễn Thị Mỹ Hoa") == MIDDLE
    assert tier("Nguyễn Văn An", "Nguyễn Đức An") is None  # a different middle name is another person


@pytest.mark.parametrize(
    "typed", ["Nguen Van Trung", "Nguyễn Văn Ưung", "Nguyen Van Uung", "Nguyễn Vn Trung", "Ngyen Van Trng"]
)
def test_ocr_damage_is_fuzzy(typed: str) -> None:
    assert tier(typed, "Nguyễn Văn Trung") == FUZZY


def test_too_much_damage_does_not_match() -> None:
    assert tier("Ngen Vn Trg", "Nguyễn Văn Trung") is None
    assert tier("Phạm Văn Trung", "Nguyễn Văn Trung") is None


def test_every_word_in_any_order() -> None:
    assert tier("Văn An", "Nguyễn Văn An") == WORDS
    assert tier("An Nguyễn", "Nguyễn Văn An") == WORDS


def test_one_word_is_the_given_name() -> None:
    assert tier("An", "Nguyễn Văn An") == MIDDLE
    assert tier("Anh", "Nguyễn Văn An") == FUZZY
    assert tier("Nguyễn", "Nguyễn Văn An") == WORDS  # a surname alone: every word


def test_token_cost() -> None:
    assert token_cost("nguyen", "nguyen") == 0
    assert token_cost("nguen", "nguyen") == 1
    assert token_cost("uung", "trung") == 1  # tr read as ư
    assert token_cost("huyh", "hoang") == 1  # Huỳnh, damaged, still reaches Hoàng/Huỳnh
    assert token_cost("a", "an") == 1
    assert token_cost("a", "anh") == 2
    assert token_cost("an", "binh") is None  # short words: two units at most
    assert token_cost("hung", "hang") == 2  # a wrong letter costs two units …
    assert token_cost("uung", "hung") == 2  # … so Trung (tr read as ư) beats Hùng for "Ưung"
    assert token_cost("thuyt", "thuyet") == 1


def test_middle_cost() -> None:
    assert middle_cost([], ["van"]) == (0, 1)
    assert middle_cost(["thi", "mi"], ["thi", "mi"]) == (0, 0)
    assert middle_cost(["thi", "mi"], ["mi"]) == (0, 1)
    assert middle_cost(["vn"], ["van"]) == (1, 0)
    assert middle_cost(["van"], ["duc"]) is None


def test_parse_query() -> None:
    q = parse_query(
        "Nguyễn Văn An 02/7/1990 mẹ: Lê Thị Hoa cha: nguyen van ba loại: khai sinh năm: 1990 xã: Xã Cát Thành"
    )
    assert q.name == "Nguyễn Văn An"
    assert q.born == date(1990, 7, 2) and q.born_year == 1990
    assert q.mother == "Lê Thị Hoa" and q.father == "nguyen van ba"
    assert q.register_type == "khai_sinh" and q.year == 1990
    assert q.commune_key == "cat thanh" == commune_key("Cát Thành")
    assert parse_query("nguyen hung 1990").born_year == 1990
    assert parse_query("nguyen hung 1990").name == "nguyen hung"
    assert parse_query("an", born="1985").born_year == 1985
    assert parse_query("an", register_type="Kết hôn").register_type == "ket_hon"
    assert register_type("KS") == "khai_sinh"


@pytest.mark.parametrize(
    "junk", ["", "   ", "!!!", "1990", "02/07/1990", "%%%", "'; DROP TABLE people; --", "\u0301\u0300"]
)
def test_no_name_in_garbage(junk: str) -> None:
    q = parse_query(junk)
    assert q.qname is None or all(t.isalnum() for t in q.qname.tokens)


def test_tone_typed_before_the_circumflex_is_one_letter() -> None:
    # "Nguyễn" with the tilde before the circumflex: NFC leaves a stray mark that used to split the
    # name into two words for every index; stored and typed that way it still matches exactly.
    broken = "Nguy" + "e\u0303\u0302" + "n Văn An"
    assert unicodedata.normalize("NFC", broken) != "Nguyễn Văn An"
    k = name_keys(broken)
    assert k is not None and k.tokens == name_keys("Nguyễn Văn An").tokens  # type: ignore[union-attr]
    assert k.exact == name_keys("Nguyễn Văn An").exact  # type: ignore[union-attr]
    assert tier(broken, "Nguyễn Văn An") == EXACT

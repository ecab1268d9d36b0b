"""Vietnamese text keys: NFC, tone placement, folding."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.vntext import canonical, canonical_key, fold, nfc


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("Thuỷ", "Thủy"), ("khoẻ", "khỏe"), ("tuỳ", "tùy"), ("xoá", "xóa"), ("Hoà Bình", "Hòa Bình")],
)
def test_old_and_new_tone_placement_compare_equal(old: str, new: str) -> None:
    assert canonical(old) == canonical(new) == new


@pytest.mark.parametrize(
    "word",
    [
        "người",
        "Nguyễn",
        "quý",
        "già",
        "hoàng",
        "thuở",
        "khuya",
        "Trường",
        "cửa",
        "mười",
        "quỳnh",
        "giặt",
        "khuỷu",
        "chuyện",
    ],
)
def test_canonical_keeps_correct_words(word: str) -> None:
    assert canonical(word) == word


def test_nfd_input_and_d_lookalike() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Đức")
    assert nfc(decomposed) == "Nguyễn Đức"
    assert nfc("\u00d0ức") == "Đức"  # Icelandic Eth posing as Đ
    assert canonical_key("NGUYỄN ĐỨC") == canonical_key(decomposed)


def test_fold() -> None:
    assert fold("  Nguyễn   Văn Hoà ") == "nguyen van hoa"
    assert fold("ĐẶNG THỊ THUỶ") == "dang thi thuy"
    assert fold(unicodedata.normalize("NFD", "Lê Thị Hồng")) == "le thi hong"


@pytest.mark.parametrize(
    "word", ["Nguyễn", "NGUYỄN", "người", "khuỷu", "quyết", "gì", "giữ", "nghiêng", "Ủy", "trường", "oa"]
)
def test_real_syllables(word: str) -> None:
    from indexer.vntext import is_syllable

    assert is_syllable(word)


@pytest.mark.parametrize("word", ["Nguyeăn", "Vaên", "ngưyễn", "abcd", "hoàá", "tr", "Nguyễnn1"])
def test_impossible_syllables(word: str) -> None:
    from indexer.vntext import is_syllable

    assert not is_syllable(word)


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("NGUYE\u0301\u0302T", "NGUYẾT"),  # tone before the circumflex: NFC cannot compose it
        ("Vie\u0323\u0302t", "Việt"),  # dot below first is canonical order: unchanged
        ("Trươ\u0300\u031bng", "Trường"),  # a horn after the tone
        ("Ô\u0301\u0301 Lan", "Ố Lan"),  # a tone twice
        ("\u0301An", "An"),  # a mark on no letter
        ("Nguyễn Thị Ánh", "Nguyễn Thị Ánh"),  # plain NFC text is left alone
    ],
)
def test_repair_marks(typed: str, repaired: str) -> None:
    from indexer.vntext import repair_marks

    out = repair_marks(typed)
    assert out == repaired and out == unicodedata.normalize("NFC", out) and len(out.split()) == len(typed.split())

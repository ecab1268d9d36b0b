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
    "word", ["người", "Nguyễn", "quý", "già", "hoàng", "thuở", "khuya", "Trường", "cửa", "mười", "quỳnh", "giặt", "khuỷu", "chuyện"]
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


@pytest.mark.parametrize("word", ["Nguyễn", "NGUYỄN", "người", "khuỷu", "quyết", "gì", "giữ", "nghiêng", "Ủy", "trường", "oa"])
def test_real_syllables(word: str) -> None:
    from indexer.vntext import is_syllable

    assert is_syllable(word)


@pytest.mark.parametrize("word", ["Nguyeăn", "Vaên", "ngưyễn", "abcd", "hoàá", "tr", "Nguyễnn1"])
def test_impossible_syllables(word: str) -> None:
    from indexer.vntext import is_syllable

    assert not is_syllable(word)

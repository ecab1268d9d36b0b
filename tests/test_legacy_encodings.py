"""TCVN3 and VNI round trips, detection, and the mojibake forms real exports carry."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.legacy.encodings import (
    Encoding,
    decode_cp1258,
    decode_tcvn3,
    decode_vni,
    detect_and_decode,
)
from tests.legacytext import encode_tcvn3, encode_vni

ALL_LOWER = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"
SAMPLES = [
    "Nguyễn Văn An",
    "Trần Thị Thủy, sinh ngày 02/7/1990 tại xã Phú Lộc",
    "Đặng Hữu Phước; Bùi Thị Ngọc Ánh; Lương Thế Vinh",
    "Ủy ban nhân dân xã Cẩm Phúc, huyện Nghi Xuân, tỉnh Hà Tĩnh",
    "khuỷu tay, người ở, quyết định, giữ gìn",
]


@pytest.mark.parametrize("text", [*SAMPLES, ALL_LOWER])
def test_vni_round_trip(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text
    assert decode_vni(encode_vni(text.upper())) == text.upper()


# TCVN3 has no capitals with tone marks ("Ánh", "Ủy"): those come back in lower case.
TCVN3_SAFE = [t for t in SAMPLES if not any(c.isupper() and not c.isascii() and c not in "ĂÂÊÔƠƯĐ" for c in t)]


@pytest.mark.parametrize("text", [*TCVN3_SAFE, ALL_LOWER])
def test_tcvn3_round_trip(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == text


def test_tcvn3_loses_the_case_of_toned_capitals() -> None:
    assert decode_tcvn3(encode_tcvn3("Bùi Thị Ngọc Ánh")) == "Bùi Thị Ngọc ánh"


def test_published_examples() -> None:
    # Values from the published tables (domain.md §5): đ ®, Đ §, ă ¨, ơ ¬, ư 0xAD; VNI chào = chaøo.
    assert encode_tcvn3("đĐăơư") == b"\xae\xa7\xa8\xac\xad"
    assert encode_vni("chào") == "chaøo".encode("cp1252")
    assert decode_tcvn3("NguyÔn V¨n An") == "Nguyễn Văn An"  # an XLSX cell typed in .VnTime
    assert decode_vni("Nguyeãn Vaên An") == "Nguyễn Văn An"  # an XLSX cell typed in VNI-Times


def test_tcvn3_capitals_typed_in_upper_case_font() -> None:
    # .VnTimeH shows lower-case codes as capitals; a word in capitals stays in capitals.
    assert decode_tcvn3("NGUYÔN V¡N AN".replace("¡", "¨")) == "NGUYỄN VĂN AN"


@pytest.mark.parametrize("text", SAMPLES)
def test_detection_from_bytes(text: str) -> None:
    assert detect_and_decode(text.encode("utf-8")) == (text, Encoding.UTF8)
    if text in TCVN3_SAFE:
        assert detect_and_decode(encode_tcvn3(text)) == (text, Encoding.TCVN3)
    assert detect_and_decode(encode_vni(text)) == (text, Encoding.VNI)
    cp = unicodedata.normalize("NFD", text).encode("cp1258", errors="strict") if _cp1258_ok(text) else None
    if cp is not None:
        assert detect_and_decode(cp) == (text, Encoding.CP1258)


def _cp1258_ok(text: str) -> bool:
    try:
        unicodedata.normalize("NFD", text).encode("cp1258")
        return True
    except UnicodeEncodeError:
        return False


def test_detection_of_mojibake_strings() -> None:
    assert detect_and_decode("NguyÔn V¨n An") == ("Nguyễn Văn An", Encoding.TCVN3)
    assert detect_and_decode("Nguyeãn Vaên An") == ("Nguyễn Văn An", Encoding.VNI)
    assert detect_and_decode("Nguyễn Văn An") == ("Nguyễn Văn An", Encoding.UTF8)
    assert detect_and_decode("Nguyen Van An") == ("Nguyen Van An", Encoding.UTF8)


def test_cp1258_combining_tones_become_nfc() -> None:
    raw = unicodedata.normalize("NFD", "Hoàng Thị Mỹ").encode("cp1258")
    assert decode_cp1258(raw) == "Hoàng Thị Mỹ"

"""Legacy Vietnamese encodings → NFC Unicode: TCVN3 (ABC), VNI, Windows-1258, UTF-8.

Python has no TCVN3 or VNI codec. The tables below are written from the published character
tables (TCVN 5712:1993 VN3 as used by the ABC fonts, and VNI-Windows). Text arrives either as
bytes (a CSV file) or as already-decoded strings full of mojibake (an XLSX cell typed with a
.VnTime or VNI-Times font: ``NguyÔn V¨n An``, ``Nguyeãn Vaên An``); both are handled.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from indexer.vntext import is_syllable

# Vowel rows: base, sắc (acute), huyền (grave), hỏi (hook), ngã (tilde), nặng (dot below).
_TONED = {
    "a": "aáàảãạ",
    "ă": "ăắằẳẵặ",
    "â": "âấầẩẫậ",
    "e": "eéèẻẽẹ",
    "ê": "êếềểễệ",
    "i": "iíìỉĩị",
    "o": "oóòỏõọ",
    "ô": "ôốồổỗộ",
    "ơ": "ơớờởỡợ",
    "u": "uúùủũụ",
    "ư": "ưứừửữự",
    "y": "yýỳỷỹỵ",
}

# TCVN3 (ABC): one byte per lower-case letter; capitals only for the seven base letters.
# Order per row: base, sắc, huyền, hỏi, ngã, nặng (None: plain ASCII).
_TCVN3_ROWS = {
    "a": (None, 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": (None, 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (None, 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (None, 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (None, 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (None, 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
}
TCVN3_TO_UNICODE: dict[int, str] = {
    0xAE: "đ",
    0xA7: "Đ",
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
}
for _base, _codes in _TCVN3_ROWS.items():
    for _tone, _code in enumerate(_codes):
        if _code is not None:
            TCVN3_TO_UNICODE[_code] = _TONED[_base][_tone]
UNICODE_TO_TCVN3 = {v: k for k, v in TCVN3_TO_UNICODE.items()}

# VNI: an ASCII base letter followed by modifier characters (VNI-Windows, as Latin-1 code points).
_VNI_TONE = ("", "ù", "ø", "û", "õ", "ï")  # sắc, huyền, hỏi, ngã, nặng (lower case)
_VNI_BASE = {
    "a": "a",
    "ă": "aê",
    "â": "aâ",
    "e": "e",
    "ê": "eâ",
    "o": "o",
    "ô": "oâ",
    "ơ": "ô",
    "u": "u",
    "ư": "ö",
    "y": "y",
}
# â/ê/ô and ă carry their tone in one combined byte.
_VNI_CIRCUMFLEX_TONE = ("â", "á", "à", "å", "ã", "ä")
_VNI_BREVE_TONE = ("ê", "é", "è", "ú", "ü", "ë")
_VNI_I = ("i", "í", "ì", "æ", "ó", "ò")
_VNI_Y_DOT = "î"


def _vni_lower() -> dict[str, str]:
    table: dict[str, str] = {"đ": "ñ"}
    for base, row in _TONED.items():
        for tone, char in enumerate(row):
            if base == "i":
                vni = _VNI_I[tone]
            elif base in ("â", "ê", "ô"):
                vni = {"â": "a", "ê": "e", "ô": "o"}[base] + _VNI_CIRCUMFLEX_TONE[tone]
            elif base == "ă":
                vni = "a" + _VNI_BREVE_TONE[tone]
            elif base == "y" and tone == 5:
                vni = _VNI_Y_DOT
            else:
                vni = _VNI_BASE[base] + _VNI_TONE[tone]
            if vni != char:
                table[char] = vni
    return table


UNICODE_TO_VNI: dict[str, str] = {}
for _u, _v in _vni_lower().items():
    UNICODE_TO_VNI[_u] = _v
    UNICODE_TO_VNI[_u.upper()] = _v.upper()
VNI_TO_UNICODE = {v: k for k, v in UNICODE_TO_VNI.items()}
# Longest sequences first, and only where a modifier follows a letter (or a lone î/ñ-type byte).
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))


class Encoding(StrEnum):
    UTF8 = "utf-8"
    CP1258 = "windows-1258"
    TCVN3 = "tcvn3"
    VNI = "vni"


def _as_bytes_text(text: str) -> bytes:
    """The bytes a mojibake string was made of (Latin-1 / cp1252 view)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            out += ch.encode("latin-1", errors="replace")
    return bytes(out)


def _fix_case(text: str) -> str:
    """TCVN3 has no toned capitals: a word typed in capitals keeps its accented letters in capitals."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        letters = [c for c in w if c.isascii() and c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            return w.upper()
        return w

    return re.sub(r"\w+", word, text)


def decode_tcvn3(data: bytes | str) -> str:
    raw = _as_bytes_text(data) if isinstance(data, str) else data
    chars = []
    for b in raw:
        if b < 0x80:
            chars.append(chr(b))
        else:
            chars.append(TCVN3_TO_UNICODE.get(b) or bytes([b]).decode("cp1252", errors="replace"))
    return unicodedata.normalize("NFC", _fix_case("".join(chars)))


def decode_vni(data: bytes | str) -> str:
    text = data.decode("cp1252", errors="replace") if isinstance(data, bytes) else data
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text))


def decode_cp1258(data: bytes | str) -> str:
    raw = _as_bytes_text(data) if isinstance(data, str) else data
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


_VIET = set("".join(_TONED.values()) + "đ")
_VIET |= {c.upper() for c in _VIET}
_ALLOWED_SYMBOLS = set("–—…“”‘’«»°№")


def _score(text: str) -> int:
    """How Vietnamese a decoded text looks: words with diacritics that are real syllables count
    for; mis-decoded words and stray symbols count against."""
    score = 0
    for word in re.findall(r"\w+", text):
        if word.isascii():
            continue
        if is_syllable(word):
            score += 2
        else:
            score -= 3
    score -= 4 * sum(
        1 for c in text if not c.isascii() and not c.isalnum() and not c.isspace() and c not in _ALLOWED_SYMBOLS
    )
    score -= 4 * text.count("\ufffd")
    return score


def detect_and_decode(data: bytes | str) -> tuple[str, Encoding]:
    """Decode text whose encoding is unknown; returns NFC text and the encoding judged best."""
    candidates: list[tuple[str, Encoding]] = []
    if isinstance(data, bytes):
        try:
            candidates.append((unicodedata.normalize("NFC", data.decode("utf-8")), Encoding.UTF8))
        except UnicodeDecodeError:
            pass
    else:
        candidates.append((unicodedata.normalize("NFC", data), Encoding.UTF8))
    candidates.append((decode_cp1258(data), Encoding.CP1258))
    candidates.append((decode_tcvn3(data), Encoding.TCVN3))
    candidates.append((decode_vni(data), Encoding.VNI))
    # Ties go to the earlier (more likely) candidate: UTF-8, then Windows-1258.
    best = max(enumerate(candidates), key=lambda ic: (_score(ic[1][0]), -ic[0]))
    return best[1]

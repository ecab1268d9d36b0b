"""Text written in the legacy Vietnamese encodings, for the tests of their decoders: the inverse
of indexer/legacy/encodings.py's tables (sohoa itself only ever reads these encodings)."""

from __future__ import annotations

import unicodedata

from indexer.legacy.encodings import UNICODE_TO_TCVN3, UNICODE_TO_VNI


def encode_tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = UNICODE_TO_TCVN3.get(ch) or UNICODE_TO_TCVN3.get(ch.lower())
        if code is not None:
            out.append(code)
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode("cp1252")

"""Stage 7: a searchable PDF of one page: the page image with invisible text over each word.

Written directly (no PDF library): the page image goes in as one JPEG (``DCTDecode``, encoded
once by OpenCV), the words as invisible text (render mode 3) in a glyph-less CID font whose
``ToUnicode`` map is the identity, the way Tesseract's own PDF renderer does it. Text is stored as
UTF-16 code units, so any NFC Vietnamese text comes back out of ``pdftotext`` unchanged.
Each word is stretched horizontally to its box; a trailing space is stretched over the gap to the
next word of the line so text extractors see the word break.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from capture.fsutil import atomic_write
from ocr.types import Word

GLYPHLESS_FONT_CANDIDATES = (
    Path("/usr/share/tesseract-ocr/5/tessdata/pdf.ttf"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata/pdf.ttf"),
)
CHAR_WIDTH = 500  # glyph advance in 1/1000 em, the same for every CID

_TO_UNICODE = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    b"1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
)


@lru_cache(maxsize=1)
def _glyphless_font() -> bytes | None:
    for p in GLYPHLESS_FONT_CANDIDATES:
        try:
            return p.read_bytes()
        except OSError:
            continue
    return None


@lru_cache(maxsize=1)
def _cid_to_gid() -> bytes:
    # Every CID is drawn with glyph 1 of the glyph-less font (an empty box).
    return zlib.compress(b"\x00\x01" * 65536, 9)


def _num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def _hex_utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _text_ops(words: list[Word], scale: float, page_h: float) -> list[str]:
    """Content-stream operators for the words, one line (same block/par/line) at a time."""
    ops: list[str] = []
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        if w.text and w.width > 0 and w.height > 0:
            lines.setdefault((w.block, w.par, w.line), []).append(w)
    if not lines:
        return ops
    ops.append("BT 3 Tr")
    for line_words in lines.values():
        line_words.sort(key=lambda w: w.left)
        heights = sorted(w.height for w in line_words)
        size = max(heights[len(heights) // 2] * scale, 1.0)
        bottom = max(w.top + w.height for w in line_words)
        baseline = page_h - bottom * scale + 0.2 * size  # descenders hang below the baseline
        ops.append(f"/F1 {_num(size)} Tf")
        for i, w in enumerate(line_words):
            text = w.text
            width = w.width * scale
            nxt = line_words[i + 1] if i + 1 < len(line_words) else None
            if nxt is not None and nxt.left > w.left + w.width:
                text += " "
                width = (nxt.left - w.left) * scale
            natural = len(text.encode("utf-16-be")) // 2 * CHAR_WIDTH / 1000.0 * size
            hscale = 100.0 * width / natural if natural > 0 else 100.0
            ops.append(f"{_num(hscale)} Tz 1 0 0 1 {_num(w.left * scale)} {_num(baseline)} Tm <{_hex_utf16(text)}> Tj")
    ops.append("ET")
    return ops


def encode_jpeg(image: np.ndarray, quality: int) -> tuple[bytes, str, int, int]:
    h, w = image.shape[:2]
    if image.ndim == 2:
        data, space = image, "/DeviceGray"
    else:
        data, space = cv2.cvtColor(image, cv2.COLOR_RGB2BGR), "/DeviceRGB"
    ok, buf = cv2.imencode(".jpg", data, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes(), space, w, h


def build_pdf(image: np.ndarray, words: list[Word], dpi: int, jpeg_quality: int = 70) -> bytes:
    jpeg, space, w, h = encode_jpeg(image, jpeg_quality)
    scale = 72.0 / dpi
    pw, ph = w * scale, h * scale
    content_ops = [f"q {_num(pw)} 0 0 {_num(ph)} 0 0 cm /Im0 Do Q"]
    content_ops += _text_ops(words, scale, ph)
    content = zlib.compress("\n".join(content_ops).encode("ascii"), 6)
    font_file = _glyphless_font()

    objs: list[bytes] = []  # object i+1

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(dict_body: str, data: bytes) -> bytes:
        return f"<< {dict_body} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages = add(b"")
    page = add(b"")
    contents = add(stream("/Filter /FlateDecode", content))
    img = add(
        stream(
            f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} "
            f"/BitsPerComponent 8 /Filter /DCTDecode",
            jpeg,
        )
    )
    to_unicode = add(stream("", _TO_UNICODE))
    cid_map = add(stream("/Filter /FlateDecode", _cid_to_gid()))
    descriptor_extra = ""
    if font_file is not None:
        ff = add(stream(f"/Length1 {len(font_file)}", font_file))
        descriptor_extra = f" /FontFile2 {ff} 0 R"
    descriptor = add(
        (
            f"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 {CHAR_WIDTH} 1000] "
            f"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80{descriptor_extra} >>"
        ).encode()
    )
    cid_font = add(
        (
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /CIDToGIDMap {cid_map} 0 R /DW {CHAR_WIDTH} >>"
        ).encode()
    )
    font = add(
        (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
            f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
        ).encode()
    )
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R >>".encode()
    objs[pages - 1] = f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode()
    objs[page - 1] = (
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {_num(pw)} {_num(ph)}] "
        f"/Resources << /XObject << /Im0 {img} 0 R >> /Font << /F1 {font} 0 R >> >> "
        f"/Contents {contents} 0 R >>"
    ).encode()

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_searchable_pdf(image: np.ndarray, words: list[Word], dpi: int, out: Path, jpeg_quality: int = 70) -> Path:
    """Write atomically to ``out`` (temporary file, then rename)."""
    write_searchable_pdf_hashed(image, words, dpi, out, jpeg_quality)
    return out


def write_searchable_pdf_hashed(
    image: np.ndarray, words: list[Word], dpi: int, out: Path, jpeg_quality: int = 70
) -> str:
    """:func:`write_searchable_pdf`, returning the sha256 of the bytes written (hashed in memory as
    they are written, never read back from the disk: fixity compares the file with this)."""
    data = build_pdf(image, words, dpi, jpeg_quality)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, mode=0o600) as tmp:
        tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest()

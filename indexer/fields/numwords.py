"""Vietnamese numbers in words, as clerks write dates: ``hai nghìn không trăm hai mươi tư`` = 2024.

Accepts nghìn/ngàn, lẻ/linh, mốt (1 after a tens word), tư (4), lăm/nhăm (5 after ten), mười (10) and
mươi (×10), and OCR damage to the marks (words are compared folded).
"""

from __future__ import annotations

from indexer.vntext import fold

UNITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
WORDS = set(UNITS) | {"muoi", "tram", "nghin", "ngan", "le", "linh", "trieu"}

# Canonical spellings of number words, for repairing their marks (folded key -> spellings).
SPELLINGS = {
    "khong": ["không"],
    "mot": ["một", "mốt"],
    "hai": ["hai"],
    "ba": ["ba"],
    "bon": ["bốn"],
    "tu": ["tư"],
    "nam": ["năm"],
    "lam": ["lăm"],
    "nham": ["nhăm"],
    "sau": ["sáu"],
    "bay": ["bảy", "bẩy"],
    "tam": ["tám"],
    "chin": ["chín"],
    "muoi": ["mười", "mươi"],
    "tram": ["trăm"],
    "nghin": ["nghìn"],
    "ngan": ["ngàn"],
    "le": ["lẻ"],
    "linh": ["linh"],
    "trieu": ["triệu"],
    "ngay": ["ngày"],
    "thang": ["tháng"],
    "mong": ["mồng"],
    "mung": ["mùng"],
}


def parse_number(words: list[str]) -> int | None:
    """The value of number words (folded or not); None when they are not a number."""
    keys = [fold(w).strip(",.;:") for w in words]
    keys = [k for k in keys if k]
    if not keys or any(k not in WORDS for k in keys):
        return None
    total = 0
    hundreds = tens = None
    last: int | None = None
    seen_any = False
    for i, k in enumerate(keys):
        if k in UNITS:
            if k == "tu" and last is None and tens is None and hundreds is None and i + 1 < len(keys):
                pass
            if last is not None:
                return None  # two digits in a row
            last = UNITS[k]
            seen_any = True
        elif k == "muoi":
            if last is None:
                if tens is not None:
                    return None
                tens = 1  # mười
            else:
                tens = last
                last = None
        elif k in ("le", "linh"):
            tens = 0
        elif k == "tram":
            hundreds = 1 if last is None else last
            last = None
        elif k in ("nghin", "ngan", "trieu"):
            chunk = (hundreds or 0) * 100 + (tens or 0) * 10 + (last or 0)
            if chunk == 0 and not seen_any:
                chunk = 1
            total += chunk * (1000 if k != "trieu" else 1_000_000)
            hundreds = tens = last = None
        seen_any = True
    total += (hundreds or 0) * 100 + (tens or 0) * 10 + (last or 0)
    return total

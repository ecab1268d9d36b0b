"""The one-stop dossier code (mã hồ sơ, TT 01/2018/TT-VPCP Điều 19): ``000.17.31.H42-230515-0001``
= agency code + receipt date YYMMDD + daily sequence."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from indexer.fields.correct import LETTER_DIGITS

PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
_LETTERS = str.maketrans({"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G", "4": "A"})


@dataclass
class CodeCheck:
    code: str
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def date(self) -> dt.date | None:
        m = re.search(r"-(\d{2})(\d{2})(\d{2})-", self.code)
        if not m:
            return None
        try:
            return dt.date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None


def check(text: str) -> CodeCheck:
    raw = text.strip()
    s = re.sub(r"\s*([.,\-—–_])\s*", r"\1", raw.strip(" .,;:"))
    s = re.sub(r"\s+", ".", s)  # a lost dot between groups reads as a space
    s = s.replace("—", "-").replace("–", "-").replace("_", "-").replace(",", ".")
    # Shape: 3.2.2.L2-6-4; put digits where digits belong and a letter where the letter belongs.
    m = re.match(r"^(\w{3})\.?(\w{2})\.?(\w{2})\.?([A-Za-z0-9])(\w{2})[-.]?(.+)$", s)
    tail = re.sub(r"[^0-9A-Za-z]", "", m.group(6)) if m else ""
    if m and len(tail) == 10:  # the date and the sequence, whatever OCR put between them
        g = list(m.groups()[:5]) + [tail[:6], tail[6:]]
        fixed = [x.translate(LETTER_DIGITS) for x in g]
        fixed[3] = g[3].upper().translate(_LETTERS)
        s2 = f"{fixed[0]}.{fixed[1]}.{fixed[2]}.{fixed[3]}{fixed[4]}-{fixed[5]}-{fixed[6]}"
    else:
        s2 = s
    res = CodeCheck(s2)
    if s2 != raw:
        res.changes.append(f"chuẩn hóa mã hồ sơ: {raw} → {s2}")
    if not PATTERN.match(s2):
        res.problems.append("mã hồ sơ không đúng mẫu 000.00.00.H00-YYMMDD-0000")
    elif res.date is None:
        res.problems.append("ngày trong mã hồ sơ không hợp lệ")
    return res

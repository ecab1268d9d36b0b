"""Personal ID numbers: the 12-digit số định danh cá nhân / CCCD and the old 9-digit CMND.

12 digits = PPP (province of birth registration: a legacy province of gazetteer.py) + G (century and sex:
0/1 = male/female born 19xx, 2/3 = 20xx, …; even = male) + YY (birth year) + 6 random digits; no
check digit. Validation checks the structure and, when the document says so, the sex and birth
year; a repair undoes one or two of Tesseract's digit confusions and must make every check pass.
Never log a full number: sohoa.logsetup masks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.fields import gazetteer
from indexer.fields.correct import digit_variants, normalize_digits
from indexer.fields.dates import today

SEX_OF_DIGIT = {str(d): ("Nam" if d % 2 == 0 else "Nữ") for d in range(10)}
CENTURY_OF_DIGIT = {str(d): 1900 + 100 * (d // 2) for d in range(10)}


@dataclass
class IdCheck:
    number: str
    kind: str  # "id12" | "cmnd9" | "unknown"
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # checks that passed against other fields

    @property
    def ok(self) -> bool:
        return not self.problems


def masked(number: str) -> str:
    return number[:4] + "*" * max(0, len(number) - 6) + number[-2:] if len(number) > 6 else "***"


def problems_id12(number: str, sex: str | None = None, birth_year: int | None = None) -> list[str]:
    out = []
    if not re.fullmatch(r"\d{12}", number):
        n = len(re.sub(r"\D", "", number))
        return [f"số định danh phải có 12 chữ số (đọc được {n})"]
    if gazetteer.load().province_by_prefix(number[:3]) is None:
        out.append(f"mã tỉnh {number[:3]} không có trong danh mục")
    g = number[3]
    born = CENTURY_OF_DIGIT[g] + int(number[4:6])
    if born > today().year:  # a century digit 8 or 9 (2400s) is read for a 0 or 1 more often than issued
        out.append(f"năm sinh trong số ({born}) chưa tới")
    if sex and SEX_OF_DIGIT[g] != sex:
        out.append(f"chữ số thế kỷ/giới tính {g} không khớp giới tính {sex}")
    if birth_year is not None:
        century = CENTURY_OF_DIGIT[g]
        if century + int(number[4:6]) != birth_year:
            out.append(f"năm sinh trong số ({century + int(number[4:6])}) không khớp năm sinh {birth_year}")
    return out


def check_id12(
    text: str, sex: str | None = None, birth_year: int | None = None, province_hint: str | None = None
) -> IdCheck:
    """Read a 12-digit number out of ``text`` (spaces and dots allowed) and check it."""
    digits = re.sub(r"[\s.]", "", normalize_digits(text))
    m = re.search(r"\d{9,13}", digits)
    number = m.group(0) if m else re.sub(r"\D", "", digits)
    res = IdCheck(number, "id12" if len(number) == 12 else ("cmnd9" if len(number) == 9 else "unknown"))
    if res.kind == "cmnd9":
        return res
    res.problems = problems_id12(number, sex, birth_year)
    if not res.problems:
        if sex:
            res.confirmed.append("giới tính")
        if birth_year is not None:
            res.confirmed.append("năm sinh")
        return res
    if len(number) != 12:
        return res
    # Undo digit confusions: every check must pass; fewest changes; a unique winner only.
    best: list[tuple[int, int, str]] = []
    for cand, n in digit_variants(number, 2):
        if n == 0 or problems_id12(cand, sex, birth_year):
            continue
        hint_cost = 0 if province_hint is None or cand[:3] == province_hint else 1
        best.append((n, hint_cost, cand))
    if not best:
        return res
    best.sort()
    top = [b for b in best if b[:2] == best[0][:2]]
    if len(top) == 1:
        fixed = top[0][2]
        res.changes.append(f"sửa chữ số bị nhận nhầm trong số định danh ({top[0][0]} chữ số)")
        res.number = fixed
        res.problems = []
        if sex:
            res.confirmed.append("giới tính")
        if birth_year is not None:
            res.confirmed.append("năm sinh")
    else:
        res.problems.append("nhiều cách sửa số định danh")
    return res

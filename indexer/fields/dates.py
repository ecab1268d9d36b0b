"""Dates as clerks write them, read and checked.

- numeric ``02/7/1990``, ``21-5-1965``, ``17.02.2022``, and ISO ``1988-10-11``
- ``ngày 05 tháng 06 năm 2024`` (with ``mồng``/``mùng`` for days 1–10)
- in words: ``Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư`` (numwords.py)
- with a time: ``08 giờ 30 phút, ngày 12/03/2024``
- a year alone: ``Năm sinh: 1963``

An impossible date (month 92, year 2924, 66 minutes) is repaired by undoing Tesseract's digit
confusions (correct.py) when exactly one nearest repair is possible, and is always flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from indexer.fields.correct import digit_variants, normalize_digits
from indexer.fields.numwords import SPELLINGS, parse_number
from indexer.fields.syllables import distance, match_case
from indexer.vntext import fold

MIN_YEAR = 1880
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s?([/.\-])\s?(\d{1,2})\s?([/.\-])\s?(\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NTN = re.compile(r"ng[aà]y\s+(?:m[ồùô]ng\s+|m[uù]ng\s+)?(\d{1,2})\s+th[aá]ng\s+(\d{1,2})\s+n[aăắ]m\s+(\d{4})", re.I)


def today() -> dt.date:
    return dt.date.today()


@dataclass
class DateRead:
    text: str  # the value as printed, repaired
    date: dt.date | None = None
    time: tuple[int, int] | None = None
    year: int | None = None
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def iso(self) -> str | None:
        if self.date is None:
            return str(self.year) if self.year else None
        if self.time:
            return f"{self.date.isoformat()}T{self.time[0]:02d}:{self.time[1]:02d}"
        return self.date.isoformat()


@dataclass
class Expect:
    """What the rest of the document says about a date (cross-checks and repair constraints)."""

    not_after: dt.date | None = None
    not_before: dt.date | None = None
    year: int | None = None  # e.g. from a personal ID's birth-year digits
    year_mod100: int | None = None


def _valid(d: int, m: int, y: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _fits(date: dt.date, exp: Expect) -> bool:
    if date.year < MIN_YEAR or date > today() + dt.timedelta(days=400):
        return False
    if exp.not_after and date > exp.not_after:
        return False
    if exp.not_before and date < exp.not_before:
        return False
    if exp.year and date.year != exp.year:
        return False
    return not (exp.year_mod100 is not None and date.year % 100 != exp.year_mod100)


def _repair_dmy(d: str, m: str, y: str, exp: Expect) -> tuple[tuple[str, str, str] | None, int, bool]:
    """Best (d, m, y) strings with fewest digit repairs; (None, …) when none; bool: ambiguous."""
    digits = d + m + y
    best: list[tuple[float, str]] = []
    for cand, n in digit_variants(digits, 2):
        dd, mm, yy = cand[: len(d)], cand[len(d) : len(d) + len(m)], cand[len(d) + len(m) :]
        date = _valid(int(dd), int(mm), int(yy))
        if date is None or not _fits(date, exp):
            continue
        best.append((n, cand))
        if n == 0:
            break
    if not best:
        return None, 0, False
    best.sort()
    n0 = best[0][0]
    top = {c for n, c in best if n == n0}
    cand = sorted(top)[0]
    return (cand[: len(d)], cand[len(d) : len(d) + len(m)], cand[len(d) + len(m) :]), int(n0), len(top) > 1


def read_numeric(text: str, exp: Expect | None = None) -> DateRead:
    """A numeric or ``ngày … tháng … năm …`` date inside ``text``; the rest of the text is kept."""
    exp = exp or Expect()
    norm = normalize_digits(text)
    m = _NUMERIC.search(norm)
    kind = "numeric"
    if not m:
        m = _NTN.search(norm)
        kind = "ntn"
    if not m:
        iso = _ISO.search(norm)
        if iso:  # 1988-10-11, as some software prints it: read, never re-ordered or repaired
            out = DateRead(norm, date=_valid(int(iso.group(3)), int(iso.group(2)), int(iso.group(1))))
            if out.date is None or not _fits(out.date, exp):
                out.problems.append("ngày không hợp lệ" if out.date is None else "ngày không khớp với giấy tờ khác")
            return out
        return DateRead(text, problems=["không đọc được ngày"])
    if kind == "numeric":
        d, sep1, mo, sep2, y = m.groups()
    else:
        d, mo, y = m.groups()
    out = DateRead(norm)
    if kind == "numeric" and re.search(r"\s", m.group(0)):  # ``27.05. 2016``: a gap OCR may have made
        out.problems.append(f"ngày “{m.group(0)}” có khoảng trắng lạ")
    date = _valid(int(d), int(mo), int(y))
    if date is None or not _fits(date, exp):
        fixed, _n, ambiguous = _repair_dmy(d, mo, y, exp)
        if fixed is None:
            # keep a valid but inconsistent date as read; flag it
            out.date = date
            out.problems.append("ngày không hợp lệ" if date is None else "ngày không khớp với giấy tờ khác")
            return out
        d2, m2, y2 = fixed
        if kind == "numeric":
            new = f"{d2}{sep1}{m2}{sep2}{y2}"
        else:
            new = m.group(0).replace(d, d2, 1)
            new = re.sub(r"(th[aá]ng\s+)" + mo, r"\g<1>" + m2, new, count=1)
            new = re.sub(r"(n[aăắ]m\s+)" + y, r"\g<1>" + y2, new, count=1)
        out.text = norm[: m.start()] + new + norm[m.end() :]
        out.date = _valid(int(d2), int(m2), int(y2))
        out.changes.append(f"sửa chữ số bị nhận nhầm: {m.group(0)} → {new}")
        if ambiguous:
            out.problems.append("nhiều cách sửa ngày")
        return out
    out.date = date
    return out


def read_year(text: str, exp: Expect | None = None) -> DateRead:
    exp = exp or Expect()
    norm = normalize_digits(text)
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", norm)
    if not m:
        return DateRead(text, problems=["không đọc được năm"])
    y = m.group(1)
    out = DateRead(norm, year=int(y))

    def ok(yy: int) -> bool:
        return (
            MIN_YEAR <= yy <= today().year
            and (exp.year is None or yy == exp.year)
            and (exp.year_mod100 is None or yy % 100 == exp.year_mod100)
        )

    if ok(int(y)):
        return out
    cands = sorted((n, c) for c, n in digit_variants(y, 2) if ok(int(c)))
    if not cands:
        out.problems.append(
            "năm không hợp lệ" if not MIN_YEAR <= int(y) <= today().year else "năm không khớp với giấy tờ khác"
        )
        return out
    n0 = cands[0][0]
    top = sorted({c for n, c in cands if n == n0})
    out.year = int(top[0])
    out.text = norm[: m.start()] + top[0] + norm[m.end() :]
    out.changes.append(f"sửa chữ số bị nhận nhầm: {y} → {top[0]}")
    if len(top) > 1:
        out.problems.append("nhiều cách sửa năm")
    return out


_TIME = re.compile(r"(\d{1,2})\s*(g\w*)\s*(\d{1,2})\s*(p\w*)", re.I)


def read_datetime(text: str, exp: Expect | None = None) -> DateRead:
    """``08 giờ 20 phút, ngày 01/11/2019``; the time is repaired like the date (minutes < 60)."""
    norm = normalize_digits(text)
    m = _TIME.search(norm)
    rest_start = 0
    time = None
    prefix = ""
    changes: list[str] = []
    problems: list[str] = []
    if m and fold(m.group(2)).startswith("g") and fold(m.group(4)).startswith("p") and len(m.group(2)) <= 4:
        hh, mm = m.group(1), m.group(3)
        best = None
        for cand, n in digit_variants(hh + mm, 2):
            h, mi = int(cand[: len(hh)]), int(cand[len(hh) :])
            if h <= 23 and mi <= 59:
                # appointment and event times are mostly on the quarter hour or five minutes
                cost = n - (1.2 if mi % 5 == 0 else 0) - (0.3 if mi % 15 == 0 else 0)
                if best is None or cost < best[0]:
                    best = (cost, n, cand)
                if n == 0 and best[2] == cand:
                    break
        if best is None:
            problems.append("giờ không hợp lệ")
            h_s, m_s = hh, mm
        else:
            h_s, m_s = best[2][: len(hh)], best[2][len(hh) :]
            if best[1]:
                changes.append(f"sửa chữ số bị nhận nhầm: {hh} giờ {mm} phút → {h_s} giờ {m_s} phút")
        time = (int(h_s), int(m_s))
        prefix = f"{h_s} giờ {m_s} phút"
        rest_start = m.end()
    rest = norm[rest_start:]
    date = read_numeric(rest, exp)
    tail = re.search(r"(\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{4}|n[aăắ]m\s+\d{4})(.*)$", rest)
    if tail and tail.group(2).strip(" .,;"):
        problems.append(f"bỏ phần thừa sau ngày: “{tail.group(2).strip()}”")
        rest = rest[: tail.end(1)]
        date = read_numeric(rest, exp)
    sep = ""
    if prefix:
        mm_ = re.match(r"\s*([,;.]?)\s*", rest)
        sep = ", " if mm_ and mm_.group(1) else " "
        body = rest[mm_.end() :] if mm_ else rest
        date_text = _fix_ngay(_reapply(body, date))
        text_out = prefix + sep + date_text
    else:
        text_out = _fix_ngay(date.text)
    return DateRead(text_out.strip(), date.date, time, None, changes + date.changes, problems + date.problems)


def _reapply(body: str, date: DateRead) -> str:
    """The date part of a datetime with the date's own repair applied."""
    if not date.changes:
        return body
    old_new = date.changes[0].split(": ", 1)[1]
    old, new = old_new.split(" → ")
    return body.replace(old, new, 1)


def fix_date_words(text: str) -> str:
    """``ngay``/``ngảy`` → ``ngày``, ``thang`` → ``tháng``, ``nam`` → ``năm``, each only right before
    the day, month or year digits (the one word that stands there)."""
    return _fix_ngay(text)


def _fix_ngay(text: str) -> str:
    """``ngay``/``ngảy`` → ``ngày`` and ``thang`` → ``tháng`` in a date phrase."""
    words = text.split(" ")
    for i, w in enumerate(words):
        core = w.strip(",.;:")
        f = fold(core)
        if f in ("ngay", "thang") and i + 1 < len(words) and any(c.isdigit() for c in words[i + 1]):
            good = "ngày" if f == "ngay" else "tháng"
            words[i] = w.replace(core, match_case(good, core))
        elif f == "nam" and i + 1 < len(words) and re.match(r"^\d{4}", words[i + 1]):
            words[i] = w.replace(core, match_case("năm", core))
    return " ".join(words)


def read_place_date(text: str, exp: Expect | None = None) -> tuple[str, DateRead]:
    """``xã Cẩm Phúc, ngày 28 tháng 02 năm 2022`` → (place part, date part)."""
    norm = normalize_digits(text)
    m = re.search(r"[,;.]?\s*\b(ng\w{1,3})\s+(?:m\w{2,3}\s+)?\d", norm)
    if not m or not fold(m.group(1)).startswith("ng"):
        return norm, read_numeric(norm, exp)
    place = norm[: m.start()].strip(" ,;.")
    date = read_numeric(norm[m.start() :], exp)
    date.text = _fix_ngay(date.text.strip(" ,;"))
    return place, date


# -- dates in words -------------------------------------------------------------------------------


def _split_words_date(words: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    keys = [fold(w).strip(",.;:") for w in words]
    try:
        i_day = keys.index("ngay")
        i_month = keys.index("thang", i_day + 1)
    except ValueError:
        return None
    i_year = next((i for i in range(i_month + 2, len(keys)) if keys[i] == "nam"), None)
    if i_year is None:
        return None
    day = [w for w, k in zip(words[i_day + 1 : i_month], keys[i_day + 1 : i_month]) if k not in ("mong", "mung")]
    return day, words[i_month + 1 : i_year], words[i_year + 1 :]


def read_words(text: str) -> tuple[str, dt.date | None, list[str], list[str]]:
    """(repaired text, date, changes, problems) of a date written in words."""
    words = [w for w in text.split() if w.strip(",.;:")]
    fixed = []
    changes: list[str] = []
    prev = ""
    for w in words:
        core = w.strip(",.;:")
        tail = "," if w.rstrip(".;:").endswith(",") else ""
        key = fold(core)
        spell = SPELLINGS.get(key)
        if spell:
            if key == "muoi":
                want = "mươi" if fold(prev) in ("hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin") else "mười"
                good = want
            elif key == "mot":
                good = "mốt" if fold(prev) == "muoi" and prev.lower() != "mười" else "một"
                good = min(spell, key=lambda s: (distance(core, s), s != good))
            elif key == "nam" and prev and fold(prev) == "muoi":
                good = "lăm"
                good = "lăm" if fold(core) == "lam" else "năm"
            else:
                good = min(spell, key=lambda s: distance(core, s))
            new = match_case(good, core) + tail
            if new != w:
                changes.append(f"{w} → {new}")
            fixed.append(new)
        else:
            fixed.append(w)
        prev = core
    parts = _split_words_date(fixed)
    problems: list[str] = []
    date = None
    if parts is None:
        problems.append("không đọc được ngày bằng chữ")
    else:
        d, m, y = (parse_number(p) for p in parts)
        if None in (d, m, y):
            problems.append("không đọc được ngày bằng chữ")
        else:
            date = _valid(d, m, y)  # type: ignore[arg-type]
            if date is None:
                problems.append("ngày bằng chữ không hợp lệ")
    return " ".join(fixed), date, changes, problems

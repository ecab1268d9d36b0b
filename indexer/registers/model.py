"""Pure helpers over register entries: values normalised by their kind, the entry number, dates,
the columns copied out of ``data``, and the people an entry names. No database here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from indexer.fields.dates import read_numeric
from indexer.people.index import PersonRecord
from indexer.people.sources import SOURCE_REGISTER_ENTRY
from indexer.registers.vocabulary import DATE, ENUM, NAME, NUMBER, BookType
from indexer.vntext import fold, nfc, repair_marks


class RegisterError(Exception):
    """A request the registers cannot carry out; ``message`` is Vietnamese, for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_SO = re.compile(r"^\s*(?:s[ốoô]\s*[:.]?\s*)?0*(\d{1,7})\s*(?:/\s*(\d{4})\s*)?[.,]?\s*$", re.I)


def norm_so(text: Any) -> str | None:
    """The entry number as a key: ``"047"`` → ``"47"``, ``"Số: 47"`` → ``"47"``, ``"47/2015"`` →
    ``"47"``; None for what is not an entry number (``"20/GKS-BS"`` is a copy's issue number)."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return str(int(text)) if float(text).is_integer() and text >= 0 else None
    m = _SO.match(nfc(str(text)))
    if not m:
        return None
    return str(int(m.group(1)))


def so_sort_key(so: str | None) -> tuple[int, int, str]:
    if so is None:
        return (1, 0, "")
    return (0, int(so), so) if so.isdigit() else (0, 10**9, so)


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: Any) -> date | None:
    """A date written the ways clerks write it (``02/7/1990``, ``1990-07-02``, ``ngày 2 tháng 7
    năm 1990``), or None."""
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text
    return _parse_date(str(text).strip())


@lru_cache(maxsize=1 << 16)
def _parse_date(s: str) -> date | None:
    m = _DMY.fullmatch(s)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    r = read_numeric(s)
    return r.date


def parse_year(text: Any) -> int | None:
    d = parse_date(text)
    if d is not None:
        return d.year
    m = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", str(text or ""))
    return int(m.group(1)) if m else None


def fmt_date(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


_SEX = {
    "nam": "Nam",
    "1": "Nam",
    "male": "Nam",
    "m": "Nam",
    "nu": "Nữ",
    "2": "Nữ",
    "female": "Nữ",
    "f": "Nữ",
    "3": "Chưa xác định",
    "chua xac dinh": "Chưa xác định",
}


def clean_value(bt: BookType, key: str, value: Any) -> tuple[str, str | None]:
    """(the value as stored, a problem or None). Dates become ``dd/mm/yyyy`` (a year alone stays a
    year), names and texts NFC with single spaces (names with their marks in Vietnamese order,
    ``indexer.vntext.repair_marks``), sex ``Nam``/``Nữ``; the entry number its key."""
    text = clean_text(value)
    if not text:
        return "", None
    spec = bt.key(key)
    kind = spec.kind if spec else None
    if key == "so":
        so = norm_so(text)
        return (so, None) if so is not None else (text, f"số không hợp lệ: «{text}»")
    if kind == DATE:
        d = parse_date(text)
        if d is not None:
            return fmt_date(d), None
        y = re.fullmatch(r"(?:năm\s*)?(1[89]\d\d|20\d\d)", text, re.I)
        if y:
            return y.group(1), None
        return text, f"ngày không hợp lệ: «{text}»"
    if kind == ENUM and key.endswith("GioiTinh"):
        return _SEX.get(fold(text), text), None
    if kind == NUMBER:
        n = norm_so(text)
        return (n, None) if n is not None else (text, f"không phải số: «{text}»")
    if kind == NAME:
        return repair_marks(text), None
    return text, None


def clean_data(bt: BookType, data: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Every known key cleaned; unknown keys kept as text (nothing a clerk typed is dropped)."""
    out: dict[str, str] = {}
    problems: list[str] = []
    for k, v in data.items():
        val, problem = clean_value(bt, k, v)
        if problem:
            problems.append(f"{bt.label_of(k)}: {problem}")
        if val != "":
            out[k] = val
    return out, problems


@dataclass(frozen=True)
class Summary:
    """The columns of ``register_entries`` that are copies of ``data``."""

    so: str | None
    page_no: int | None
    registration_date: date | None
    name: str
    birth_date: date | None


def summary(bt: BookType, data: dict[str, str]) -> Summary:
    names = [data.get(r.name, "") for r in bt.people[: 2 if bt.id == "ket_hon" else 1]]
    name = " – ".join(n for n in names if n)
    birth = parse_date(data.get(bt.primary.birth)) if bt.primary.birth else None
    page = norm_so(data.get("trangSo"))
    return Summary(
        norm_so(data.get("so")), int(page) if page else None, parse_date(data.get("ngayDangKy")), name[:200], birth
    )


def entry_people(
    bt: BookType,
    entry_id: int,
    data: dict[str, str],
    *,
    reg_year: int | None,
    commune: str | None,
    page_id: int | None = None,
    document_id: int | None = None,
) -> list[PersonRecord]:
    """The people an entry names, as the name index takes them (source ``register_entry``)."""
    out: list[PersonRecord] = []
    for role in bt.people:
        name = data.get(role.name, "")
        for part in (p.strip() for p in name.split(";")):
            if not part or not any(c.isalpha() for c in part):
                continue
            out.append(
                PersonRecord(
                    name=part,
                    role=role.role,
                    source_type=SOURCE_REGISTER_ENTRY,
                    source_id=entry_id,
                    source_seq=len(out),
                    document_id=document_id,
                    page_id=page_id,
                    birth=data.get(role.birth) if role.birth else None,
                    register_type=bt.person_type,
                    reg_year=reg_year,
                    commune=commune,
                    mother_name=data.get(role.mother) if role.mother else None,
                    father_name=data.get(role.father) if role.father else None,
                )
            )
    return out


def book_key(bt_id: str, year: int, volume: str) -> str:
    """The readable key of a book: ``khai_sinh/2012/01``."""
    return f"{bt_id}/{year}/{volume}"


def norm_volume(text: Any) -> str:
    """Quyển số as printed, tidied: ``"1"`` → ``"01"``; ``"01-SCT/BS"`` kept."""
    t = clean_text(text)
    t = re.sub(r"^(?:quy[ểe]n\s*(?:s[ốo])?\s*[:.]?\s*)", "", t, flags=re.I)
    if t.isdigit():
        return f"{int(t):02d}"
    return t

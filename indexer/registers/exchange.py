"""The exchange round trip: what sohoa exports of its registers, another (empty) sohoa imports whole.

Two files carry it, both written by ``export.py``:

* a book's XLSX (``sohoa export BOOK``): the national import's sheet ``DuLieu`` (one row per entry,
  vocabulary columns) and ``So``, plus four sheets the national import ignores — ``SoSohoa`` (the
  book: type, year, quyển số, layout, dates, commune with code and scheme, keyed twice or not),
  ``MucSohoa`` (per ``DuLieu`` row: số, status, origin, notes, who created and verified it and
  when, the keys the national sheet shows that the entry does not hold, values under keys outside
  the vocabulary, how its keying ended), ``LichSu`` (every history line: when, who, kind, field,
  old, new, why) and ``NhapLieu`` (every keying from the paper: who keyed which values as typed
  and when, as keyer or as arbitrator — ``register_keyings``);
* ``sohoa export all --format json``: every book with its entries, each with the same facts.

:func:`import_file` reads either back: each book is created (its commune found by code or name, or
created) and filled with its entries — every value, status and history line as it was, the name
index rebuilt, the keyings kept — in one transaction per book, with one audit line. A book that already holds entries
is left alone and reported, so importing the same file twice changes nothing. Page images, row
boxes and filed dossiers are not carried (they live with the scans and the dossiers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import RegisterBook, RegisterEntry, RegisterEntryChange, RegisterKeying, utcnow
from indexer.registers.books import BookInfo, resolve_commune
from indexer.registers.entries import _reindex
from indexer.registers.model import RegisterError, book_key, fmt_date, parse_date, summary
from indexer.registers.vocabulary import BOOK_TYPES, LAYOUTS, BookType
from indexer.vntext import nfc

FORMAT_BOOK = "sohoa-book/1"
FORMAT_ALL = "sohoa-registers/1"
META_SHEET, ENTRY_SHEET, HISTORY_SHEET, KEYING_SHEET = "SoSohoa", "MucSohoa", "LichSu", "NhapLieu"
ENTRY_HEAD = [
    "dong",
    "so",
    "so_raw",
    "trang",
    "trang_thai",
    "nguon",
    "ghi_chu",
    "tao_boi",
    "tao_luc",
    "kiem_tra_boi",
    "kiem_tra_luc",
    "tham_chieu",
    "khoa_them",
    "truong_khac",
    "ket_qua_nhap",
]
HISTORY_HEAD = ["dong", "luc", "nguoi", "loai", "truong", "cu", "moi", "ly_do"]
KEYING_HEAD = ["dong", "vai_tro", "nguoi", "luc", "gia_tri"]
# how an entry's keying from the paper ended (``keying_outcome``)
KEYED, WAITING, DISAGREED, AGREED, ARBITRATED = "keyed", "waiting", "disagreed", "agreed", "arbitrated"


def iso(at: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC (SQLite hands times back without their zone)."""
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


def _time(text: Any) -> datetime | None:
    if text in (None, ""):
        return None
    at = datetime.fromisoformat(str(text))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# -- what is written ----------------------------------------------------------------------------------


def history_of(s: Session, entry_ids: list[int] | None = None) -> dict[int, list[dict[str, Any]]]:
    """Each entry's history lines, oldest first (all entries' without ``entry_ids``)."""
    q = select(RegisterEntryChange).order_by(RegisterEntryChange.id)
    if entry_ids is not None:
        q = q.where(RegisterEntryChange.entry_id.in_(entry_ids or [-1]))
    out: dict[int, list[dict[str, Any]]] = {}
    for h in s.scalars(q):
        out.setdefault(h.entry_id, []).append(
            {
                "at": iso(h.at),
                "actor": h.actor,
                "kind": h.kind,
                "field": h.field,
                "old": h.old_value,
                "new": h.new_value,
                "reason": h.reason,
            }
        )
    return out


def keyings_of(s: Session, entry_ids: list[int] | None = None) -> dict[int, list[dict[str, Any]]]:
    """Each entry's keyings (``register_keyings``), first keyed first: role (``key`` a keyer's
    reading, ``arbiter`` the arbitrator's choice), who, when, the values as typed."""
    q = select(RegisterKeying).order_by(RegisterKeying.at, RegisterKeying.id)
    if entry_ids is not None:
        q = q.where(RegisterKeying.entry_id.in_(entry_ids or [-1]))
    out: dict[int, list[dict[str, Any]]] = {}
    for k in s.scalars(q):
        out.setdefault(k.entry_id, []).append(
            {"role": k.role, "actor": k.actor, "at": iso(k.at), "data": dict(k.data or {})}
        )
    return out


def keying_outcome(keyings: list[dict[str, Any]], status: str, double: bool) -> str | None:
    """How an entry's keying ended: None (not keyed), ``keyed`` (once, a book keyed once),
    ``waiting`` (one of two readings), ``disagreed`` (two that differ, no arbitrator yet),
    ``agreed`` (two that agree), ``arbitrated`` (settled by an arbitrator)."""
    if not keyings:
        return None
    if any(k["role"] == "arbiter" for k in keyings):
        return ARBITRATED
    readers = {k["actor"] for k in keyings if k["role"] == "key"}
    if len(readers) >= 2:
        return AGREED if status == "verified" else DISAGREED
    return WAITING if double else KEYED


def entry_facts(e: RegisterEntry) -> dict[str, Any]:
    """What an entry is besides its values and history (the JSON export's keys)."""
    return {
        "so": e.so,
        "so_raw": e.so_raw,
        "trangSo": e.page_no,
        "status": e.status,
        "origin": e.origin,
        "notes": e.notes or "",
        "created_by": e.created_by,
        "created_at": iso(e.created_at),
        "verified_by": e.verified_by,
        "verified_at": iso(e.verified_at),
        "source_ref": e.source_ref,
    }


def book_facts(b: RegisterBook | BookInfo, commune: Any, *, double_keying: bool | None = None) -> dict[str, Any]:
    double = bool(getattr(b, "double_keying", False)) if double_keying is None else double_keying
    return {
        "book_type": b.book_type,
        "year": b.year,
        "quyenSo": b.volume,
        "layout": b.layout,
        "title": b.title,
        "opened_on": fmt_date(b.opened_on),
        "closed_on": fmt_date(b.closed_on),
        "expected_pages": b.expected_pages,
        "notes": b.notes or "",
        "commune": {"name": commune.name, "code": commune.code, "scheme": commune.scheme, "province": commune.province},
        "double_keying": double,
    }


def add_sheets(
    wb: Any,
    facts: dict[str, Any],
    rows: list[tuple[RegisterEntry, set[str]]],
    history: dict[int, list[dict[str, Any]]],
    keyings: dict[int, list[dict[str, Any]]] | None = None,
) -> None:
    """The four sohoa sheets of a book's XLSX; ``rows`` are the ``DuLieu`` rows in order, each with
    the keys that sheet shows although the entry does not hold them."""
    keyings = keyings or {}
    meta = wb.create_sheet(META_SHEET)
    meta.append(["truong", "gia_tri"])
    meta.append(["format", FORMAT_BOOK])
    for k, v in facts.items():
        meta.append([k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v])
    ents = wb.create_sheet(ENTRY_SHEET)
    ents.append(ENTRY_HEAD)
    hist = wb.create_sheet(HISTORY_SHEET)
    hist.append(HISTORY_HEAD)
    keyed = wb.create_sheet(KEYING_SHEET)
    keyed.append(KEYING_HEAD)
    for n, (e, added) in enumerate(rows, 1):
        bt = BOOK_TYPES[facts["book_type"]]
        known = {k.key for k in bt.all_keys}
        other = {k: v for k, v in (e.data or {}).items() if k not in known}
        f = entry_facts(e)
        ents.append(
            [
                n,
                f["so"],
                f["so_raw"],
                f["trangSo"],
                f["status"],
                f["origin"],
                f["notes"],
                f["created_by"],
                f["created_at"],
                f["verified_by"],
                f["verified_at"],
                f["source_ref"],
                ",".join(sorted(added)),
                json.dumps(other, ensure_ascii=False) if other else "",
                keying_outcome(keyings.get(e.id, []), e.status, bool(facts.get("double_keying"))) or "",
            ]
        )
        for h in history.get(e.id, []):
            hist.append([n, h["at"], h["actor"], h["kind"], h["field"], h["old"], h["new"], h["reason"]])
        for kg in keyings.get(e.id, []):
            keyed.append([n, kg["role"], kg["actor"], kg["at"], json.dumps(kg["data"], ensure_ascii=False)])
    for sheet in (ents, hist, keyed):
        for col in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
            for cell in col:
                cell.number_format = "@"


# -- what is read ---------------------------------------------------------------------------------------


@dataclass
class EntrySpec:
    data: dict[str, str]
    facts: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    keyings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BookOutcome:
    key: str
    entries: int = 0
    history: int = 0
    keyings: int = 0
    skipped: str | None = None  # why the book was left alone


@dataclass
class ExchangeReport:
    path: Path
    books: list[BookOutcome] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return sum(b.entries for b in self.books)


def _text(v: Any) -> str:
    return "" if v is None else nfc(str(v))


def _read_xlsx(path: Path) -> list[tuple[dict[str, Any], list[EntrySpec]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    if META_SHEET not in wb.sheetnames:
        raise RegisterError(
            f"{path.name} không phải tệp trao đổi của sohoa (thiếu trang {META_SHEET}); "
            "dữ liệu từ phần mềm khác: sohoa legacy import."
        )
    meta = {str(k): v for k, v in list(wb[META_SHEET].iter_rows(values_only=True))[1:] if k}
    if meta.get("format") != FORMAT_BOOK:
        raise RegisterError(f"{path.name}: định dạng «{meta.get('format')}» không đọc được (cần {FORMAT_BOOK}).")
    facts = {k: v for k, v in meta.items() if k != "format"}
    facts["commune"] = json.loads(str(facts.get("commune") or "{}"))
    bt = BOOK_TYPES.get(str(facts.get("book_type")))
    if bt is None:
        raise RegisterError(f"{path.name}: loại sổ «{facts.get('book_type')}» không có.")
    known = {k.key for k in bt.all_keys}
    data_rows = list(wb["DuLieu"].iter_rows(values_only=True))
    head = [str(h) if h is not None else "" for h in data_rows[0]]
    ent_rows = list(wb[ENTRY_SHEET].iter_rows(values_only=True))[1:]
    hist: dict[int, list[dict[str, Any]]] = {}
    for r in list(wb[HISTORY_SHEET].iter_rows(values_only=True))[1:]:
        row = dict(zip(HISTORY_HEAD, r, strict=False))
        hist.setdefault(int(row["dong"]), []).append(
            {
                "at": row["luc"],
                "actor": _text(row["nguoi"]),
                "kind": _text(row["loai"]),
                "field": _text(row["truong"]),
                "old": None if row["cu"] is None else _text(row["cu"]),
                "new": None if row["moi"] is None else _text(row["moi"]),
                "reason": _text(row["ly_do"]),
            }
        )
    keyed: dict[int, list[dict[str, Any]]] = {}
    if KEYING_SHEET in wb.sheetnames:  # files of sohoa before the keyings were exported have none
        for r in list(wb[KEYING_SHEET].iter_rows(values_only=True))[1:]:
            row = dict(zip(KEYING_HEAD, r, strict=False))
            keyed.setdefault(int(row["dong"]), []).append(
                {
                    "role": _text(row["vai_tro"]),
                    "actor": _text(row["nguoi"]),
                    "at": row["luc"],
                    "data": json.loads(_text(row["gia_tri"]) or "{}"),
                }
            )
    facts["double_keying"] = str(facts.get("double_keying")).lower() in ("true", "1")
    specs: list[EntrySpec] = []
    for n, (values, extra) in enumerate(zip(data_rows[1:], ent_rows, strict=True), 1):
        m = dict(zip(ENTRY_HEAD, extra, strict=False))
        if int(m["dong"]) != n:
            raise RegisterError(f"{path.name}: trang {ENTRY_SHEET} dòng {n} không khớp trang DuLieu.")
        added = set(filter(None, _text(m["khoa_them"]).split(",")))
        data = {
            k: _text(v)
            for k, v in zip(head, values, strict=False)
            if k in known and k not in added and v not in (None, "")
        }
        data.update(json.loads(_text(m["truong_khac"]) or "{}"))
        facts_e = {
            "so": None if m["so"] is None else _text(m["so"]),
            "so_raw": _text(m["so_raw"]),
            "trangSo": None if m["trang"] in (None, "") else int(m["trang"]),
            "status": _text(m["trang_thai"]),
            "origin": _text(m["nguon"]),
            "notes": _text(m["ghi_chu"]),
            "created_by": _text(m["tao_boi"]),
            "created_at": m["tao_luc"],
            "verified_by": None if m["kiem_tra_boi"] is None else _text(m["kiem_tra_boi"]),
            "verified_at": m["kiem_tra_luc"],
            "source_ref": None if m["tham_chieu"] is None else _text(m["tham_chieu"]),
        }
        specs.append(EntrySpec(data, facts_e, hist.get(n, []), keyed.get(n, [])))
    return [(facts, specs)]


def _read_json(path: Path) -> list[tuple[dict[str, Any], list[EntrySpec]]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_ALL:
        raise RegisterError(f"{path.name}: không phải tệp sohoa export all --format json ({FORMAT_ALL}).")
    out = []
    for b in doc["books"]:
        specs = [
            EntrySpec(dict(e["data"]), e, list(e.get("history") or []), list(e.get("keyings") or []))
            for e in b["entries"]
        ]
        out.append((b, specs))
    return out


def _book_row(s: Session, facts: dict[str, Any], actor: str) -> tuple[RegisterBook, BookType, Any, bool]:
    bt = BOOK_TYPES.get(str(facts["book_type"]))
    if bt is None:
        raise RegisterError(f"Không có loại sổ «{facts['book_type']}».")
    if facts["layout"] not in LAYOUTS:
        raise RegisterError(f"Kiểu sổ «{facts['layout']}» không hợp lệ.")
    cm = facts["commune"]
    c = resolve_commune(
        s, cm.get("name"), cm.get("code"), scheme=cm.get("scheme") or "v2025", province=cm.get("province") or ""
    )
    volume, year = _text(facts["quyenSo"]), int(facts["year"])
    b = s.scalar(
        select(RegisterBook).where(
            RegisterBook.commune_id == c.id,
            RegisterBook.book_type == bt.id,
            RegisterBook.year == year,
            RegisterBook.volume == volume,
        )
    )
    if b is not None:
        return b, bt, c, False
    b = RegisterBook(
        commune_id=c.id,
        book_type=bt.id,
        year=year,
        volume=volume,
        layout=facts["layout"],
        title=_text(facts.get("title")),
        opened_on=_date(facts.get("opened_on")),
        closed_on=_date(facts.get("closed_on")),
        expected_pages=None if facts.get("expected_pages") in (None, "") else int(facts["expected_pages"]),
        notes=_text(facts.get("notes")),
        created_by=actor,
        double_keying=bool(facts.get("double_keying")),
    )
    s.add(b)
    s.flush()
    return b, bt, c, True


def _date(text: Any) -> date | None:
    return parse_date(str(text)) if text not in (None, "") else None


def _load_book(db: Database, facts: dict[str, Any], specs: list[EntrySpec], actor: str, source: str) -> BookOutcome:
    key = book_key(str(facts["book_type"]), int(facts["year"]), _text(facts["quyenSo"]))
    out = BookOutcome(key)
    with db.write() as s:
        b, bt, c, _new = _book_row(s, facts, actor)
        held = s.scalar(select(func.count()).select_from(RegisterEntry).where(RegisterEntry.book_id == b.id)) or 0
        if held:
            out.skipped = f"sổ đã có {held} mục: để nguyên"
            return out
        for spec in specs:
            f = spec.facts
            sm = summary(bt, spec.data)
            e = RegisterEntry(
                book_id=b.id,
                so=f.get("so"),
                so_raw=_text(f.get("so_raw")),
                page_no=f.get("trangSo"),
                registration_date=sm.registration_date,
                name=sm.name,
                birth_date=sm.birth_date,
                data={nfc(k): nfc(str(v)) for k, v in spec.data.items()},
                notes=_text(f.get("notes")),
                status=_text(f.get("status")) or "unverified",
                origin=_text(f.get("origin")) or "legacy",
                source_ref=f.get("source_ref"),
                created_by=_text(f.get("created_by")) or actor,
                verified_by=f.get("verified_by"),
                verified_at=_time(f.get("verified_at")),
            )
            e.created_at = _time(f.get("created_at")) or utcnow()
            s.add(e)
            s.flush()
            for h in spec.history:
                s.add(
                    RegisterEntryChange(
                        entry_id=e.id,
                        at=_time(h["at"]) or utcnow(),
                        actor=_text(h["actor"]),
                        kind=_text(h["kind"]),
                        field=_text(h["field"]),
                        old_value=h["old"],
                        new_value=h["new"],
                        reason=_text(h["reason"]),
                    )
                )
                out.history += 1
            for k in spec.keyings:
                role = _text(k.get("role"))
                if role not in ("key", "arbiter"):
                    raise RegisterError(f"Lần nhập với vai trò «{role}» không hợp lệ (key, arbiter).")
                s.add(
                    RegisterKeying(
                        book_id=b.id,
                        entry_id=e.id,
                        role=role,
                        actor=_text(k.get("actor")),
                        data={nfc(str(kk)): nfc(str(v)) for kk, v in dict(k.get("data") or {}).items()},
                        at=_time(k.get("at")) or utcnow(),
                    )
                )
                out.keyings += 1
            _reindex(s, e, b, bt, c)
            out.entries += 1
        audit(
            s,
            actor,
            "registers.import",
            "register_book",
            b.id,
            {"book": key, "entries": out.entries, "history": out.history, "keyings": out.keyings, "file": source},
        )
    return out


def import_file(db: Database, path: Path, *, actor: str) -> ExchangeReport:
    """Books from a sohoa exchange file (a book's XLSX or ``export all`` JSON) into this database."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        books = _read_xlsx(path)
    elif suffix == ".json":
        books = _read_json(path)
    else:
        raise RegisterError(f"{path.name}: cần tệp .xlsx (một sổ) hoặc .json (sohoa export all --format json).")
    rep = ExchangeReport(path)
    for facts, specs in books:
        rep.books.append(_load_book(db, facts, specs, actor, path.name))
    return rep

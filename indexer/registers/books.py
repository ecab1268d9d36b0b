"""Communes and register books: create, find, list, close."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import Commune, RegisterBook, RegisterBookPage, RegisterEntry
from indexer.registers.model import RegisterError, book_key, norm_volume
from indexer.registers.vocabulary import (
    BOOK_TYPES,
    ENTRY_PER_PAGE,
    LAYOUTS,
    LEDGER,
    SCHEMES,
    VERIFIED,
    BookType,
    book_type,
)
from indexer.vntext import fold, nfc

DEFAULT_COMMUNE_CODE = "00000"
DEFAULT_COMMUNE_NAME = "Xã (chưa đặt tên)"
ONE_ENTRY_PER_PAGE_SINCE = 2016  # TT 15/2015: books from 2016 have one entry per page


@dataclass(frozen=True)
class CommuneInfo:
    id: int
    code: str
    scheme: str
    name: str
    province: str


@dataclass(frozen=True)
class BookInfo:
    id: int
    commune: CommuneInfo
    book_type: str
    year: int
    volume: str
    layout: str
    title: str
    opened_on: date | None
    closed_on: date | None
    expected_pages: int | None
    notes: str

    @property
    def key(self) -> str:
        return book_key(self.book_type, self.year, self.volume)

    @property
    def type(self) -> BookType:
        return BOOK_TYPES[self.book_type]

    @property
    def label(self) -> str:
        return f"{self.type.label} năm {self.year}, quyển số {self.volume} — {self.commune.name}"


@dataclass(frozen=True)
class BookSummary:
    book: BookInfo
    pages: int
    entries: int
    verified: int


def _commune_info(c: Commune) -> CommuneInfo:
    return CommuneInfo(c.id, c.code, c.scheme, c.name, c.province)


def book_info(s: Session, b: RegisterBook) -> BookInfo:
    c = s.get(Commune, b.commune_id)
    assert c is not None
    return BookInfo(
        b.id,
        _commune_info(c),
        b.book_type,
        b.year,
        b.volume,
        b.layout,
        b.title,
        b.opened_on,
        b.closed_on,
        b.expected_pages,
        b.notes,
    )


def resolve_commune(
    s: Session,
    name: str | None = None,
    code: str | None = None,
    *,
    scheme: str = "v2025",
    province: str = "",
    create: bool = True,
) -> Commune:
    """The commune named (by code within its scheme, or by name, accent-insensitively); created when
    unknown. Without either: the only commune there is, or a placeholder one."""
    if scheme not in SCHEMES:
        raise RegisterError(f"Hệ mã «{scheme}» không hợp lệ; dùng một trong: {', '.join(SCHEMES)}.")
    name = " ".join(nfc(name).split()) if name else None
    if code:
        c = s.scalar(select(Commune).where(Commune.scheme == scheme, Commune.code == code))
        if c is not None:
            return c
    if name:
        key = _commune_key(name)
        for c in s.scalars(select(Commune)):
            if _commune_key(c.name) == key:
                return c
    if not code and not name:
        all_ = s.scalars(select(Commune).order_by(Commune.id)).all()
        if len(all_) == 1:
            return all_[0]
        if len(all_) > 1:
            raise RegisterError(
                "Có nhiều xã: hãy chọn --commune TÊN hoặc --commune-code MÃ ("
                + ", ".join(f"{c.name} [{c.code}]" for c in all_)
                + ")."
            )
    if not create:
        raise RegisterError(f"Không có xã «{name or code}».")
    c = Commune(
        code=code or (_free_code(s, scheme) if name else DEFAULT_COMMUNE_CODE),
        scheme=scheme,
        name=name or DEFAULT_COMMUNE_NAME,
        province=province,
    )
    s.add(c)
    s.flush()
    audit(s, "system", "commune.create", "commune", c.id, {"name": c.name, "code": c.code, "scheme": scheme})
    return c


def _commune_key(name: str) -> str:
    f = fold(name)
    for prefix in ("ubnd ", "uy ban nhan dan "):
        f = f.removeprefix(prefix)
    for prefix in ("xa ", "phuong ", "thi tran ", "dac khu "):
        f = f.removeprefix(prefix)
    return f


def _free_code(s: Session, scheme: str) -> str:
    n = s.scalar(select(func.count()).select_from(Commune).where(Commune.scheme == scheme)) or 0
    while True:
        code = f"L{n + 1:04d}"  # a local code until the real one is entered
        if s.scalar(select(Commune.id).where(Commune.scheme == scheme, Commune.code == code)) is None:
            return code
        n += 1


def default_layout(year: int) -> str:
    return ENTRY_PER_PAGE if year >= ONE_ENTRY_PER_PAGE_SINCE else LEDGER


def create_book(
    db: Database,
    type_name: str,
    year: int,
    volume: str,
    *,
    layout: str | None = None,
    commune: str | None = None,
    commune_code: str | None = None,
    scheme: str = "v2025",
    title: str = "",
    opened_on: date | None = None,
    closed_on: date | None = None,
    expected_pages: int | None = None,
    actor: str = "system",
) -> BookInfo:
    bt = book_type(type_name)
    if bt is None:
        raise RegisterError(f"Không có loại sổ «{type_name}». Các loại: {', '.join(BOOK_TYPES)}.")
    if not 1900 <= int(year) <= 2200:
        raise RegisterError(f"Năm {year} không hợp lệ.")
    vol = norm_volume(volume)
    if not vol:
        raise RegisterError("Thiếu quyển số.")
    lay = layout or default_layout(year)
    if lay not in LAYOUTS:
        raise RegisterError(f"Kiểu sổ «{lay}» không hợp lệ; dùng {ENTRY_PER_PAGE} hoặc {LEDGER}.")
    if opened_on and closed_on and closed_on < opened_on:
        raise RegisterError("Ngày khóa sổ trước ngày mở sổ.")
    with db.write() as s:
        c = resolve_commune(s, commune, commune_code, scheme=scheme)
        dup = s.scalar(
            select(RegisterBook.id).where(
                RegisterBook.commune_id == c.id,
                RegisterBook.book_type == bt.id,
                RegisterBook.year == year,
                RegisterBook.volume == vol,
            )
        )
        if dup is not None:
            raise RegisterError(f"Sổ {book_key(bt.id, year, vol)} của {c.name} đã có (sổ số {dup}).")
        b = RegisterBook(
            commune_id=c.id,
            book_type=bt.id,
            year=int(year),
            volume=vol,
            layout=lay,
            title=title or f"{bt.label} năm {year}, quyển số {vol}",
            opened_on=opened_on,
            closed_on=closed_on,
            expected_pages=expected_pages,
            notes="",
            created_by=actor,
        )
        s.add(b)
        s.flush()
        audit(
            s,
            actor,
            "book.create",
            "register_book",
            b.id,
            {"key": book_key(bt.id, year, vol), "commune": c.name, "layout": lay},
        )
        return book_info(s, b)


_KEY = re.compile(r"^([a-z_\-]+)[/ ](\d{4})[/ ](.+)$", re.I)


def find_book(db: Database | Session, ref: str | int, commune: str | None = None) -> BookInfo:
    """A book by id (``12``) or key (``khai_sinh/2012/01``, ``ks/2012/1``)."""
    if isinstance(db, Session):
        return _find_book(db, ref, commune)
    with db.read() as s:
        return _find_book(s, ref, commune)


def _find_book(s: Session, ref: str | int, commune: str | None) -> BookInfo:
    text = str(ref).strip()
    if text.isdigit():
        b = s.get(RegisterBook, int(text))
        if b is None:
            raise RegisterError(f"Không có sổ số {text}.")
        return book_info(s, b)
    m = _KEY.match(text)
    bt = book_type(m.group(1)) if m else None
    if m is None or bt is None:
        raise RegisterError(f"«{text}» không phải số sổ hay khóa sổ (ví dụ: 12 hoặc khai_sinh/2012/01).")
    q = select(RegisterBook).where(
        RegisterBook.book_type == bt.id,
        RegisterBook.year == int(m.group(2)),
        RegisterBook.volume == norm_volume(m.group(3)),
    )
    if commune:
        c = resolve_commune(s, commune, create=False)
        q = q.where(RegisterBook.commune_id == c.id)
    found = s.scalars(q).all()
    if not found:
        raise RegisterError(f"Không có sổ {text}.")
    if len(found) > 1:
        raise RegisterError(f"Có {len(found)} sổ {text} ở các xã khác nhau: thêm --commune hoặc dùng số sổ.")
    return book_info(s, found[0])


def list_books(db: Database, *, book_type_id: str | None = None, year: int | None = None) -> list[BookSummary]:
    with db.read() as s:
        q = select(RegisterBook).order_by(RegisterBook.book_type, RegisterBook.year, RegisterBook.volume)
        if book_type_id:
            q = q.where(RegisterBook.book_type == book_type_id)
        if year:
            q = q.where(RegisterBook.year == year)
        books = s.scalars(q).all()
        pages = dict(s.execute(select(RegisterBookPage.book_id, func.count()).group_by(RegisterBookPage.book_id)).all())
        entries = dict(s.execute(select(RegisterEntry.book_id, func.count()).group_by(RegisterEntry.book_id)).all())
        verified = dict(
            s.execute(
                select(RegisterEntry.book_id, func.count())
                .where(RegisterEntry.status == VERIFIED)
                .group_by(RegisterEntry.book_id)
            ).all()
        )
        return [
            BookSummary(book_info(s, b), pages.get(b.id, 0), entries.get(b.id, 0), verified.get(b.id, 0)) for b in books
        ]


def close_book(db: Database, ref: str | int, closed_on: date, *, actor: str = "system") -> BookInfo:
    with db.write() as s:
        info = _find_book(s, ref, None)
        b = s.get(RegisterBook, info.id)
        assert b is not None
        if b.opened_on and closed_on < b.opened_on:
            raise RegisterError("Ngày khóa sổ trước ngày mở sổ.")
        b.closed_on = closed_on
        audit(s, actor, "book.close", "register_book", b.id, {"closed_on": closed_on.isoformat()})
        return book_info(s, b)

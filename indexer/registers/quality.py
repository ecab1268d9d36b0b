"""A register book's progress and quality for the archive lead: pages scanned, rows the reader
found, entries keyed once or twice, agreed, arbitrated and verified; missing and double pages;
numbers (số) out of sequence; registration dates outside the book's year.

* **Pages, missing and double pages, gaps in the numbers** are the digitisation report's
  (``indexer.registers.digitise.book_report``), not counted again here.
* **Rows found** on a page: the entries the OCR worker read on it (a ledger page's rows, one for a
  one-entry page); the entries made from them may be fewer (a row already in the book).
* **Keying** (``register_keyings``, ``indexer.registers.keying``): an entry is keyed once with one
  person's reading, twice with two; of those, *agreed* where the two readings are the same on
  every column (compared as the entry keeps them, ``keying.differences``), *waiting* where they
  differ and no arbitrator has settled it, *arbitrated* once one has.
* **Out of sequence**: entries in the order of the book (page, then row from top to bottom; an
  entry without a row image by its page number) should carry increasing numbers. The longest run
  of increasing numbers is taken as the book's; every other numbered entry is out of sequence (a
  misread or miskeyed number, a page bound in the wrong place) and is listed with the numbers
  before and after it.
* **Outside the book's year**: an entry registered in another year than the book's, or before the
  book was opened or after it was closed when those dates are known.

Read-only: one read transaction, nothing written.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.db import Database
from indexer.models import (
    Page,
    PageState,
    RegisterBook,
    RegisterBookPage,
    RegisterEntry,
    RegisterEntryRegion,
    RegisterKeying,
)
from indexer.registers import digitise
from indexer.registers.books import BookInfo, find_book
from indexer.registers.keying import ARBITER, KEY, differences
from indexer.registers.vocabulary import LEDGER, VERIFIED

LIST_LIMIT = 200  # out-of-sequence and off-year entries listed (all are counted)


@dataclass
class PageLine:
    """One scanned page of the book."""

    page_no: int | None
    page_id: int
    state: str
    rows: int  # rows the reader found on it
    entries: int  # entries of the book shown on it
    keyed: int  # of those, keyed at least once
    verified: int
    problem: str | None


@dataclass
class EntryNote:
    """An entry to look at: its number, where it is and why."""

    entry_id: int
    so: str | None
    page_no: int | None
    detail: str


@dataclass
class Quality:
    book: BookInfo
    double_keying: bool
    pages_scanned: int = 0
    page_states: dict[str, int] = field(default_factory=dict)
    rows_found: int = 0
    entries: int = 0
    keyed_once: int = 0
    keyed_twice: int = 0
    agreed: int = 0
    waiting_arbitration: int = 0
    arbitrated: int = 0
    verified: int = 0
    missing_pages: list[int] = field(default_factory=list)
    double_pages: list[str] = field(default_factory=list)
    number_gaps: list[tuple[int, int]] = field(default_factory=list)
    out_of_sequence: list[EntryNote] = field(default_factory=list)
    out_of_sequence_count: int = 0
    off_year: list[EntryNote] = field(default_factory=list)
    off_year_count: int = 0
    pages: list[PageLine] = field(default_factory=list)

    @property
    def keyed(self) -> int:
        return self.keyed_once + self.keyed_twice

    @property
    def finished(self) -> bool:
        """Every entry verified, no page missing or doubled, nothing out of sequence or year."""
        return bool(self.entries) and not (
            self.entries - self.verified
            or self.missing_pages
            or self.double_pages
            or self.number_gaps
            or self.out_of_sequence_count
            or self.off_year_count
            or self.waiting_arbitration
        )


@dataclass(frozen=True)
class _Entry:
    id: int
    so: str | None
    page_no: int | None
    registration_date: date | None
    status: str


def increasing_run(numbers: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``numbers``."""
    tails: list[int] = []  # smallest tail value of a run of each length
    tail_at: list[int] = []  # its position
    before = [-1] * len(numbers)
    for i, n in enumerate(numbers):
        k = bisect_left(tails, n)
        if k == len(tails):
            tails.append(n)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = n, i
        before[i] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(i)
        i = before[i]
    return keep


def _keying(s: Session, book_id: int, q: Quality) -> dict[int, int]:
    """Count the keying states; returns entry id → number of keyers."""
    bt = q.book.type
    readings: dict[int, list[dict[str, str]]] = {}
    arbitrated: set[int] = set()
    rows: list[tuple[int, str, dict[str, str] | None]] = [
        (r[0], r[1], r[2])
        for r in s.execute(
            select(RegisterKeying.entry_id, RegisterKeying.role, RegisterKeying.data)
            .where(RegisterKeying.book_id == book_id)
            .order_by(RegisterKeying.at, RegisterKeying.id)
        )
    ]
    for entry_id, role, data in rows:
        if role == ARBITER:
            arbitrated.add(entry_id)
        elif role == KEY:
            readings.setdefault(entry_id, []).append(dict(data or {}))
    for entry_id, rs in readings.items():
        if len(rs) == 1:
            q.keyed_once += 1
            continue
        q.keyed_twice += 1
        if entry_id in arbitrated:
            continue
        if differences(bt, rs[0], rs[1]):
            q.waiting_arbitration += 1
        else:
            q.agreed += 1
    q.arbitrated = len(arbitrated)
    return {e: len(rs) for e, rs in readings.items()}


def _rows_on(page: Page | None, layout: str) -> int:
    if page is None or page.blank:
        return 0
    if layout == LEDGER:
        return len(page.register_entries or [])
    return 1 if page.state == PageState.INDEXED else 0


def _outside(d: date, book: BookInfo) -> str | None:
    if d.year != book.year:
        return f"ngày đăng ký {d:%d/%m/%Y}: năm {d.year}, sổ là năm {book.year}"
    if book.opened_on and d < book.opened_on:
        return f"ngày đăng ký {d:%d/%m/%Y} trước ngày mở sổ {book.opened_on:%d/%m/%Y}"
    if book.closed_on and d > book.closed_on:
        return f"ngày đăng ký {d:%d/%m/%Y} sau ngày khóa sổ {book.closed_on:%d/%m/%Y}"
    return None


def book_quality(db: Database, book_ref: str | int) -> Quality:
    """The progress and quality of one book (``khai_sinh/2012/01``, an id …)."""
    book = find_book(db, book_ref)
    rep = digitise.book_report(db, book.id)
    with db.read() as s:
        b = s.get(RegisterBook, book.id)
        assert b is not None
        q = Quality(book, bool(b.double_keying))
        q.pages_scanned, q.page_states = rep.pages, dict(rep.states)
        q.missing_pages, q.double_pages, q.number_gaps = rep.missing_pages, rep.double_pages, rep.number_gaps
        keyers = _keying(s, book.id, q)
        entries = [
            _Entry(*r)
            for r in s.execute(
                select(
                    RegisterEntry.id,
                    RegisterEntry.so,
                    RegisterEntry.page_no,
                    RegisterEntry.registration_date,
                    RegisterEntry.status,
                ).where(RegisterEntry.book_id == book.id)
            )
        ]
        where: dict[int, tuple[int, int | None]] = {}  # entry → (page id, row top) of its first region
        for entry_id, page_id, y in s.execute(
            select(RegisterEntryRegion.entry_id, RegisterEntryRegion.page_id, RegisterEntryRegion.y)
            .join(RegisterEntry, RegisterEntry.id == RegisterEntryRegion.entry_id)
            .where(RegisterEntry.book_id == book.id)
            .order_by(RegisterEntryRegion.id)
        ):
            where.setdefault(entry_id, (page_id, y))
        book_pages = s.scalars(
            select(RegisterBookPage)
            .where(RegisterBookPage.book_id == book.id)
            .order_by(RegisterBookPage.page_no, RegisterBookPage.seq)
        ).all()
        page_objs = {
            p.id: p for p in s.scalars(select(Page).where(Page.id.in_([bp.page_id for bp in book_pages] or [-1])))
        }
        page_no_of = {bp.page_id: bp.page_no for bp in book_pages}
        page_order = {bp.page_id: i for i, bp in enumerate(book_pages)}
    q.entries = len(entries)
    q.verified = sum(1 for e in entries if e.status == VERIFIED)
    by_page: dict[int, list[int]] = {}
    for e in entries:
        if e.id in where:
            by_page.setdefault(where[e.id][0], []).append(e.id)
    status = {e.id: e.status for e in entries}
    for bp in book_pages:
        ids = by_page.get(bp.page_id, [])
        rows = _rows_on(page_objs.get(bp.page_id), book.layout)
        if bp.state != digitise.DUPLICATE:
            q.rows_found += rows
        q.pages.append(
            PageLine(
                bp.page_no,
                bp.page_id,
                bp.state,
                rows,
                len(ids),
                sum(1 for i in ids if keyers.get(i)),
                sum(1 for i in ids if status[i] == VERIFIED),
                bp.problem,
            )
        )

    def order(e: _Entry) -> tuple[int, int, int, int]:
        if e.id in where:
            pid, y = where[e.id]
            return (0, page_order.get(pid, 10**6), y if y is not None else 10**6, e.id)
        return (1, e.page_no if e.page_no is not None else 10**6, 0, e.id)

    numbered = [(e, int(e.so)) for e in sorted(entries, key=order) if e.so is not None and e.so.isdigit()]
    keep = increasing_run([n for _, n in numbered])
    for i, (e, _n) in enumerate(numbered):
        if i in keep:
            continue
        q.out_of_sequence_count += 1
        if len(q.out_of_sequence) < LIST_LIMIT:
            prev = numbered[i - 1][0].so if i else None
            nxt = numbered[i + 1][0].so if i + 1 < len(numbered) else None
            around = ", ".join(x for x in (f"trước là {prev}" if prev else "", f"sau là {nxt}" if nxt else "") if x)
            pno = page_no_of.get(where[e.id][0]) if e.id in where else e.page_no
            q.out_of_sequence.append(EntryNote(e.id, e.so, pno, f"số {e.so} không theo thứ tự ({around})"))
    for e in sorted(entries, key=order):
        if e.registration_date is None:
            continue
        why = _outside(e.registration_date, book)
        if why is None:
            continue
        q.off_year_count += 1
        if len(q.off_year) < LIST_LIMIT:
            pno = page_no_of.get(where[e.id][0]) if e.id in where else e.page_no
            q.off_year.append(EntryNote(e.id, e.so, pno, why))
    return q

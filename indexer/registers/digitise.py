"""Archive digitisation of a whole book: its scanned pages taken in page order, OCR'd, and turned
into entries — resumable at any point, page numbers kept, missing and double pages reported.

1. :func:`attach_document` / :func:`attach_documents` put documents into the book in order: the
   files ``sohoa.bookfiles`` took into the store (numbered from ``--start-page``, from the numbers
   in their names, or after the book's last page; a file already in the book is skipped, so the
   same command again resumes) or a scanner's batch. A page already in the book (the same content
   under another name) is a double page, reported; a page of another book is refused.
2. The pages are OCR'd by the ordinary queue (``sohoa run`` or ``Runner.run(once=True)``).
3. :func:`build_entries` makes the entries of every OCR'd page not yet done, one page per
   transaction: a ledger page gives one entry per row (``indexer.registers.ledger``: the row's
   box and its cells' boxes are kept), a one-entry page its fields (``indexer.registers.entry_page``; the printed
   ``Trang số`` is kept when the number only came from the order). Entries from OCR are
   ``unverified`` until a person confirms them.
4. :func:`book_report` lists the pages, the page numbers missing or seen twice, gaps in the entry
   numbers (a missing page of a ledger), pages waiting for OCR or failed, and what to check (e.g.
   entries registered in another year than the book's: a page of another book, or a misread date).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database
from indexer.models import (
    Arrival,
    OcrResult,
    Page,
    PageState,
    RegisterBook,
    RegisterBookPage,
    RegisterEntry,
    RegisterEntryRegion,
)
from indexer.registers.books import BookInfo, book_info, find_book
from indexer.registers.entries import Region, create_entry_in
from indexer.registers.entry_page import entry_data, read_entry_page
from indexer.registers.model import norm_so, parse_year
from indexer.registers.vocabulary import ENTRY_PER_PAGE, LEDGER, UNVERIFIED
from indexer.vntext import fold

MAX_PAGE_NO = 2000
_DIGITS = re.compile(r"(\d+)")
PENDING, BUILT, DUPLICATE, FAILED = "pending", "built", "duplicate", "failed"
STATE_VI = {PENDING: "chờ nhận dạng", BUILT: "đã lập mục", DUPLICATE: "trang trùng", FAILED: "lỗi"}


@dataclass
class AddResult:
    added: list[tuple[int, str]] = field(default_factory=list)  # (page number, file)
    already: list[str] = field(default_factory=list)  # files already in the book (resume)
    doubles: list[str] = field(default_factory=list)  # same content as a page of the book
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


@dataclass
class BuildResult:
    pages: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    book: BookInfo
    pages: int = 0
    states: dict[str, int] = field(default_factory=dict)
    page_numbers: list[int] = field(default_factory=list)
    missing_pages: list[int] = field(default_factory=list)
    double_pages: list[str] = field(default_factory=list)
    number_gaps: list[tuple[int, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    unverified: int = 0

    @property
    def complete(self) -> bool:
        return not (
            self.missing_pages
            or self.double_pages
            or self.number_gaps
            or self.states.get(PENDING)
            or self.states.get(FAILED)
        )


def name_number(path: str | Path) -> int | None:
    """The page number in a file name: its last group of digits (``trang-012`` → 12)."""
    groups = _DIGITS.findall(Path(path).stem)
    if not groups:
        return None
    n = int(groups[-1])
    return n if 0 < n <= MAX_PAGE_NO else None


def _next_page_no(s: Session, book_id: int) -> int:
    top = s.scalar(select(func.max(RegisterBookPage.page_no)).where(RegisterBookPage.book_id == book_id))
    return (top or 0) + 1


def _next_seq(s: Session, book_id: int) -> int:
    return (s.scalar(select(func.max(RegisterBookPage.seq)).where(RegisterBookPage.book_id == book_id)) or 0) + 1


def _attach(
    s: Session, book_id: int, document_id: int, source: str, first_no: int | None, how: str, out: AddResult, actor: str
) -> int:
    """Attach every page of a document; returns how many pages were attached."""
    pages = s.execute(select(Page.id, Page.page_no).where(Page.document_id == document_id).order_by(Page.page_no)).all()
    n = 0
    for pid, pno in pages:
        held = s.execute(
            select(RegisterBookPage.book_id, RegisterBookPage.page_no, RegisterBookPage.source_name).where(
                RegisterBookPage.page_id == pid
            )
        ).first()
        if held is not None:
            if held[0] == book_id:
                out.doubles.append(f"{Path(source).name}: trùng nội dung với trang {held[1]} ({Path(held[2]).name})")
            else:
                out.refused.append((source, f"trang này đã thuộc sổ số {held[0]}"))
            continue
        page_no = (first_no + pno - 1) if first_no is not None else _next_page_no(s, book_id)
        s.add(
            RegisterBookPage(
                book_id=book_id,
                seq=_next_seq(s, book_id),
                page_no=page_no,
                number_from=how,
                document_id=document_id,
                page_id=pid,
                source_name=str(source)[:300],
                state=PENDING,
                entries=0,
            )
        )
        s.flush()
        out.added.append((page_no, Path(source).name + (f" (trang {pno})" if len(pages) > 1 else "")))
        n += 1
    if n:
        audit(
            s,
            actor,
            "book.page.add",
            "register_book",
            book_id,
            {"document": document_id, "pages": n, "file": Path(source).name},
        )
    return n


def pages_from_source(db: Database, book_id: int, source: str) -> int:
    """How many pages of the book came from the file ``source`` (0: the file is not in the book)."""
    with db.read() as s:
        n = s.scalar(
            select(func.count())
            .select_from(RegisterBookPage)
            .where(RegisterBookPage.book_id == book_id, RegisterBookPage.source_name == source[:300])
        )
    return n or 0


def document_of_arrival(db: Database, source: str) -> int | None:
    """The document the latest arrival of the file ``source`` went to (None: it went to none)."""
    with db.read() as s:
        return s.scalar(
            select(Arrival.document_id)
            .where(Arrival.source_path == source, Arrival.document_id.is_not(None))
            .order_by(Arrival.id.desc())
            .limit(1)
        )


def attach_document(
    db: Database,
    book_id: int,
    document_id: int,
    source: str,
    first_no: int | None,
    how: str,
    out: AddResult,
    actor: str,
) -> int:
    """Put every page of a document in the store into a book, in one transaction: numbered from
    ``first_no`` (``how`` says where that number came from: given, name) or, with None, after the
    book's last page (order). Returns how many pages were attached; doubles and refusals go to
    ``out``."""
    with db.write() as s:
        return _attach(s, book_id, document_id, source, first_no, how, out, actor)


def attach_documents(
    db: Database,
    book_ref: str | int,
    documents: list[tuple[int, str]],
    *,
    start_page: int | None = None,
    actor: str = "system",
) -> AddResult:
    """Put documents already in the store (a scanner batch's, in scan order) into a book."""
    book = find_book(db, book_ref)
    out = AddResult()
    nxt = start_page
    with db.write() as s:
        for doc_id, name in documents:
            n = _attach(s, book.id, doc_id, name, nxt, "given" if nxt is not None else "order", out, actor)
            if nxt is not None:
                nxt += n
    return out


# -- entries from OCR'd pages ----------------------------------------------------------------------


def _region(e: dict[str, Any]) -> tuple[int, int, int, int] | None:
    r = e.get("region")
    if (
        isinstance(r, (list, tuple))
        and len(r) == 4
        and all(isinstance(v, (int, float)) for v in r)
        and r[2] > 0
        and r[3] > 0
    ):
        return (int(r[0]), int(r[1]), int(r[2]), int(r[3]))
    return None


def _cells(e: dict[str, Any], fields: dict[str, str]) -> dict[str, tuple[int, int, int, int]]:
    """A read row's cell boxes under the vocabulary keys (the reader names them by its column ids)."""
    raw = e.get("cells")
    if not isinstance(raw, dict):
        return {}
    out = {}
    for col, box in raw.items():
        key = fields.get(col)
        got = _region({"region": box})
        if key and got:
            out[key] = got
    return out


def _same_person(a: str, b: str) -> bool:
    return bool(a) and fold(a) == fold(b)


def _build_page(s: Session, bp: RegisterBookPage, book: RegisterBook, actor: str, out: BuildResult) -> None:
    info = book_info(s, book)
    bt = info.type
    page = s.get(Page, bp.page_id)
    assert page is not None
    if page.state == PageState.FAILED:
        bp.state, bp.problem = FAILED, "nhận dạng trang thất bại (sohoa status, sohoa retry)"
        out.problems.append(f"trang {bp.page_no}: {bp.problem}")
        return
    if page.state != PageState.INDEXED:
        return  # still waiting for OCR
    rows: list[tuple[dict[str, str], Region]] = []
    problems: list[str] = []
    if page.blank:
        problems.append("trang trắng")
    elif info.layout == LEDGER:
        for e in page.register_entries or []:
            if not isinstance(e, dict):
                continue
            row_data: dict[str, str] = {
                key: v
                for k, v in e.items()
                if k not in ("region", "reread", "cells")
                and isinstance(v, str)
                and v.strip()
                and (key := bt.fields.get(k))
            }
            box = _region(e)
            if box is None and not (row_data.get(bt.name_key) or row_data.get("so")):
                problems.append("một dòng không đọc được số hay tên, không rõ vị trí trên trang: bỏ qua")
                continue
            cells = _cells(e, bt.fields) if box else {}
            rows.append((row_data, Region(page.id, "row" if box else "page", box, cells)))
        if not rows:
            problems.append("không đọc được dòng nào của sổ kẻ cột")
    else:
        words = s.scalar(select(OcrResult.words).where(OcrResult.page_id == page.id)) or []
        fields = read_entry_page(words, bt, page.width or 0, page.height or 0)
        data, review = entry_data(fields, bt)
        printed = norm_so(data.get("trangSo"))
        if printed is not None:
            if bp.number_from == "order" and int(printed) != bp.page_no:
                bp.page_no, bp.number_from = int(printed), "printed"
            elif int(printed) != bp.page_no:
                problems.append(f"số trang in trên giấy là {printed}, khác số trang {bp.page_no}")
        if bp.page_no is not None:
            data["trangSo"] = str(bp.page_no)
        if data.get(bt.name_key) or data.get("so"):
            rows.append((data, Region(page.id, "page", None)))
        else:
            problems.append("không đọc được mục sổ trên trang")
        problems += [f"cần kiểm tra {r}" for r in review[:3]]
    years = Counter(y for y in (parse_year(d.get("ngayDangKy")) for d, _ in rows) if y is not None and y != book.year)
    for y, n in sorted(years.items()):
        problems.append(f"{n} mục có ngày đăng ký năm {y}, sổ là năm {book.year}: trang của sổ khác hay đọc sai ngày?")
    made = 0
    doubles = []
    for i, (data, region) in enumerate(rows):
        so = norm_so(data.get("so"))
        if so is not None:
            other = s.execute(
                select(RegisterEntry.id, RegisterEntry.name, RegisterEntry.page_no).where(
                    RegisterEntry.book_id == book.id, RegisterEntry.so == so
                )
            ).first()
            if other is not None and _same_person(other[1], data.get(bt.name_key, "")):
                doubles.append(so)
                continue
        if info.layout == LEDGER and bp.page_no is not None:
            data.setdefault("trangSo", str(bp.page_no))
        create_entry_in(
            s,
            book.id,
            data,
            origin="ocr",
            actor=actor,
            status=UNVERIFIED,
            source_ref=f"page:{page.id}#{i + 1}",
            regions=[region],
            strict=False,
        )
        made += 1
    if doubles and not made:
        bp.state = DUPLICATE
        problems.append(f"các số {', '.join(doubles)} đã có trong sổ: trang chụp hai lần?")
    else:
        bp.state = BUILT
        if doubles:
            problems.append(f"số {', '.join(doubles)} đã có trong sổ (bỏ qua)")
    bp.entries = made
    bp.problem = "; ".join(problems) or None
    out.pages += 1
    out.entries += made
    if problems:
        out.problems.append(f"trang {bp.page_no}: {bp.problem}")


def build_entries(db: Database, book_ref: str | int, *, actor: str = "system") -> BuildResult:
    """Entries for every OCR'd page of the book not yet done, one page per transaction."""
    book = find_book(db, book_ref)
    out = BuildResult()
    with db.read() as s:
        ids = s.scalars(
            select(RegisterBookPage.id)
            .where(RegisterBookPage.book_id == book.id, RegisterBookPage.state == PENDING)
            .order_by(RegisterBookPage.page_no, RegisterBookPage.seq)
        ).all()
    for bp_id in ids:
        with db.write() as s:
            bp = s.get(RegisterBookPage, bp_id)
            if bp is None or bp.state != PENDING:
                continue
            b = s.get(RegisterBook, bp.book_id)
            assert b is not None
            _build_page(s, bp, b, actor, out)
    if out.pages:
        with db.write() as s:
            audit(
                s, actor, "book.entries.build", "register_book", book.id, {"pages": out.pages, "entries": out.entries}
            )
    return out


def _ranges(nums: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in sorted(nums):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def book_report(db: Database, book_ref: str | int) -> Report:
    book = find_book(db, book_ref)
    rep = Report(book)
    with db.read() as s:
        pages = s.scalars(
            select(RegisterBookPage)
            .where(RegisterBookPage.book_id == book.id)
            .order_by(RegisterBookPage.page_no, RegisterBookPage.seq)
        ).all()
        entries = s.execute(
            select(RegisterEntry.so, RegisterEntry.page_no, RegisterEntry.status).where(
                RegisterEntry.book_id == book.id
            )
        ).all()
        region_pages = dict(
            s.execute(
                select(RegisterEntryRegion.page_id, func.count())
                .where(RegisterEntryRegion.page_id.in_([p.page_id for p in pages] or [-1]))
                .group_by(RegisterEntryRegion.page_id)
            ).all()
        )
    rep.pages = len(pages)
    rep.states = dict(Counter(p.state for p in pages))
    nos = [p.page_no for p in pages if p.page_no is not None and p.state != DUPLICATE]
    rep.page_numbers = sorted(set(nos))
    for no, n in sorted(Counter(nos).items()):
        if n > 1:
            files = [Path(p.source_name).name for p in pages if p.page_no == no]
            rep.double_pages.append(f"trang {no} có {n} lần ({', '.join(files)})")
    for p in pages:
        if p.state == DUPLICATE:
            rep.double_pages.append(f"{Path(p.source_name).name}: {p.problem}")
        if p.problem and p.state != DUPLICATE:
            rep.problems.append(f"trang {p.page_no}: {p.problem}")
        if p.state == BUILT and p.entries and not region_pages.get(p.page_id):
            rep.problems.append(f"trang {p.page_no}: mục sổ không gắn với ảnh trang")
    if rep.page_numbers:
        top = max(rep.page_numbers[-1], book.expected_pages or 0)
        have = set(rep.page_numbers)
        rep.missing_pages = [n for n in range(1, top + 1) if n not in have]
    elif book.expected_pages:
        rep.missing_pages = list(range(1, book.expected_pages + 1))
    nums = sorted({int(e[0]) for e in entries if e[0] is not None and e[0].isdigit()})
    if nums and len(pages):
        have = set(nums)
        gaps = [n for n in range(nums[0], nums[-1] + 1) if n not in have]
        rep.number_gaps = _ranges(gaps)
    rep.entries = len(entries)
    rep.unverified = sum(1 for e in entries if e[2] == UNVERIFIED)
    return rep


__all__ = [
    "ENTRY_PER_PAGE",
    "LEDGER",
    "AddResult",
    "BuildResult",
    "Report",
    "attach_document",
    "attach_documents",
    "book_report",
    "build_entries",
    "name_number",
]

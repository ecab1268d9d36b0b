"""Digitising whole books: pages in page order with their numbers kept, OCR, entries (one per ledger
row, one per register page), missing and double pages reported, and a second run resuming without
doing anything twice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer import jobs, results
from indexer.fields import DocumentReading
from indexer.models import RegisterBookPage, RegisterEntry, RegisterEntryRegion
from indexer.registers import digitise
from indexer.registers.books import create_book
from indexer.registers.entries import book_entries, get_entry
from sohoa import bookfiles
from sohoa.app import App
from sohoa.runner import Runner
from tests.registerpages import entry_page, ledger_page
from tests.registers_util import make_app, output


def _rows(first: int, names: list[str]) -> list[dict[str, str]]:
    return [
        dict(
            so=str(first + i),
            registration_date="04/05/1999",
            child_name=n,
            child_birth_date="22/03/1999",
            child_sex="Nam",
            child_birth_place="Xã Phú Lộc",
            mother_name="Lê Thị Gấm",
            father_name="",
        )
        for i, n in enumerate(names)
    ]


def test_a_ledger_book_in_page_order_with_missing_and_double_pages(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 1999, "01", layout="ledger", commune="Phú Lộc")
    src = tmp_path / "quyen-01"
    src.mkdir()
    ledger_page(_rows(180, ["Nguyễn Văn An", "Trần Thị Bình"])).save(src / "trang-001.png", dpi=(200, 200))
    ledger_page(_rows(182, ["Phạm Văn Cường", "Lê Thị Dung"])).save(src / "trang-002.png", dpi=(200, 200))
    ledger_page(_rows(188, ["Hoàng Văn Em"])).save(src / "trang-004.png", dpi=(200, 200))
    shutil.copy(src / "trang-002.png", src / "trang-002-ban-chup-lai.png")  # the same page scanned twice

    added = bookfiles.add_files(app, book.id, [src], actor="archivist")
    assert [n for n, _ in added.added] == [1, 2, 4]
    assert len(added.doubles) == 1 and "trùng nội dung với trang 2" in added.doubles[0]
    Runner(app, watch=False).run(once=True)
    built = digitise.build_entries(app.db, book.id, actor="archivist")
    assert (built.pages, built.entries) == (3, 5)
    entries = book_entries(app.db, book.id)
    assert [(e.so, e.name, e.page_no, e.status, e.origin) for e in entries] == [
        ("180", "Nguyễn Văn An", 1, "unverified", "ocr"),
        ("181", "Trần Thị Bình", 1, "unverified", "ocr"),
        ("182", "Phạm Văn Cường", 2, "unverified", "ocr"),
        ("183", "Lê Thị Dung", 2, "unverified", "ocr"),
        ("188", "Hoàng Văn Em", 4, "unverified", "ocr"),
    ]
    e = get_entry(app.db, entries[1].id)
    assert len(e.regions) == 1 and e.regions[0].kind == "row" and e.regions[0].box is not None
    rep = digitise.book_report(app.db, book.id)
    assert rep.missing_pages == [3] and rep.number_gaps == [(184, 187)] and not rep.complete
    assert rep.entries == 5 and rep.unverified == 5

    # Run again (after a crash, or to add the missing page): nothing is taken or built twice.
    again = bookfiles.add_files(app, book.id, [src / "trang-001.png", src / "trang-002.png", src / "trang-004.png"])
    assert again.added == [] and len(again.already) == 3
    ledger_page(_rows(184, ["Vũ Văn Giang", "Đỗ Thị Hạnh", "Bùi Văn Khoa", "Ngô Thị Lan"])).save(
        src / "trang-003.png", dpi=(200, 200)
    )
    third = bookfiles.add_files(app, book.id, [src / "trang-003.png"])
    assert [n for n, _ in third.added] == [3]
    Runner(app, watch=False).run(once=True)
    assert digitise.build_entries(app.db, book.id).entries == 4
    assert digitise.build_entries(app.db, book.id).pages == 0
    rep = digitise.book_report(app.db, book.id)
    assert rep.missing_pages == [] and rep.number_gaps == [] and rep.entries == 9
    with app.db.read() as s:
        assert s.scalar(select(func.count()).select_from(RegisterBookPage)) == 4


def test_a_book_of_one_entry_per_page_keeps_its_printed_page_numbers(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 2017, "01", commune="Phú Lộc")
    assert book.layout == "entry_per_page"
    src = tmp_path / "quyen"
    src.mkdir()
    people = [("47", "NGUYỄN VĂN AN", "Lê Thị Hoa", 5), ("48", "TRẦN THỊ BÌNH", "Phạm Thị Mai", 6)]
    for i, (so, name, mother, page_no) in enumerate(people):
        entry_page(
            [
                ("Họ, chữ đệm, tên", name),
                ("Ngày, tháng, năm sinh", "02/03/2017"),
                ("Giới tính", "Nam"),
                ("Họ, chữ đệm, tên mẹ", mother),
            ],
            so=so,
            reg_date="10/03/2017",
            page_no=page_no,
        ).save(src / f"{'ab'[i]}.png", dpi=(200, 200))
    added = bookfiles.add_files(app, book.id, [src])
    assert [n for n, _ in added.added] == [1, 2]  # no number in the file names: in order
    Runner(app, watch=False).run(once=True)
    assert digitise.build_entries(app.db, book.id).entries == 2
    got = [
        (e.so, e.name, e.page_no, e.data.get("meHoTen"), e.data.get("ngayDangKy"))
        for e in book_entries(app.db, book.id)
    ]
    assert got == [
        ("47", "NGUYỄN VĂN AN", 5, "Lê Thị Hoa", "10/03/2017"),
        ("48", "TRẦN THỊ BÌNH", 6, "Phạm Thị Mai", "10/03/2017"),
    ]
    rep = digitise.book_report(app.db, book.id)
    assert rep.page_numbers == [5, 6] and rep.missing_pages == [1, 2, 3, 4]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    class R:
        param = "sqlite"

    yield from make_app(R(), tmp_path)  # type: ignore[arg-type]


def test_ledger_entries_from_stored_pages_on_both_backends(any_app: App, tmp_path: Path) -> None:
    """Without OCR: pages read as ledger pages by the worker, stored by ``results.complete``."""
    book = create_book(any_app.db, "khai_sinh", 1999, "02", layout="ledger")
    src = tmp_path / "q"
    src.mkdir()
    for n in (1, 2):
        ledger_page(_rows(10 * n, ["X"])).save(src / f"p{n}.png", dpi=(100, 100))
    bookfiles.add_files(any_app, book.id, [src])
    pages = {1: _rows(1, ["Nguyễn Văn An", "Trần Thị Bình"]), 2: _rows(1, ["Nguyễn Văn An"])}  # page 2 = page 1 again
    for job in jobs.claim(any_app.db, "host:1", limit=10):
        r = DocumentReading("so_dang_ky_khai_sinh_trang", 1.0)
        rows = pages[_page_no(any_app, job)]
        r.register_entries = [{**e, "region": [10, 100 + 50 * i, 900, 48]} for i, e in enumerate(rows)]
        assert results.complete(any_app.db, job, "host:1", output(r))
    digitise.build_entries(any_app.db, book.id)
    rep = digitise.book_report(any_app.db, book.id)
    assert rep.entries == 2 and len(rep.double_pages) == 1 and "trang chụp hai lần" in rep.double_pages[0]
    with any_app.db.read() as s:
        boxes = s.execute(
            select(RegisterEntryRegion.kind, RegisterEntryRegion.y).order_by(RegisterEntryRegion.id)
        ).all()
        assert [tuple(b) for b in boxes] == [("row", 100), ("row", 150)]
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 2


def test_a_page_of_another_year_is_pointed_out(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 1999, "03", layout="ledger")
    src = tmp_path / "q"
    src.mkdir()
    ledger_page(_rows(1, ["X"])).save(src / "p1.png", dpi=(100, 100))
    bookfiles.add_files(app, book.id, [src])
    [job] = jobs.claim(app.db, "host:1", limit=10)
    r = DocumentReading("so_dang_ky_khai_sinh_trang", 1.0)
    r.register_entries = [
        {**e, "registration_date": "04/05/2012"} for e in _rows(1, ["Nguyễn Văn An", "Trần Thị Bình"])
    ]
    assert results.complete(app.db, job, "host:1", output(r))
    built = digitise.build_entries(app.db, book.id)
    assert built.entries == 2  # kept (a person decides), but said
    assert built.problems == [
        "trang 1: 2 mục có ngày đăng ký năm 2012, sổ là năm 1999: trang của sổ khác hay đọc sai ngày?"
    ]
    assert any("năm 2012" in p for p in digitise.book_report(app.db, book.id).problems)


def _page_no(app: App, job: jobs.ClaimedJob) -> int:
    with app.db.read() as s:
        return s.scalar(select(RegisterBookPage.page_no).where(RegisterBookPage.page_id == job.page_id))  # type: ignore[return-value]

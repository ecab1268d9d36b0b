"""A book's progress and quality (``indexer.registers.quality``), on SQLite and PostgreSQL, and the
same numbers on the desk (``/books/{id}/quality``, linked from the book page) and in the CLI
(``sohoa book quality BOOK [--json]``).

The book: a ledger of 1998 keyed twice, pages 1 and 3 scanned (2 missing), page 1's rows
numbered 1, 2, 30 (a misread 3), 4 and page 3's 5, 6 (6 registered in 1997); entry 1 keyed by two
people alike, 2 keyed differently and waiting, 30 keyed differently and arbitrated, 4 keyed once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from config import Settings
from indexer import accounts
from indexer.models import Page
from indexer.registers.books import create_book
from indexer.registers.digitise import attach_documents
from indexer.registers.entries import Region
from indexer.registers.keying import arbitrate, save_keying, set_double_keying
from indexer.registers.quality import book_quality, increasing_run
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import create_entry, make_app
from tests.test_cli import sohoa
from tests.webdesk import PASSWORD, add_document, logged_in


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def _reading(so: str, name: str) -> dict[str, str]:
    return {"so": so, "ngayDangKy": "02/03/1998", "nksHoTen": name, "nksGioiTinh": "Nam"}


def _fill(app: App) -> tuple[int, dict[str, int]]:
    b = create_book(app.db, "khai_sinh", 1998, "01", layout="ledger", commune="Phú Lộc")
    set_double_keying(app.db, b.id, True, actor="admin")
    d1, d3 = add_document(app, "Sổ 1998 trang 1"), add_document(app, "Sổ 1998 trang 3")
    attach_documents(app.db, b.id, [(d1, "trang-001.png")], start_page=1)
    attach_documents(app.db, b.id, [(d3, "trang-003.png")], start_page=3)
    with app.db.write() as s:
        p1 = s.scalar(select(Page.id).where(Page.document_id == d1))
        p3 = s.scalar(select(Page.id).where(Page.document_id == d3))
        assert p1 is not None and p3 is not None
        page1 = s.get(Page, p1)
        assert page1 is not None
        page1.register_entries = [{"so": n} for n in ("1", "2", "30", "4")]  # what the reader found
    ids: dict[str, int] = {}
    for page_id, numbers in ((p1, ("1", "2", "30", "4")), (p3, ("5", "6"))):
        for i, so in enumerate(numbers):
            data = {"so": so, "ngayDangKy": "05/03/1997" if so == "6" else "02/03/1998"}
            ids[so] = create_entry(
                app.db,
                b.id,
                data,
                origin="ocr",
                actor="system",
                regions=[Region(page_id, "row", (40, 300 + 90 * i, 1500, 80), {"so": (40, 300 + 90 * i, 60, 80)})],
                strict=False,
            )
    save_keying(app.db, b.id, ids["1"], _reading("1", "Trần Văn An"), actor="an")
    save_keying(app.db, b.id, ids["1"], _reading("1", "Trần Văn An"), actor="binh")
    save_keying(app.db, b.id, ids["2"], _reading("2", "Lê Văn Bình"), actor="an")
    save_keying(app.db, b.id, ids["2"], _reading("2", "Lê Văn Bính"), actor="binh")
    save_keying(app.db, b.id, ids["30"], _reading("30", "Ngô Văn Cả"), actor="an")
    save_keying(app.db, b.id, ids["30"], _reading("30", "Ngô Văn Cà"), actor="binh")
    arbitrate(app.db, b.id, ids["30"], _reading("30", "Ngô Văn Cả"), actor="chi")
    save_keying(app.db, b.id, ids["4"], _reading("4", "Phạm Văn Dũng"), actor="an")
    return b.id, ids


def test_the_book_s_progress_and_what_to_look_at(app: App) -> None:
    book_id, ids = _fill(app)
    q = book_quality(app.db, book_id)
    assert q.double_keying and q.pages_scanned == 2 and q.rows_found == 4 and q.entries == 6
    assert (q.keyed_once, q.keyed_twice, q.agreed, q.waiting_arbitration, q.arbitrated) == (1, 3, 1, 1, 1)
    assert q.verified == 2  # the agreed and the arbitrated entries
    assert q.missing_pages == [2] and q.double_pages == []
    assert q.number_gaps == [(3, 3), (7, 29)]
    assert q.out_of_sequence_count == 1
    [n] = q.out_of_sequence
    assert (n.entry_id, n.so, n.page_no) == (ids["30"], "30", 1)
    assert "trước là 2" in n.detail and "sau là 4" in n.detail
    assert q.off_year_count == 1 and q.off_year[0].entry_id == ids["6"] and q.off_year[0].page_no == 3
    assert "1997" in q.off_year[0].detail
    by_page = {p.page_no: p for p in q.pages}
    assert (by_page[1].rows, by_page[1].entries, by_page[1].keyed, by_page[1].verified) == (4, 4, 4, 2)
    assert (by_page[3].entries, by_page[3].keyed) == (2, 0)
    assert not q.finished


def test_a_misread_number_is_the_only_one_out_of_sequence() -> None:
    assert increasing_run([1, 2, 30, 4, 5, 6]) == {0, 1, 3, 4, 5}
    assert increasing_run([5, 6, 7, 1, 2]) == {0, 1, 2}  # a page bound in the wrong place: the shorter run
    assert increasing_run([]) == set()
    assert increasing_run([3, 3]) == {0} or increasing_run([3, 3]) == {1}  # a number twice: one is out


def test_desk_page_and_cli_show_the_same_numbers(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=1)
    settings.ensure_dirs()
    app = App(settings)
    try:
        book_id, ids = _fill(app)
        accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
        desk = create_app(app)
        c, _ = logged_in(desk, "tiepnhan")
        book = c.get(f"/books/{book_id}")
        assert f'href="/books/{book_id}/quality"' in book.text
        r = c.get(f"/books/{book_id}/quality")
        assert r.status_code == 200
        assert "Tiến độ và chất lượng số hóa" in r.text and "nhập hai lần" in r.text
        assert "Khác nhau, chờ phân xử" in r.text and f'href="/entries/{ids["30"]}"' in r.text
        assert "Thiếu trang: 2" in r.text and "năm 1997, sổ là năm 1998" in r.text
        assert c.get("/books/999999/quality").status_code == 404
    finally:
        app.close()
    out = sohoa("book", "quality", "khai_sinh/1998/01", "--json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr  # something to look at
    doc = json.loads(out.stdout)
    assert doc["book"]["key"] == "khai_sinh/1998/01"
    assert (doc["keyed_once"], doc["keyed_twice"], doc["agreed"], doc["arbitrated"], doc["verified"]) == (1, 3, 1, 1, 2)
    assert doc["missing_pages"] == [2] and doc["out_of_sequence"][0]["so"] == "30" and doc["off_year_count"] == 1
    text = sohoa("book", "quality", "khai_sinh/1998/01", cwd=tmp_path)
    assert text.returncode == 1 and "chờ phân xử 1" in text.stdout and "số 30 không theo thứ tự" in text.stdout
    entry = json.loads(sohoa("entry", "show", str(ids["2"]), "--json", cwd=tmp_path).stdout)["entry"]
    assert entry["regions"][0]["box"] == [40, 390, 1500, 80] and entry["regions"][0]["cells"] == {
        "so": [40, 390, 60, 80]
    }
    missing = sohoa("book", "quality", "khai_sinh/1990/09", "--json", cwd=tmp_path)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "refused"

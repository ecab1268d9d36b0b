"""Paper from the desk: a book's verified entries printed as the paper register's pages; an entry
nobody verified never reaches the paper; audited."""

from __future__ import annotations

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.registers.books import create_book
from indexer.registers.entries import verify_entry
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import create_entry
from tests.webdesk import PASSWORD, logged_in


def test_only_verified_entries_are_printed(app: App) -> None:
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist")
    desk = create_app(app)
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành", layout="entry_per_page")
    e1 = create_entry(
        app.db, b.id, {"so": "1", "nksHoTen": "Trần Thị Kim Tươi", "ngayDangKy": "01/06/2024"}, origin="ocr", actor="t"
    )
    c, _ = logged_in(desk, "luutru")
    r = c.get(f"/books/{b.id}/print")
    assert r.status_code == 409 and "chỉ in các mục đã đối chiếu" in r.text
    r = c.get(f"/entries/{e1}/print")
    assert r.status_code == 409 and "đối chiếu với sổ rồi mới in" in r.text
    assert "In trang sổ của mục này" not in c.get(f"/entries/{e1}").text
    verify_entry(app.db, e1, actor="luutru")
    r = c.get(f"/books/{b.id}/print")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    assert "In trang sổ của mục này" in c.get(f"/entries/{e1}").text
    assert c.get(f"/entries/{e1}/print").content[:5] == b"%PDF-"
    rows = audit_page(app.db, AuditFilter(action="book.print"))[0]
    assert [(r.actor, r.detail["entries"]) for r in rows] == [("luutru", 1), ("luutru", 1)]
    assert c.get("/entries/999/print").status_code == 404

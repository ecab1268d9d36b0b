"""Book pages imported from the desk: uploaded by an archivist, taken into the book with their page
numbers from the file names, progress then a summary; clerks cannot; audited."""

from __future__ import annotations

import io
import time

from PIL import Image

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.registers.books import create_book
from indexer.registers.digitise import book_report
from sohoa.app import App
from sohoa.web import create_app
from tests.webdesk import PASSWORD, logged_in

HX = {"HX-Request": "true"}


def _png(shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (400, 560), shade).save(buf, "PNG")
    return buf.getvalue()


def test_archivist_uploads_book_pages_and_sees_them_taken_in(app: App) -> None:
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist")
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    desk = create_app(app)
    b = create_book(app.db, "khai_sinh", 1999, "01", commune="Phú Lộc", layout="ledger")
    c, ctoken = logged_in(desk, "tiepnhan")
    assert "Nhập ảnh trang sổ" not in c.get(f"/books/{b.id}").text
    files = [("files", ("trang-002.png", _png(200), "image/png")), ("files", ("trang-001.png", _png(230), "image/png"))]
    assert c.post(f"/books/{b.id}/import", files=files, headers={"X-CSRF-Token": ctoken, **HX}).status_code == 403
    a, token = logged_in(desk, "luutru")
    assert "Nhập ảnh trang sổ" in a.get(f"/books/{b.id}").text
    r = a.post(f"/books/{b.id}/import", files=files, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200 and 'id="book-import-state"' in r.text
    deadline = time.monotonic() + 60
    while "Đã nhập xong" not in (page := a.get(f"/books/{b.id}/import/progress").text):
        assert time.monotonic() < deadline, page
        assert "Đang nhập" in page
        time.sleep(0.2)
    assert "Đã nhập xong: 2 trang mới" in page
    assert book_report(app.db, b.id).page_numbers == [1, 2]
    # The same scans uploaded again: the same content is a double page, reported, not a new page.
    a.post(f"/books/{b.id}/import", files=files, headers={"X-CSRF-Token": token, **HX})
    while "Đã nhập xong" not in (page := a.get(f"/books/{b.id}/import/progress").text):
        time.sleep(0.2)
    assert "Đã nhập xong: 0 trang mới, 2 trang trùng" in page
    assert book_report(app.db, b.id).page_numbers == [1, 2]
    assert [x.detail["files"] for x in audit_page(app.db, AuditFilter(action="book.import", actor="luutru"))[0]] == [
        2,
        2,
    ]

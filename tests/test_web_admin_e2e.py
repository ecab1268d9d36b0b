"""The admin's journey in a real browser (Debian chromium, 1366×768): add a clerk's account, open
this year's birth register from the desk, import its page scans with progress shown, close the
book; on Trạng thái, deal with a file the intake refused (the reason shown, deleted after a
confirmation). Every step in Vietnamese, no page errors; keys and clicks counted for the closing
note; screenshots in tests/artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.models import QuarantineEntry, RegisterBook
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.pages import name_page, save
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def live(app: App) -> Iterator[tuple[str, App]]:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin", "Trần Văn Quản")
    empty = app.settings.inbox_dir / "quet-hong.jpg"
    empty.write_bytes(b"")  # a scanner that wrote nothing: refused with its reason
    app.intake.take(empty, source="hotfolder", remove=True)
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app
    finally:
        server.stop()


def test_admin_adds_a_clerk_keeps_a_book_and_clears_a_refused_file(
    live: tuple[str, App],
    browser: Browser,  # noqa: F811
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    url, app = live
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    clicks = keys = 0

    page.goto(url + "/admin/users")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    keys += len("quantri") + len(PASSWORD) + 1

    # 1. A clerk's account.
    page.fill("#new-username", "tiepnhan2")
    page.fill("#new-full-name", "Lê Thị Nhận")
    page.select_option("#new-role", "clerk")
    page.fill("#new-password", "mat-khau-moi-1")
    page.fill("#new-password2", "mat-khau-moi-1")
    page.click("form.grid-form button.btn-primary")
    keys += len("tiepnhan2") + len("Lê Thị Nhận") + 2 * len("mat-khau-moi-1")
    clicks += 2
    expect(page.locator(".alert.ok")).to_contain_text("Đã tạo tài khoản")
    expect(page.locator("body")).to_contain_text("Lê Thị Nhận")

    # 2. This year's birth register, opened from the desk.
    page.goto(url + "/books")
    page.select_option("#new-type", "khai_sinh")
    page.fill("#new-volume", "01")
    page.fill("#new-commune", "Phú Lộc")
    page.click("form[action='/books/new'] button.btn-primary")
    keys += 2 + len("Phú Lộc")
    clicks += 2
    expect(page.locator(".alert.ok")).to_contain_text("Đã mở sổ")
    page.screenshot(path=str(ARTIFACTS / "50-quan-tri-mo-so.png"))
    with app.db.read() as s:
        book = s.scalars(select(RegisterBook)).one()
    assert book.year == date.today().year and book.closed_on is None

    # 3. Its page scans imported, progress shown until done.
    files = [save(name_page(f"Sổ khai sinh trang {n}"), tmp_path / f"trang-00{n}.png") for n in (1, 2)]
    page.set_input_files("#import-files", [str(f) for f in files])
    page.click("#book-import button.btn-primary")
    clicks += 2
    expect(page.locator("#book-import-state")).to_contain_text("Đã nhập xong: 2 trang mới", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "51-quan-tri-nhap-trang.png"))

    # 4. Closed, after a confirmation.
    page.once("dialog", lambda d: d.accept())
    page.click("form.book-close button")
    clicks += 2
    expect(page.locator("body")).to_contain_text("đã khóa")
    with app.db.read() as s:
        assert s.get(RegisterBook, book.id).closed_on is not None  # type: ignore[union-attr]

    # 5. The refused file: its reason on Trạng thái, deleted after a confirmation.
    page.goto(url + "/status")
    row = page.locator("tr[data-quarantine]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("quet-hong.jpg")
    page.screenshot(path=str(ARTIFACTS / "52-quan-tri-tep-bi-cach-ly.png"))
    row.locator("summary").click()
    row.locator("form[action$='/delete'] button").click()
    clicks += 2
    expect(page.locator("tr[data-quarantine]")).to_have_count(0)
    with app.db.read() as s:
        assert s.scalars(select(QuarantineEntry)).all() == []
    rows, _ = audit_page(app.db, AuditFilter(action="quarantine.delete"), limit=5)
    assert [r.actor for r in rows] == ["quantri"]  # the deletion is on the record

    assert problems == []
    print(
        f"\nadmin: account, book opened, 2 pages imported, book closed, refused file deleted: {keys} keys, {clicks} clicks"
    )

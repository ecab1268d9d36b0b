"""The archivist verifies a book page in a real browser (Debian chromium, 1366×768): Enter confirms
an entry in place — no reload, the page image and the place on the page stay — and the focus moves
to the next entry not verified; an incomplete entry is refused until a reason is given."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from indexer import accounts
from indexer.models import Page
from indexer.registers.books import create_book
from indexer.registers.digitise import attach_documents
from indexer.registers.entries import Region, get_entry
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.registers_util import create_entry
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD, add_document

pytestmark = pytest.mark.slow


@pytest.fixture
def live(app: App) -> Iterator[tuple[str, App, int, list[int]]]:
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist", "Đỗ Văn Lưu")
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành", expected_pages=1)
    doc = add_document(app, "Sổ khai sinh trang 1")
    attach_documents(app.db, b.id, [(doc, "trang-001.png")], start_page=1)
    with app.db.read() as s:
        pid = s.scalar(select(Page.id).where(Page.document_id == doc))
    ids = []
    for i, (so, name, reg) in enumerate(
        (("3", "Hoàng Văn Bảy", "10/06/2024"), ("4", "Lý Thị Tám", ""), ("5", "Mai Văn Chín", "12/06/2024"))
    ):
        data = {"so": so, "nksHoTen": name, "nksNgaySinh": "01/06/2024", "trangSo": "1"}
        if reg:
            data["ngayDangKy"] = reg
        ids.append(
            create_entry(
                app.db,
                b.id,
                data,
                origin="ocr",
                actor="system",
                regions=[Region(pid, "row", (40, 100 + 80 * i, 900, 60))],
            )
        )
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app, b.id, ids
    finally:
        server.stop()


def test_enter_verifies_in_place_and_moves_to_the_next_entry(
    live: tuple[str, App, int, list[int]],
    browser: Browser,  # noqa: F811
) -> None:
    url, app, book, (e3, e4, e5) = live
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url + f"/books/{book}/pages/1")
    page.fill("#username", "luutru")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page.locator(f"#entry-{e3}")).to_be_visible()
    page.evaluate("() => { window.__same_page = true; }")  # gone if the page reloads
    keys = 0
    page.locator(f"#e{e3}-nksHoTen").click()
    page.keyboard.press("Enter")
    keys += 1
    expect(page.locator(f"#entry-{e3} .badge")).to_have_text("đã đối chiếu")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'e{e4}-so'")
    # Entry 4 has no registration date: refused in place until a reason is given.
    expect(page.locator(f"#entry-{e4} label.missing")).to_contain_text("còn trống, cần điền")
    page.keyboard.press("Enter")
    keys += 1
    expect(page.locator(f"#entry-{e4} .alert.error")).to_contain_text("Mục còn thiếu Ngày, tháng, năm đăng ký")
    page.screenshot(path=str(ARTIFACTS / "30-doi-chieu-thieu.png"))
    page.locator(f"#e{e4}-reason").fill("sổ gốc để trống")
    keys += len("sổ gốc để trống")
    page.locator(f"#e{e4}-reason").press("Enter")
    keys += 1
    expect(page.locator(f"#entry-{e4} .badge")).to_have_text("đã đối chiếu")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'e{e5}-so'")
    page.keyboard.press("Enter")
    keys += 1
    expect(page.locator(f"#entry-{e5} .badge")).to_have_text("đã đối chiếu")
    assert page.evaluate("() => window.__same_page === true")  # never reloaded
    assert all(get_entry(app.db, e).status == "verified" for e in (e3, e4, e5))
    page.screenshot(path=str(ARTIFACTS / "31-doi-chieu-xong.png"))
    print(f"\narchivist verifies a page of 3 entries (one incomplete): {keys} keys, 1 click")
    # From an entry, "Ảnh trang sổ" opens the book page with its row lit on the image, in view.
    page.goto(url + f"/entries/{e4}")
    page.click("a.book-page-link")
    expect(page).to_have_url(url + f"/books/{book}/pages/1#entry-{e4}")
    box = page.locator(f'.viewer-stage .box[data-ref="entry-{e4}"]')
    expect(box).to_have_class(re.compile(r"\bhot\b"))
    page.wait_for_function(
        """(id) => { const b = document.querySelector(`.viewer-stage .box[data-ref="${id}"]`).getBoundingClientRect();
                     const f = document.querySelector('.viewer-frame').getBoundingClientRect();
                     return b.top >= f.top && b.bottom <= f.bottom && b.width > 0; }""",
        arg=f"entry-{e4}",
    )
    page.screenshot(path=str(ARTIFACTS / "32-dong-cua-muc.png"))
    assert problems == []

"""The admin's books from the desk, and an accessibility check of the desk's main pages, in a real
browser (Debian chromium, Playwright, 1366×768). axe-core (installed into .node/ by
scripts/setup.sh test) is injected into each page; no serious or critical violation may remain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.registers.books import find_book
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.registers_util import dossier
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD

pytestmark = pytest.mark.slow
AXE = Path(__file__).resolve().parent.parent / ".node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def live(app: App) -> Iterator[tuple[str, App, int]]:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin", "Nguyễn Quản Trị")
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk", "Lê Thị Tiếp")
    year = date.today().year
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {"child_name": "TRẦN THỊ KIM TƯƠI", "mother_name": "VÕ THỊ TUYẾT", "registration_date": f"01/12/{year}"},
    )
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app, doc
    finally:
        server.stop()


def _login(page: Page, url: str, who: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(url + "/intake")


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _axe(page: Page) -> list[dict]:  # type: ignore[type-arg]
    assert AXE.is_file(), f"{AXE} is missing: run scripts/setup.sh test"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    return [v for v in json.loads(result)["violations"] if v["impact"] in ("serious", "critical")]


def test_no_open_book_then_the_admin_opens_one_from_the_desk(
    live: tuple[str, App, int],
    browser: Browser,  # noqa: F811
) -> None:
    url, app, doc = live
    year = date.today().year
    clerk = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    _login(clerk, url, "tiepnhan")
    clerk.goto(url + f"/documents/{doc}")
    expect(clerk.locator("#filing .no-book")).to_have_text(f"Chưa mở sổ khai sinh {year} — báo người quản trị.")
    expect(clerk.locator("#filing")).not_to_contain_text("sohoa book")
    _shot(clerk, "20-chua-mo-so")
    clerk.goto(url + "/books")
    expect(clerk.locator(".book-new")).to_have_count(0)  # clerks do not open books

    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    _login(page, url, "quantri")
    page.goto(url + "/books")
    page.select_option("#new-type", "khai_sinh")
    expect(page.locator("#new-year")).to_have_value(str(year))
    page.fill("#new-commune", "Phú Lộc")
    page.click(".book-new button[type=submit]")
    expect(page).to_have_url(re.compile(r"/books/\d+\?opened=1$"))
    expect(page.locator(".alert.ok")).to_contain_text("Đã mở sổ")
    _shot(page, "21-mo-so")
    # The same book twice is refused in Vietnamese, on the page, without leaving it.
    page.goto(url + "/books")
    page.select_option("#new-type", "khai_sinh")
    page.fill("#new-commune", "Phú Lộc")
    page.click(".book-new button[type=submit]")
    expect(page.locator("#book-new-result .alert.error")).to_contain_text(f"Sổ khai_sinh/{year}/01 của Phú Lộc đã có")
    # The clerk's dossier can now be filed (once its fields are confirmed).
    clerk.goto(url + f"/documents/{doc}")
    expect(clerk.locator("#filing .no-book")).to_have_count(0)
    expect(clerk.locator("#filing a.goto-field")).to_contain_text("Lập mục mới: còn 3 trường chưa xác nhận")
    # Closing the book: asked first, then done and audited.
    book = find_book(app.db, f"khai_sinh/{year}/01")
    page.goto(url + f"/books/{book.id}")
    page.once("dialog", lambda d: d.accept())
    page.click(".book-close button")
    expect(page.locator("h1 + p.muted")).to_contain_text("đã khóa")
    office_today = datetime.now(ZoneInfo(app.settings.web.timezone)).date()  # the desk's day, not the host's
    assert find_book(app.db, book.id).closed_on == office_today
    assert [r.actor for r in audit_page(app.db, AuditFilter(action="book."))[0]][:2] == ["quantri", "quantri"]
    clerk.goto(url + f"/documents/{doc}")
    expect(clerk.locator("#filing .no-book")).to_contain_text("Chưa mở sổ khai sinh")


def test_main_pages_have_no_serious_accessibility_violations(
    live: tuple[str, App, int],
    browser: Browser,  # noqa: F811
) -> None:
    url, _app, doc = live
    # The desk's CSP allows no inline script: only this test's context may add axe's.
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", bypass_csp=True)
    page = ctx.new_page()
    page.goto(url + "/login")
    found = {"/login": _axe(page)}
    _login(page, url, "quantri")
    for path in (
        "/intake",
        "/work",
        f"/documents/{doc}",
        "/search?q=tran+thi+kim+tuoi",
        "/books",
        "/status",
        "/admin/users",
        "/admin/audit",
    ):
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        found[path] = _axe(page)
    # The check itself sees a serious violation when there is one (an image without a text).
    page.set_content('<html lang="vi"><body><main><img src="/static/favicon.svg"></main></body></html>')
    assert "image-alt" in [v["id"] for v in _axe(page)]
    bad = {p: [(v["id"], v["help"], len(v["nodes"])) for v in vs] for p, vs in found.items() if vs}
    assert bad == {}, json.dumps(bad, ensure_ascii=False, indent=1)

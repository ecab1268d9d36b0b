"""The desk end to end in a real browser: Debian's chromium, driven by Playwright (no browser
download), against the desk served by uvicorn beside a runner watching the inbox.

A clerk logs in, a scan dropped into the inbox appears on the intake page by itself, the clerk
opens it, waits for its text, turns the page image, corrects a field with the keyboard alone
(typed, saved by itself, still there after a reload; Enter confirms and moves on), files it — a
new registration: the register entry is made once every field is confirmed — then finds the citizen
by name typed without diacritics, with the entry beside. Screenshots go to tests/artifacts/web/
(not committed).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.runner import Runner
from sohoa.web.server import DeskServer
from tests.pages import birth_declaration, render_page, save
from tests.webdesk import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"

pytestmark = pytest.mark.slow


@pytest.fixture
def live_desk(app: App) -> Iterator[str]:
    """The desk on a free port and a runner processing the inbox, as ``sohoa run`` has them."""
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk", "Lê Thị Tiếp")
    # This year's birth register is open: a declaration filed today gets its entry there.
    create_book(app.db, "khai_sinh", date.today().year, "01", commune="Phú Lộc")
    runner = Runner(app)
    worker = threading.Thread(target=runner.run, name="runner", daemon=True)
    worker.start()
    desk = DeskServer(app, host="127.0.0.1", port=0)
    assert desk.start(), "the desk did not start"
    try:
        yield desk.url.rstrip("/")
    finally:
        desk.stop()
        runner.stop()
        worker.join(timeout=60)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_clerk_sees_a_scan_arrive_opens_it_and_finds_the_citizen(live_desk: str, browser: Browser, app: App) -> None:
    url = live_desk
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    problems: list[str] = []  # script errors and CSP violations both end up here
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    # Anonymous: sent to the login form.
    page.goto(url + "/intake")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fintake$"))
    _shot(page, "01-dang-nhap")
    page.fill("#username", "tiepnhan")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(url + "/intake")
    expect(page.locator("h1")).to_contain_text("Tiếp nhận hôm nay")
    expect(page.locator(".topbar")).not_to_contain_text("Quản trị")  # a clerk has no admin page
    _shot(page, "02-tiep-nhan")

    # A scan is dropped into the inbox; it shows up without reloading the page.
    scan = render_page(birth_declaration("Lê Thị Hồng Nhung", "15/03/2024", "Võ Thị Lan", "Lê Văn Hùng"), dpi=200)
    tmp = app.settings.data_dir / "to-khai-khai-sinh.jpg"
    save(scan, tmp, dpi=200, quality=90)
    os.replace(tmp, app.settings.inbox_dir / tmp.name)
    # The row keeps the file name; its title becomes what the document is once it is read.
    link = page.locator("tr[data-document]", has_text="to-khai-khai-sinh.jpg").locator("a.doc-link")
    expect(link).to_be_visible(timeout=60_000)
    assert page.url == url + "/intake"
    _shot(page, "03-ho-so-vua-den")

    # Open it: the text appears once OCR is done (the page refreshes its own part).
    link.click()
    expect(page).to_have_url(re.compile(r"/documents/\d+$"))
    expect(page.locator(".ocr-text")).to_contain_text("HỒNG NHUNG", timeout=180_000)
    expect(page.locator(".page-head .badge")).to_have_text("xong")
    expect(page.locator(".page-head")).to_contain_text("PDF tìm kiếm được")
    # Now drawn from the searchable PDF: the OCR words' pixels, where boxes can be placed.
    expect(page.locator(".viewer-stage img")).to_have_attribute("src", re.compile(r"&v=a$"))
    page.wait_for_function(
        "() => { const i = document.querySelector('.viewer-stage img'); return i && i.naturalWidth > 0 }"
    )
    # The fields read from the page (issue 3) — or, without field extraction, the place they will go.
    expect(page.locator(".panel-fields, [data-extension=fields-and-filing]").first).to_be_visible()
    _shot(page, "04-ho-so")
    rows = page.locator(".panel-fields tr[data-field]")
    if rows.count():  # with field extraction: pointing at a field lights its words on the image
        field_id = rows.first.get_attribute("data-field")
        rows.first.hover()
        expect(page.locator(f'.viewer-stage .box.hot[data-ref="{field_id}"]').first).to_be_visible()
        _shot(page, "04b-truong-tren-anh")
        page.mouse.move(0, 0)
    # Correct the child's name with the keyboard alone: typed, saved by itself (no button).
    name = page.locator("#field-child_name")
    expect(name).to_be_visible()
    name.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Lê Thị Hồng Nhung")
    row = page.locator('form.field-row[data-field="child_name"]')
    expect(row.locator(".save-state")).to_contain_text("Đã lưu")
    _shot(page, "04c-sua-truong")
    page.reload()  # the correction survives a reload
    expect(page.locator("#field-child_name")).to_have_value("Lê Thị Hồng Nhung")
    # Tab goes to the next field; Shift+Tab back; Enter confirms and moves on to the next field.
    page.locator("#field-child_name").focus()
    page.keyboard.press("Tab")
    next_id = page.evaluate("() => document.activeElement.closest('form.field-row').dataset.field")
    assert next_id != "child_name"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator('form.field-row[data-field="child_name"]')).to_have_class(re.compile(r"\bconfirmed\b"))
    expect(page.locator('form.field-row[data-field="child_name"]')).to_contain_text("đã xác nhận")
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'field-{next_id}'")
    _shot(page, "04d-xac-nhan-truong")

    # File it: a new registration, so its entry is made from the confirmed fields — once every field
    # is confirmed. The button says how many are left and leads to them; Enter after Enter confirms
    # them, and the last one leads to the filing button.
    filing = page.locator("#filing")
    left = filing.locator("a.goto-field")
    expect(left).to_contain_text(re.compile(r"Lập mục mới: còn \d+ trường chưa xác nhận"))
    left.click()
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('form.field-row')")
    create = filing.locator(".create-entry button.btn-primary")
    for _ in range(60):
        if create.count() and page.evaluate("() => document.activeElement.matches('#filing .create-entry button')"):
            break
        focused = page.evaluate("() => document.activeElement.id")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.activeElement && document.activeElement.id !== '{focused}'")
    expect(create).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#filing")).to_contain_text("Đã lập mục mới")
    expect(page.locator("#filing .filed")).to_contain_text("Lê Thị Hồng Nhung")
    entry_link = page.locator("#filing .filed a")
    entry_text = entry_link.inner_text()  # Sổ khai sinh <year>, quyển 01, số 1
    assert re.fullmatch(r"Sổ khai sinh \d{4}, quyển 01, số \d+", entry_text), entry_text
    _shot(page, "04e-vao-so")

    stage = page.locator(".viewer-stage")
    before = stage.bounding_box()
    page.click("button[data-act=rotate]")
    expect(stage).to_have_attribute("style", re.compile(r"rotate\(90deg\)"))
    page.click("button[data-act=zoom-in]")
    after = stage.bounding_box()
    assert before and after and after["width"] > before["width"]  # turned sideways and zoomed in
    _shot(page, "05-xoay-phong-to")

    # Find the citizen by name, typed without diacritics.
    page.click(".mainnav >> text=Tra cứu")
    page.fill("#q", "le thi hong nhung")
    page.press("#q", "Enter")
    hit = page.locator(".hit").filter(has_text="to-khai-khai-sinh.jpg")
    expect(hit).to_have_count(1)
    expect(hit.locator(".why")).to_have_text("khớp không dấu (cụm từ)")
    expect(hit.locator(".snippet mark").first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.hit img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    # The person, from the register entry just made, with a link to it.
    entry_hit = page.locator(".person").filter(has_text="Lê Thị Hồng Nhung").locator("a", has_text="Mục sổ")
    expect(entry_hit).to_have_text(f"Mục sổ {entry_text}")
    _shot(page, "06-tra-cuu")
    hit.locator(".hit-title").click()
    expect(page.locator(".ocr-text")).to_contain_text("HỒNG NHUNG")

    # The register book now holds her entry.
    page.click(".mainnav >> text=Sổ hộ tịch")
    expect(page.locator("h2").first).to_contain_text(f"Sổ đăng ký khai sinh — năm {date.today().year}")
    page.click("a.book-link")
    expect(page.locator("table.entries")).to_contain_text("Lê Thị Hồng Nhung")
    _shot(page, "07-so-ho-tich")

    # Log out: back to the login form, and the desk is closed again.
    page.click("text=Đăng xuất")
    expect(page).to_have_url(url + "/login")
    page.goto(url + "/search?q=nhung")
    expect(page).to_have_url(re.compile(r"/login"))

    assert problems == []
    rows, _ = audit_page(app.db, AuditFilter(actor="tiepnhan"), limit=100)
    actions = [r.action for r in rows]
    assert "search" in actions and actions.count("document.view") >= 2 and "page.image" in actions
    assert "field.edit" in actions and "field.confirm" in actions and "filing.create" in actions

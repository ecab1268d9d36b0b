"""Keying a handwritten ledger page on the desk in a real browser (Debian chromium, 1366×768), on
pages drawn in a hand-like script (``bench.ledgergen``):

- the whole double-keying flow: two keyers key the same rows with keystrokes only (Tab, Enter — no
  reload), the second never sees the first's values; one column differs; a third person arbitrates
  beside the row image; the book's XLSX export carries the settled values and who keyed each one;
  the archive lead reads each keyer's agreement rate;
- completion never changes a typed value without a key press (an offer list showing, Tab, Escape,
  leaving the input: the value stays as typed; ↓ then Enter takes an offer); the date is shown
  normalised beside and saved as typed; Alt+↓ takes the row above's value;
- the row image is fully visible, and loaded, at 1366×768 for every entry of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bench.keying import KeyingBook, key_entries, make_book
from indexer import accounts
from indexer.registers.entries import get_entry
from indexer.registers.keying import readings_of, save_keying, to_arbitrate
from sohoa.app import App
from sohoa.exports import export_book
from sohoa.web.server import DeskServer
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD

pytestmark = pytest.mark.slow
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture
def desk(app: App) -> Iterator[tuple[str, App]]:
    for user, role in (("an", "archivist"), ("binh", "archivist"), ("chi", "archivist"), ("truong", "admin")):
        accounts.create_user(app.db, user, PASSWORD, role)
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app
    finally:
        server.stop()


def _login(browser: Browser, url: str, user: str, problems: list[str]) -> Page:  # noqa: F811
    page = browser.new_context(viewport=VIEWPORT, locale="vi-VN").new_page()  # type: ignore[arg-type]
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def _row_image_in_view(page: Page) -> None:
    page.wait_for_function(
        """() => { const i = document.querySelector('img.row-image'); if (!i || !i.complete || !i.naturalWidth) return false;
                   const r = i.getBoundingClientRect();
                   return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
                          && r.width >= 900 && r.height >= 30; }"""
    )


def test_two_keyers_one_disagreement_arbitrated_then_exported(
    desk: tuple[str, App],
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, app = desk
    book = make_book(app, 1, double=True)
    two = KeyingBook(book.book_id, book.year, book.entries[:2])
    (e1, truth1), (e2, _) = two.entries
    problems: list[str] = []

    an = _login(browser, url, "an", problems)
    an.goto(f"{url}/books/{book.book_id}/keying")
    expect(an.locator("#keying .ocr-mark").first).to_be_visible()  # the number the OCR read, marked
    _row_image_in_view(an)
    run = key_entries(an, url, two, limit=2)
    assert an.evaluate("() => performance.getEntriesByType('navigation').length") == 1  # no reload
    assert run.entries == 2 and run.keys - run.chars <= 8 * 2  # ≤ one key per written column
    assert get_entry(app.db, e1).status == "unverified"  # one reading settles nothing
    an.screenshot(path=str(ARTIFACTS / "40-nhap-lan-1.png"))

    # The second keyer sees only the OCR's number, never the first keyer's values.
    binh = _login(browser, url, "binh", problems)
    binh.goto(f"{url}/books/{book.book_id}/keying")
    assert binh.locator("#keying").get_attribute("data-entry") == str(e1)
    assert binh.input_value("#k-nksHoTen") == "" and binh.input_value("#k-meHoTen") == ""
    other = dict(truth1, meHoTen=truth1["meHoTen"] + " Thị")  # one column read differently
    run = key_entries(binh, url, KeyingBook(book.book_id, book.year, [(e1, other), two.entries[1]]), limit=2)
    assert run.entries == 2
    assert get_entry(app.db, e2).status == "verified"  # both agreed
    assert to_arbitrate(app.db, book.book_id) == [e1]

    # A keyer may not arbitrate their own disagreement.
    an.goto(f"{url}/books/{book.book_id}/arbitrate")
    expect(an.locator("main")).to_contain_text("Không còn mục nào chờ bạn phân xử")
    assert an.request.get(f"{url}/books/{book.book_id}/arbitrate?entry={e1}").status == 403  # nor see binh's reading

    chi = _login(browser, url, "chi", problems)
    chi.goto(f"{url}/books/{book.book_id}")
    expect(chi.locator("#keying-box")).to_contain_text("Phân xử chỗ khác nhau (1)")
    chi.click("#keying-box >> text=Phân xử chỗ khác nhau")
    expect(chi.locator("thead")).to_contain_text("an nhập")
    expect(chi.locator("thead")).to_contain_text("binh nhập")
    row = chi.locator("tr.differ")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(truth1["meHoTen"])
    expect(row).to_contain_text(other["meHoTen"])
    _row_image_in_view(chi)
    chi.wait_for_function(
        "() => { const i = document.querySelector('tr.differ img.cell-image'); return i && i.complete && i.naturalWidth > 50; }"
    )
    chi.screenshot(path=str(ARTIFACTS / "41-phan-xu.png"))
    row.locator("input[value=a]").check()
    chi.click("text=Chốt mục này")
    expect(chi.locator(".alert.ok")).to_contain_text("Đã chốt")
    e = get_entry(app.db, e1)
    assert e.status == "verified" and e.verified_by == "chi" and e.data["meHoTen"] == truth1["meHoTen"]

    # The export: settled values in the national sheet, who keyed what in the history sheet.
    out = export_book(app, book.book_id, tmp_path / "xuat")
    wb = load_workbook(out.xlsx, read_only=True)
    national = [[str(c) for c in r if c is not None] for r in wb["DuLieu"].iter_rows(values_only=True)]
    assert any(truth1["meHoTen"] in r for r in national) and not any(other["meHoTen"] in r for r in national)
    history = [list(r) for r in wb["LichSu"].iter_rows(values_only=True)]
    keyed = {(r[2], r[4], r[6]) for r in history if r[3] == "keying"}
    assert ("an", "meHoTen", truth1["meHoTen"]) in keyed and ("binh", "meHoTen", other["meHoTen"]) in keyed

    # The archive lead's page: each keyer's agreement.
    lead = _login(browser, url, "truong", problems)
    lead.goto(f"{url}/keying/agreement?book={book.book_id}")
    written = sum(1 for _, vals in two.entries for v in vals.values() if v)
    rate = 100 * (written - 1) / written
    expect(lead.locator('tr[data-actor="an"] .rate-agree')).to_have_text(f"{rate:.1f} %")
    expect(lead.locator('tr[data-actor="an"] .rate-right')).to_have_text("100.0 %")
    expect(lead.locator('tr[data-actor="binh"] .rate-right')).to_have_text(f"{rate:.1f} %")
    lead.screenshot(path=str(ARTIFACTS / "42-ti-le-khop.png"))
    assert problems == []
    assert binh.goto(f"{url}/keying/agreement").status == 403  # admins only  # type: ignore[union-attr]


def test_completion_never_changes_what_was_typed_without_a_key(
    desk: tuple[str, App],
    browser: Browser,  # noqa: F811
) -> None:
    url, app = desk
    book = make_book(app, 1)
    (e1, v1), (e2, _) = book.entries[:2]
    save_keying(app.db, book.book_id, e1, {**v1, "meHoTen": "Lê Thị Hoa"}, actor="binh")  # the book holds a name
    problems: list[str] = []
    page = _login(browser, url, "an", problems)
    page.goto(f"{url}/books/{book.book_id}/keying")
    assert page.locator("#keying").get_attribute("data-entry") == str(e2)

    place = page.locator("#k-nksNoiSinh")
    place.click()
    page.keyboard.type("Phú L")
    offers = page.locator("#ko-nksNoiSinh li")
    expect(offers.first).to_be_visible()  # a list is offered …
    page.wait_for_timeout(400)
    assert place.input_value() == "Phú L"  # … and nothing taken while it shows
    page.keyboard.press("Tab")  # Tab goes on: nothing taken
    assert place.input_value() == "Phú L"
    expect(page.locator("#ko-nksNoiSinh")).to_be_hidden()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")  # (focus by key selects the whole value)
    page.keyboard.type("ộ")
    expect(offers.first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#ko-nksNoiSinh")).to_be_hidden()
    assert place.input_value() == "Phú Lộ"
    page.keyboard.press("Backspace")
    expect(offers.first).to_be_visible()
    page.locator("#k-ngayDangKy").click()  # leaving by the mouse takes nothing either
    assert place.input_value() == "Phú L"
    # ↓ then Enter takes the highlighted offer, and only that: the entry is not saved by that Enter.
    place.click()
    page.keyboard.press("End")
    page.keyboard.type("ộ")
    expect(offers.first).to_be_visible()
    first = offers.first.inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert place.input_value() == first and first.startswith("Phú Lộc")
    assert page.locator("#keying").get_attribute("data-entry") == str(e2)

    # A name from the book: offered, taken only by a key.
    mother = page.locator("#k-meHoTen")
    mother.click()
    page.keyboard.type("le th")
    expect(page.locator("#ko-meHoTen li", has_text="Lê Thị Hoa")).to_be_visible()
    page.wait_for_timeout(300)
    assert mother.input_value() == "le th"
    page.keyboard.press("Control+A")
    page.keyboard.type("Lê Thị Hoa")

    # The date as typed, shown normalised beside; Alt+↓ takes the row above's value.
    date = page.locator("#k-ngayDangKy")
    date.fill("")
    date.click()
    page.keyboard.type("02031998")
    expect(page.locator("#kh-ngayDangKy .date-shown")).to_have_text("= 02/03/1998")
    assert date.input_value() == "02031998"
    father = page.locator("#k-chaHoTen")
    father.click()
    page.keyboard.press("Alt+ArrowDown")
    assert father.input_value() == v1["chaHoTen"]
    page.locator("#k-nksHoTen").fill("Nguyễn Văn Thử")
    page.locator("#k-nksHoTen").press("Enter")
    expect(page.locator(".keying-saved")).to_contain_text("Đã lưu số")
    [(who, typed)] = readings_of(app.db, e2)
    assert who == "an" and typed["ngayDangKy"] == "02031998" and typed["nksNoiSinh"] == first
    assert get_entry(app.db, e2).data["ngayDangKy"] == "02/03/1998"
    assert problems == []


def test_row_image_fully_visible_at_1366x768(
    desk: tuple[str, App],
    browser: Browser,  # noqa: F811
) -> None:
    url, app = desk
    book = make_book(app, 2)
    problems: list[str] = []
    page = _login(browser, url, "an", problems)
    page.goto(f"{url}/books/{book.book_id}/keying")
    seen, pages, ahead_seen = 0, set(), False
    for eid, values in book.entries:
        sec = page.locator("#keying")
        if sec.get_attribute("data-entry") != str(eid):
            break
        _row_image_in_view(page)
        if seen == 0:  # the column being typed is framed on the row picture, left to right
            xs = []
            for key in ("so", "nksHoTen", "chaHoTen"):
                page.locator(f"#k-{key}").focus()
                mark = page.locator("#keying .cell-mark")
                expect(mark).to_be_visible()
                box, img = mark.bounding_box(), page.locator("img.row-image").bounding_box()
                assert box and img and img["x"] <= box["x"] and box["x"] + box["width"] <= img["x"] + img["width"] + 1
                xs.append(box["x"])
            assert xs == sorted(xs)
            page.locator("#k-ghiChu").focus()
            expect(page.locator("#keying .cell-mark")).to_be_hidden()  # Ghi chú is not a column of the page
        caption = page.locator(".row-figure figcaption").inner_text()
        pages.add(caption.split(",")[0])
        if caption.startswith("Trang 1"):
            last = re.search(r"dòng (\d+)/(\d+)", caption)
            if last and last.group(1) == last.group(2):  # the last row of page 1: page 2 loaded ahead
                ahead = [
                    u
                    for u in (page.locator("#keying").get_attribute("data-prefetch") or "").split()
                    if "image?w=800" in u
                ]
                assert ahead
                page.wait_for_function(
                    "(u) => performance.getEntriesByType('resource').some(r => r.name.endsWith(u))", arg=ahead[0]
                )
                ahead_seen = True
        page.locator("form.keying-form input[data-key]").last.focus()  # the far end of the inputs
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        _row_image_in_view(page)
        if seen == 0:
            page.screenshot(path=str(ARTIFACTS / "43-nhap-tu-so.png"))
        for k, v in values.items():
            page.locator(f"#k-{k}").fill(v)
        page.locator("form.keying-form input[data-key]").first.press("Enter")
        page.wait_for_function("(id) => document.getElementById('keying').dataset.entry !== id", arg=str(eid))
        seen += 1
    assert seen == len(book.entries) and pages == {"Trang 1", "Trang 2"}  # every row of both pages
    assert ahead_seen
    expect(page.locator("#keying")).to_contain_text("Không còn mục nào")
    assert problems == []


def test_keying_pages_have_no_serious_accessibility_violations(
    desk: tuple[str, App],
    browser: Browser,  # noqa: F811
) -> None:
    from tests.test_web_a11y import _axe

    url, app = desk
    book = make_book(app, 1, double=True)
    (e1, v1), (e2, _) = book.entries[:2]
    save_keying(app.db, book.book_id, e1, v1, actor="an")
    save_keying(app.db, book.book_id, e1, {**v1, "chaHoTen": "Khác"}, actor="binh")
    save_keying(app.db, book.book_id, e2, book.entries[1][1], actor="an")
    # The desk's CSP allows no inline script: only this context may add axe's.
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN", bypass_csp=True)  # type: ignore[arg-type]
    page = ctx.new_page()
    page.goto(url + "/login")
    page.fill("#username", "truong")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    found = {}
    for path, ready in (
        (f"/books/{book.book_id}", "#keying-box"),
        (f"/books/{book.book_id}/keying", "#keying img.row-image"),
        (f"/books/{book.book_id}/arbitrate", "tr.differ"),
        (f"/keying/agreement?book={book.book_id}", "table.agreement"),
    ):
        page.goto(url + path)
        expect(page.locator(ready).first).to_be_visible()
        found[path] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in _axe(page)]
    # Offers showing: the combobox and its list.
    page.goto(f"{url}/books/{book.book_id}/keying")
    page.locator("#k-nksNoiSinh").click()
    page.keyboard.type("Phú L")
    expect(page.locator("#ko-nksNoiSinh li").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    found["offers"] = [(v["id"], v["impact"]) for v in _axe(page)]
    assert all(not v for v in found.values()), found

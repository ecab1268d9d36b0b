"""The searcher's journey in a real browser (Debian chromium, 1366×768): a staff member looks a
citizen up by name typed without diacritics, then as OCR damaged it, finds one row per person (the
register entry and the dossier filed to it together; a namesake born another year and an old
book's capitals apart; the mother's row says whose record it is), opens the record and its page
image — the book page with the entry's row lit and in view — and the dossier's scan. Keys and
clicks are counted; screenshots go to tests/artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from indexer import accounts
from indexer.models import FieldValue
from indexer.models import Page as PageRow
from indexer.registers import filing
from indexer.registers.books import create_book
from indexer.registers.digitise import attach_documents
from indexer.registers.entries import Region
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.registers_util import create_entry, dossier
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD, add_document

pytestmark = pytest.mark.slow

BORN = "02/11/2019"


@pytest.fixture
def live(app: App) -> Iterator[tuple[str, App, dict[str, int]]]:
    accounts.create_user(app.db, "tracuu", PASSWORD, "clerk", "Phan Thị Tra")
    b = create_book(app.db, "khai_sinh", 2019, "01", commune="Phú Lộc", expected_pages=1)
    scan = add_document(app, "Sổ khai sinh 2019 trang 12")
    attach_documents(app.db, b.id, [(scan, "trang-012.png")], start_page=12)
    with app.db.read() as s:
        pid = s.scalar(select(PageRow.id).where(PageRow.document_id == scan))
    ids: dict[str, int] = {}
    for i, (so, name, born, mother) in enumerate(
        (
            ("46", "Lê Văn Tám", "01/11/2019", "Phạm Thị Chín"),
            ("47", "Trần Thị Kim Tươi", BORN, "Võ Thị Tuyết"),
            ("48", "Nguyễn Văn Mười", "05/11/2019", "Đỗ Thị Một"),
        )
    ):
        data = {
            "so": so,
            "nksHoTen": name,
            "nksNgaySinh": born,
            "meHoTen": mother,
            "ngayDangKy": "20/11/2019",
            "trangSo": "12",
        }
        ids[so] = create_entry(
            app.db, b.id, data, origin="ocr", actor="system", regions=[Region(pid, "row", (40, 120 + 90 * i, 900, 70))]
        )
    old = create_book(app.db, "khai_sinh", 1996, "01", commune="Phú Lộc")
    # A namesake from an old book typed in capitals, born another year: another person.
    ids["old"] = create_entry(
        app.db,
        old.id,
        {"so": "3", "nksHoTen": "TRAN THI KIM TUOI", "nksNgaySinh": "07/03/1996"},
        origin="legacy",
        actor="t",
    )
    # The declaration filed to entry 47: the same person, one row with both sources.
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {"child_name": "Trần Thị Kim Tươi", "child_birth_date": BORN, "mother_name": "Võ Thị Tuyết"},
    )
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="tracuu"))
    filing.confirm(app.db, doc, ids["47"], actor="tracuu")
    ids["doc"] = doc
    ids["book"] = b.id
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app, ids
    finally:
        server.stop()


def _rows(page: Page) -> list[str]:
    return page.locator("ol.people li.person").all_inner_texts()


def test_a_searcher_finds_a_citizen_by_a_damaged_name_and_opens_the_record_and_page(
    live: tuple[str, App, dict[str, int]],
    browser: Browser,  # noqa: F811
) -> None:
    url, _app, ids = live
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    keys = clicks = 0
    page.goto(url + "/")
    page.fill("#username", "tracuu")
    page.fill("#password", PASSWORD)
    keys += len("tracuu") + len(PASSWORD) + 1
    page.press("#password", "Enter")
    page.get_by_role("link", name="Tra cứu").click()
    clicks += 1
    expect(page.locator("#q")).to_be_focused()  # the box takes typing at once

    # 1. Without diacritics: one row per person.
    q = "tran thi kim tuoi"
    page.keyboard.type(q)
    page.keyboard.press("Enter")
    keys += len(q) + 1
    expect(page.locator("ol.people")).to_be_visible()
    rows = _rows(page)
    ours = [r for r in rows if f"sinh {BORN}" in r]
    assert len(ours) == 1, rows  # the entry and the dossier filed to it: one person
    assert "Mục sổ Sổ khai sinh" in ours[0] and f"Hồ sơ số {ids['doc']}" in ours[0], ours[0]
    assert "khớp không dấu" in ours[0]
    old = [r for r in rows if "sinh 07/03/1996" in r]
    assert len(old) == 1 and "khớp không dấu" in old[0]  # the old book's capitals: apart, ranked alike
    assert not any("khớp đúng cả dấu" in r for r in rows)
    page.screenshot(path=str(ARTIFACTS / "40-tra-cuu-khong-dau.png"), full_page=True)

    # 2. As OCR damaged it ("tr" read as "ư", a lost letter): the same person, said why.
    q2 = "ưan thi kim tuoi"
    page.fill("#q", q2)
    keys += len(q2)
    page.press("#q", "Enter")
    keys += 1
    expect(page).to_have_url(re.compile(r"q=%C6%B0an"))
    rows = _rows(page)
    ours = [r for r in rows if f"sinh {BORN}" in r]
    assert len(ours) == 1 and "gần đúng (lỗi OCR)" in ours[0], rows
    assert f"Hồ sơ số {ids['doc']}" in ours[0]
    # The mother searched the same way: her row says whose record it is.
    page.fill("#q", "vo thi tuyet")
    keys += len("vo thi tuyet") + 1
    page.press("#q", "Enter")
    mother = page.locator("ol.people li.person").filter(has_text="Võ Thị Tuyết").first
    expect(mother.locator(".whose")).to_have_text("mẹ của Trần Thị Kim Tươi")
    page.fill("#q", q2)
    keys += len(q2) + 1
    page.press("#q", "Enter")
    page.screenshot(path=str(ARTIFACTS / "41-tra-cuu-loi-ocr.png"), full_page=True)

    # A name nobody has: said so in Vietnamese, with what to try.
    page.fill("#q", "xyzq wvut")
    page.press("#q", "Enter")
    expect(page.locator("p.empty")).to_contain_text("Không tìm thấy")
    page.fill("#q", q2)
    page.press("#q", "Enter")
    keys += len("xyzq wvut") + 1 + len(q2) + 1

    # 3. The record: the register entry, then its page image with the row lit and in view.
    row = page.locator("ol.people li.person").filter(has_text=f"sinh {BORN}")
    row.get_by_role("link", name=re.compile(r"^Mục sổ")).click()
    clicks += 1
    expect(page).to_have_url(url + f"/entries/{ids['47']}")
    expect(page.locator("main")).to_contain_text("Trần Thị Kim Tươi")
    expect(page.locator("main")).to_contain_text("Võ Thị Tuyết")
    page.click("a.book-page-link")
    clicks += 1
    expect(page).to_have_url(url + f"/books/{ids['book']}/pages/12#entry-{ids['47']}")
    box = page.locator(f'.viewer-stage .box[data-ref="entry-{ids["47"]}"]')
    expect(box).to_have_class(re.compile(r"\bhot\b"))
    page.wait_for_function(
        """() => { const i = document.querySelector('.viewer-stage img'); return i && i.complete && i.naturalWidth > 0; }"""
    )
    page.wait_for_function(
        """(id) => { const b = document.querySelector(`.viewer-stage .box[data-ref="${id}"]`).getBoundingClientRect();
                     const f = document.querySelector('.viewer-frame').getBoundingClientRect();
                     return b.width > 0 && b.top >= f.top && b.bottom <= f.bottom; }""",
        arg=f"entry-{ids['47']}",
    )
    page.screenshot(path=str(ARTIFACTS / "42-tra-cuu-trang-so.png"))

    # 4. Back to the results, the dossier's own scan.
    page.go_back()
    page.go_back()
    clicks += 2
    page.locator("ol.people li.person").filter(has_text=f"sinh {BORN}").get_by_role(
        "link", name=f"Hồ sơ số {ids['doc']}"
    ).click()
    clicks += 1
    expect(page).to_have_url(url + f"/documents/{ids['doc']}")
    page.wait_for_function(
        """() => { const i = document.querySelector('.viewer-stage img'); return i && i.complete && i.naturalWidth > 0; }"""
    )
    page.screenshot(path=str(ARTIFACTS / "43-tra-cuu-ho-so.png"))
    assert problems == []
    print(f"\nsearcher (login, 6 searches, the record, its book page, the dossier): {keys} keys, {clicks} clicks")

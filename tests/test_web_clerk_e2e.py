"""A clerk's dossier at the desk in a real browser (Debian chromium, Playwright, 1366×768): the
filing gate, the review layout, the counters, and nothing typed ever lost — the server stopped
while typing, the session ended while typing. Keys and clicks of the journey are counted and
printed (the closing note of issue 16 quotes them). Screenshots go to tests/artifacts/web/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, select

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.models import FieldValue, RegisterFiling
from indexer.models import Page as PageRow
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.registers_util import dossier
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD

pytestmark = pytest.mark.slow
W, H = 1000, 2800  # a tall page: the lower fields' boxes are far below the first screen
LONG = "Thôn Đông Hòa, xã Phú Lộc, huyện Krông Năng, tỉnh Đắk Lắk (nhà số 14, đường liên thôn)"


@dataclass
class Journey:
    """Keys and clicks a person makes, counted as the test makes them."""

    page: Page
    keys: int = 0
    clicks: int = 0
    log: list[str] = field(default_factory=list)

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.page.keyboard.type(text)

    def click(self, locator) -> None:  # type: ignore[no-untyped-def]
        self.clicks += 1
        locator.click()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _declaration(app: App) -> int:
    today = date.today().strftime("%d/%m/%Y")
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "TRẦN THỊ KIM TƯƠI",
            "child_birth_date": "02/11/2026",
            "child_sex": "Nữ",
            "mother_name": "VÕ THỊ TUYẾN",
            "mother_birth_year": "1994",
            "mother_residence": LONG,
            "father_name": "TRẦN VĂN HẢI",
            "father_birth_year": "1990",
            "registration_date": today,
        },
    )
    # The page image, with each field's words boxed down the page; the mother's name "repaired" by
    # the reader from what is printed (VÕ THỊ TUYẾT) into a wrong one.
    pdf_key = "test/to-khai.pdf"
    im = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(im)
    with app.db.write() as s:
        rows = s.scalars(select(FieldValue).where(FieldValue.document_id == doc).order_by(FieldValue.id)).all()
        for i, f in enumerate(rows):
            top = 150 + i * 300
            f.boxes = [[100, top, 700, 60]]
            d.rectangle((100, top, 800, top + 60), outline=0, width=3)
            d.text((110, top + 20), f.field_id, fill=0)
            if f.field_id == "mother_name":
                f.corrected_from, f.correction_reason = "VÕ THỊ TUYẾT", "tên hay gặp hơn"
                f.needs_review, f.review_reasons = True, ["máy đã sửa chữ"]
        pg = s.scalar(select(PageRow).where(PageRow.document_id == doc))
        assert pg is not None
        pg.pdf_key, pg.width, pg.height = pdf_key, W, H
    out = app.archive_path(pdf_key)
    out.parent.mkdir(parents=True, exist_ok=True)
    im.save(out, "PDF", resolution=150)
    return doc


@dataclass
class Live:
    url: str
    app: App
    doc: int
    server: DeskServer


@pytest.fixture
def desk(app: App) -> Iterator[Live]:
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk", "Lê Thị Tiếp")
    create_book(app.db, "khai_sinh", date.today().year, "01", commune="Phú Lộc")
    doc = _declaration(app)
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    live = Live(server.url.rstrip("/"), app, doc, server)
    try:
        yield live
    finally:
        live.server.stop()


def _login(page: Page, url: str) -> None:
    page.fill("#username", "tiepnhan")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


def _new_page(browser: Browser) -> tuple[Page, list[str]]:  # noqa: F811
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def _field_box_in_view(page: Page, field_id: str) -> bool:
    return page.evaluate(
        """(id) => {
          const b = document.querySelector(`.viewer-stage .box[data-ref="${id}"]`);
          const f = document.querySelector('.viewer-frame').getBoundingClientRect();
          const r = b.getBoundingClientRect();
          const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
          return cx > f.left && cx < f.right && cy > f.top && cy < f.bottom && cy > 0 && cy < innerHeight;
        }""",
        field_id,
    )


def test_a_dossier_enters_the_register_only_once_every_field_is_confirmed(
    desk: Live,
    browser: Browser,  # noqa: F811
) -> None:
    url, app, doc = desk.url, desk.app, desk.doc
    page, problems = _new_page(browser)
    j = Journey(page)
    page.goto(url + "/intake?show=can-kiem-tra")
    _login(page, url)
    # The intake list says what the document is and whom it names, what is left, filed or not.
    row = page.locator(f'tr[data-document="{doc}"]')
    expect(row.locator("a.doc-link")).to_have_text("Tờ khai đăng ký khai sinh — TRẦN THỊ KIM TƯƠI")
    expect(row.locator(".to-check")).to_have_text("1 trường cần kiểm tra")
    expect(row.locator(".filed")).to_have_text("chưa vào sổ")
    page.wait_for_function(
        "() => [...document.querySelectorAll('td.thumb img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    _shot(page, "09-tiep-nhan-loc")
    j.click(row.locator("a.doc-link"))
    expect(page).to_have_url(url + f"/documents/{doc}")

    # The filing button says how many fields are left and does not file.
    go = page.locator("#filing a.goto-field")
    expect(go).to_have_text("Lập mục mới: còn 9 trường chưa xác nhận →")
    expect(page.locator("#fields-summary")).to_contain_text("còn 9/9 trường chưa xác nhận")
    # Repeated labels say whose; a long address is in a multi-line box, nothing cut off.
    expect(page.locator('label[for="field-mother_birth_year"]')).to_have_text("Năm sinh (mẹ)")
    expect(page.locator('label[for="field-father_birth_year"]')).to_have_text("Năm sinh (cha)")
    expect(page.locator("textarea#field-mother_residence")).to_have_value(LONG)
    # The repaired name shows the printed reading large, with one key to take it.
    printed = page.locator('form.field-row[data-field="mother_name"] .printed')
    expect(printed).to_contain_text("Trên giấy in: “VÕ THỊ TUYẾT”")
    _shot(page, "10-ho-so-chua-xac-nhan")

    # The doubtful field has the focus; the page image beside it shows its box, zoomed in.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'field-mother_name'")
    page.wait_for_function(
        "() => { const i = document.querySelector('.viewer-stage img'); return i && i.naturalWidth > 0 }"
    )
    page.locator("#field-mother_name").blur()
    j.click(go)  # the button leads to the first field left, not to the register
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'field-child_name'")
    with app.db.read() as s:
        assert s.scalar(select(RegisterFiling.id).where(RegisterFiling.state == "linked")) is None

    # Confirm field after field with Enter; the image follows each one.
    order = ["child_name", "child_birth_date", "child_sex", "mother_name"]
    for fid in order:
        page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'field-{fid}'")
        assert _field_box_in_view(page, fid), fid
        viewer_top = page.locator(".viewer").bounding_box()
        assert viewer_top is not None and -1 <= viewer_top["y"] < 768  # sticky: always beside the fields
        if fid == "mother_name":
            _shot(page, "11-anh-theo-truong")
            j.press("Alt+i")  # the reading as printed
            expect(page.locator("#field-mother_name")).to_have_value("VÕ THỊ TUYẾT")
        j.press("Enter")
        expect(page.locator(f'form.field-row[data-field="{fid}"]')).to_have_class(re.compile(r"\bconfirmed\b"))
    # Counters move together after every confirmation, without a reload.
    expect(page.locator("#fields-summary")).to_contain_text("Còn 5/9 trường chưa xác nhận")
    expect(page.locator("#confirm-all")).to_contain_text("Xác nhận tất cả 5 trường còn lại")
    expect(page.locator("#filing a.goto-field")).to_have_text("Lập mục mới: còn 5 trường chưa xác nhận →")
    for fid in ("mother_birth_year", "mother_residence", "father_name", "father_birth_year", "registration_date"):
        page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'field-{fid}'")
        assert _field_box_in_view(page, fid), fid
        j.press("Enter")
    expect(page.locator("#fields-summary")).to_contain_text("Đã xác nhận tất cả các trường.")
    expect(page.locator("#confirm-all")).to_be_empty()  # no "Xác nhận tất cả 0/9 trường còn lại"
    create = page.locator("#filing .create-entry button.btn-primary")
    expect(create).to_have_text("Lập mục mới trong sổ từ các trường đã xác nhận")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('#filing .create-entry button')"
    )
    _shot(page, "12-du-dieu-kien-vao-so")
    j.press("Enter")  # the last Enter led here: file from the keyboard
    expect(page.locator("#filing")).to_contain_text("Đã lập mục mới")
    expect(page.locator("#filing .filed a")).to_have_text(f"Sổ khai sinh {date.today().year}, quyển 01, số 1")
    with app.db.read() as s:
        eid = s.scalar(select(RegisterFiling.entry_id).where(RegisterFiling.state == "linked"))
    from indexer.registers.entries import get_entry

    e = get_entry(app.db, eid)
    assert e.data["meHoTen"] == "VÕ THỊ TUYẾT" and e.data["meNoiCuTru"] == LONG and e.status == "verified"
    _shot(page, "13-da-vao-so")
    print(f"\nclerk files a new registration (9 fields, one repaired): {j.keys} keys, {j.clicks} clicks")

    # A mistake: taken back the same day, audited.
    page.once("dialog", lambda dlg: dlg.accept())
    page.locator("#filing .undo-filing button").click()
    expect(page.locator("#filing")).to_contain_text("Đã hủy vào sổ: mục số 1 vừa lập đã được xóa khỏi sổ.")
    [row] = audit_page(app.db, AuditFilter(action="filing.undo"))[0]
    assert row.actor == "tiepnhan" and row.detail["deleted"]
    _shot(page, "14-huy-vao-so")
    assert problems == []


def test_typing_is_kept_when_the_server_stops_and_sent_when_it_is_back(
    desk: Live,
    browser: Browser,  # noqa: F811
) -> None:
    url, app, doc = desk.url, desk.app, desk.doc
    page, problems = _new_page(browser)
    page.goto(url + f"/documents/{doc}")
    _login(page, url)
    expect(page.locator("#field-child_name")).to_be_visible()
    port = desk.server.port
    desk.server.stop()  # the server stops (a restart, a crash) while the clerk corrects a name
    page.locator("#field-child_name").fill("")
    page.locator("#field-child_name").type("Trần Thị Kim Tươi")
    banner = page.locator("#save-banner")
    expect(banner).to_contain_text("Chưa lưu được — máy chủ không trả lời", timeout=10_000)
    _shot(page, "15-may-chu-ngung")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('sohoa.unsaved'))")
    assert any(v["value"] == "Trần Thị Kim Tươi" for v in stored.values())
    # Enter while down: the confirmation is kept too.
    page.locator("#field-child_name").press("Enter")
    # Back up on the same port: the kept value is sent again by itself.
    desk.server = DeskServer(app, host="127.0.0.1", port=port)
    assert desk.server.start()
    expect(banner).to_contain_text("Đã lưu lại các chữ đã gõ", timeout=20_000)
    with app.db.read() as s:
        f = s.scalar(select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "child_name"))
        assert f is not None and f.confirmed_value == "Trần Thị Kim Tươi" and f.confirmed_by == "tiepnhan"
    assert page.evaluate("() => localStorage.getItem('sohoa.unsaved')") == "{}"
    _shot(page, "16-da-gui-lai")
    assert problems == []


def test_an_expired_session_returns_to_the_document_with_the_typing_kept(
    desk: Live,
    browser: Browser,  # noqa: F811
) -> None:
    url, app, doc = desk.url, desk.app, desk.doc
    page, problems = _new_page(browser)
    page.goto(url + f"/documents/{doc}?page=1")
    _login(page, url)
    expect(page.locator("#field-father_name")).to_be_visible()
    from indexer.models import WebSession

    with app.db.write() as s:  # the session ends (idle too long) while the page is open
        s.execute(delete(WebSession))
    page.locator("#field-father_name").fill("Trần Văn Hải")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdocuments%2F\d+%3Fpage%3D1&why=expired$"), timeout=10_000)
    expect(page.locator(".alert.expired")).to_contain_text("Phiên làm việc đã hết hạn")
    _shot(page, "17-phien-het-han")
    # Another clerk signs in at this machine: what the first one typed is not theirs to send.
    accounts.create_user(app.db, "tiepnhan2", PASSWORD, "clerk", "Phạm Văn Hai")
    page.fill("#username", "tiepnhan2")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(url + f"/documents/{doc}?page=1")
    expect(page.locator("#field-father_name")).to_have_value("TRẦN VĂN HẢI")
    expect(page.locator("#save-banner")).to_be_hidden()
    page.click("text=Đăng xuất")
    page.goto(url + f"/documents/{doc}?page=1")
    _login(page, url)
    expect(page).to_have_url(url + f"/documents/{doc}?page=1")
    expect(page.locator("#field-father_name")).to_have_value("Trần Văn Hải")
    expect(page.locator("#save-banner")).to_contain_text("Đã lưu lại các chữ đã gõ", timeout=10_000)
    with app.db.read() as s:
        f = s.scalar(select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "father_name"))
        assert f is not None and f.confirmed_value == "Trần Văn Hải"
    # An old POST-only address opened after a login goes to its page, not "Phương thức không được phép".
    page.goto(url + f"/documents/{doc}/pages/1/fields/father_name/confirm")
    expect(page).to_have_url(url + f"/documents/{doc}?page=1")
    _shot(page, "18-sau-dang-nhap")
    assert problems == []

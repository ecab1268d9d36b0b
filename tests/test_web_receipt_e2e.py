"""The intake receipt in a real browser (Debian chromium, 1366×768): from a dossier a clerk opens
"Cấp giấy tiếp nhận", checks what the desk read, issues it and lands on the print page — its code
in the national format, the print button opens the browser's print dialog, printed it is two A4
copies without the desk around them, the PDF link serves the PDF; axe-core finds no serious
violation on the form or the paper. Screenshots in tests/artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from config import Settings
from indexer import accounts
from indexer.fields.dossier_code import PATTERN
from indexer.receipts import receipt_of
from sohoa.app import App
from sohoa.web.server import DeskServer
from tests.registers_util import dossier
from tests.test_web_a11y import _axe
from tests.test_web_e2e import ARTIFACTS, browser  # noqa: F401  (the browser fixture)
from tests.webdesk import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, App, int]]:
    monkeypatch.chdir(tmp_path)
    s = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        office={"agency_code": "000.17.31.H42", "name": "UBND xã Phú Lộc", "place": "Phú Lộc"},
    )
    s.ensure_dirs()
    app = App(s)
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk", "Lê Thị Tiếp")
    doc = dossier(
        app,
        "to_khai_xac_nhan_tinh_trang_hon_nhan",
        {"requester_name": "Trần Văn Bình", "requester_residence": "Thôn 3, xã Phú Lộc"},
    )
    server = DeskServer(app, host="127.0.0.1", port=0)
    assert server.start()
    try:
        yield server.url.rstrip("/"), app, doc
    finally:
        server.stop()
        app.close()


def test_a_clerk_issues_and_prints_the_receipt_in_the_browser(
    live: tuple[str, App, int],
    browser: Browser,  # noqa: F811
) -> None:
    url, app, doc = live
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # axe-core is injected as a script: the desk's CSP is bypassed for it, in this browser alone
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", bypass_csp=True)
    page = ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url + f"/documents/{doc}")
    page.fill("#username", "tiepnhan")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(url + f"/documents/{doc}")
    form = page.locator("#receipt details.receipt-form")
    form.locator("summary").click()
    expect(page.locator("#rc-applicant")).to_have_value("Trần Văn Bình")
    expect(page.locator("#rc-address")).to_have_value("Thôn 3, xã Phú Lộc")
    expect(page.locator("#rc-procedure")).to_have_value("xac_nhan_hon_nhan")
    page.locator("#rc-phone").fill("0912 345 678")
    form.scroll_into_view_if_needed()
    assert _axe(page) == []
    page.screenshot(path=str(ARTIFACTS / "50-giay-tiep-nhan-mau.png"))
    page.get_by_role("button", name="Cấp và in giấy tiếp nhận").click()
    expect(page).to_have_url(re.compile(r"/receipts/\d+$"))
    rec = receipt_of(app.db, doc)
    assert rec is not None and PATTERN.match(rec.code) and rec.applicant_phone == "0912 345 678"
    expect(page.locator(".receipt-paper")).to_have_count(2)
    expect(page.locator(".receipt-paper").first.locator(".dossier-code")).to_have_text(rec.code)
    expect(page.locator(".receipt-paper").first).to_contain_text("03 ngày làm việc")
    assert _axe(page) == []
    page.screenshot(path=str(ARTIFACTS / "51-giay-tiep-nhan.png"), full_page=True)
    # The print button opens the browser's print dialog.
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.get_by_role("button", name=re.compile("In giấy tiếp nhận")).click()
    assert page.evaluate("() => window.__printed === true")
    # On paper: the receipt alone, one copy a page.
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator(".receipt-actions")).to_be_hidden()
    breaks = page.evaluate(
        "() => [...document.querySelectorAll('.receipt-paper')].map(e => getComputedStyle(e).breakAfter)"
    )
    assert breaks == ["page", "auto"]
    page.screenshot(path=str(ARTIFACTS / "52-giay-tiep-nhan-ban-in.png"), full_page=True)
    page.emulate_media(media="screen")
    pdf = page.request.get(url + f"/receipts/{rec.id}/pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    # Back on the dossier, the panel says it is issued and offers the reprint.
    page.goto(url + f"/documents/{doc}")
    expect(page.locator("#receipt")).to_contain_text(rec.code)
    expect(page.get_by_role("link", name="In lại giấy tiếp nhận")).to_be_visible()
    assert problems == []

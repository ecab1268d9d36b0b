"""The web desk over HTTP: every route wants a login, CSRF-less posts are refused, a clerk cannot
administer, logins are rate-limited, views of citizens' records are audited; and each page works."""

from __future__ import annotations

import csv
import io
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select

from config import Settings
from indexer import accounts, jobs, results
from indexer.audit import AuditFilter, audit_page
from indexer.models import Job
from sohoa.app import App
from sohoa.web import create_app
from sohoa.web import panels as panels_mod
from sohoa.web.desk import PUBLIC_PATHS, ROUTERS
from sohoa.web.security import SESSION_COOKIE
from tests.webdesk import PASSWORD, TestClient, add_document, client, csrf_of, logged_in, login


@pytest.fixture
def desk(app: App) -> FastAPI:
    for username, role, full_name in (
        ("quantri", "admin", "Phạm Quản Trị"),
        ("tiepnhan", "clerk", "Lê Thị Tiếp"),
        ("luutru", "archivist", ""),
    ):
        accounts.create_user(app.db, username, PASSWORD, role, full_name)
    return create_app(app)


@pytest.fixture
def admin(desk: FastAPI) -> tuple[TestClient, str]:
    return logged_in(desk, "quantri")


@pytest.fixture
def clerk(desk: FastAPI) -> tuple[TestClient, str]:
    return logged_in(desk, "tiepnhan")


def _entries(app: App, **flt: str) -> list:  # type: ignore[type-arg]
    rows, _ = audit_page(app.db, AuditFilter(**flt), limit=1000)
    return rows


def _routes() -> Iterator[tuple[str, str]]:
    for router in ROUTERS:
        for r in router.routes:
            assert isinstance(r, APIRoute)
            if r.path.startswith(PUBLIC_PATHS):
                continue
            for m in sorted(r.methods):
                yield (
                    m,
                    (
                        r.path.replace("{doc_id}", "1")
                        .replace("{page_no}", "1")
                        .replace("{username}", "quantri")
                        .replace("{field_id}", "ho_ten")
                        .replace("{book_id}", "1")
                        .replace("{entry_id}", "1")
                    ),
                )


# -- nobody sees anything without logging in -------------------------------------------------------


def test_every_route_but_login_and_static_wants_a_login(desk: FastAPI, app: App) -> None:
    add_document(app, "Nguyễn Văn An")
    routes = list(_routes())
    assert len(routes) >= 20  # the test must see the routes it claims to check
    c = client(desk)
    for method, path in routes:
        r = c.request(method, path)
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, path, r.status_code)
        else:  # no session, so no valid CSRF token either
            assert r.status_code in (401, 403), (method, path, r.status_code)
        assert "Nguyễn" not in r.text and "NGUYỄN" not in r.text
    # htmx requests get 401 and are told where to log in.
    r = c.get("/intake/list", headers={"HX-Request": "true"})
    assert r.status_code == 401 and r.headers["HX-Redirect"] == "/login?next=%2Fintake%2Flist"
    # A forged session cookie is no session.
    c.cookies.set(SESSION_COOKIE, "x" * 43)
    assert c.get("/search?q=nguyen").status_code == 303
    assert c.get("/static/htmx.min.js").status_code == 200
    assert c.get("/login").status_code == 200


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(desk: FastAPI, app: App) -> None:
    c = client(desk)
    r = login(c, "quantri", next_="/status")
    assert r.status_code == 303 and r.headers["location"] == "/status"
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = c.cookies[SESSION_COOKIE]
    assert c.get("/status").status_code == 200
    r = c.post("/logout", data={"csrf_token": csrf_of(c.get("/status").text)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    stale = client(desk)
    stale.cookies.set(SESSION_COOKIE, token)
    assert stale.get("/status").status_code == 303  # the old cookie opens nothing
    assert [e.action for e in _entries(app, actor="quantri", action="login")] == ["login"]


def test_secure_cookie_option_and_next_only_goes_to_this_site(settings: Settings) -> None:
    settings.web.secure_cookies = True
    a = App(settings)
    try:
        accounts.create_user(a.db, "quantri", PASSWORD, "admin")
        c = TestClient(create_app(a), base_url="https://127.0.0.1", follow_redirects=False)
        r = login(c, "quantri", next_="//evil.example/x")
        assert r.status_code == 303 and r.headers["location"] == "/intake"
        assert "Secure" in r.headers["set-cookie"]
    finally:
        a.close()


def test_posts_without_the_right_csrf_token_are_refused(desk: FastAPI, app: App) -> None:
    c = client(desk)
    assert c.post("/login", data={"username": "quantri", "password": PASSWORD}).status_code == 403
    c, token = logged_in(desk, "quantri")
    _other, other_token = logged_in(desk, "tiepnhan")
    form = {"username": "moi", "full_name": "", "role": "clerk", "password": PASSWORD, "password2": PASSWORD}
    assert c.post("/admin/users", data=form).status_code == 403
    assert c.post("/admin/users", data={**form, "csrf_token": "0" * 64}).status_code == 403
    assert c.post("/admin/users", data={**form, "csrf_token": other_token}).status_code == 403
    assert c.post("/status/retry").status_code == 403
    assert c.post("/logout").status_code == 403
    assert _user(app, "moi") is None
    # The token in the form, or in the header htmx sends, is accepted.
    assert c.post("/admin/users", data={**form, "csrf_token": token}).status_code == 303
    assert c.post("/status/retry", headers={"X-CSRF-Token": token}).status_code == 303
    assert _user(app, "moi") is not None


def test_a_clerk_cannot_administer(desk: FastAPI, clerk: tuple[TestClient, str], app: App) -> None:
    c, token = clerk
    page = c.get("/intake")
    assert page.status_code == 200 and "/admin/users" not in page.text and "Quản trị" not in page.text
    for path in ("/admin/users", "/admin/audit", "/admin/audit.csv"):
        r = c.get(path)
        assert r.status_code == 403 and "không được dùng trang này" in r.text, path
    form = {"username": "ke-gian", "role": "admin", "password": PASSWORD, "password2": PASSWORD, "csrf_token": token}
    assert c.post("/admin/users", data=form).status_code == 403
    assert c.post("/admin/users/quantri/active", data={"active": "false", "csrf_token": token}).status_code == 403
    assert c.post("/admin/users/quantri/password", data={"password": "x" * 10, "csrf_token": token}).status_code == 403
    assert _user(app, "ke-gian") is None and _user(app, "quantri").active
    archivist, _ = logged_in(desk, "luutru")
    assert archivist.get("/admin/users").status_code == 403
    assert archivist.get("/search").status_code == 200


def test_logins_are_rate_limited_per_username(desk: FastAPI, app: App) -> None:
    c = client(desk)
    for _ in range(5):
        r = login(c, "tiepnhan", "sai-mat-khau")
        assert r.status_code == 401 and "không đúng" in r.text
    r = login(c, "tiepnhan")  # the right password, too late
    assert r.status_code == 429 and "thử lại sau" in r.text and int(r.headers["Retry-After"]) > 0
    assert SESSION_COOKIE not in c.cookies
    assert _user(app, "tiepnhan").failed_attempts == 5
    assert login(client(desk), "quantri").status_code == 303  # others can still log in
    assert {e.action for e in _entries(app, actor="tiepnhan")} == {"login.failed", "login.limited"}


def test_logins_are_rate_limited_per_address(settings: Settings) -> None:
    settings.web.login_max_failures_ip = 3
    a = App(settings)
    try:
        accounts.create_user(a.db, "quantri", PASSWORD, "admin")
        c = client(create_app(a))
        for name in ("a1", "a2", "a3"):  # guessing usernames from one address
            assert login(c, name, "doan-bua").status_code == 401
        assert login(c, "quantri").status_code == 429
    finally:
        a.close()


def test_unknown_and_locked_users_cannot_log_in(desk: FastAPI, app: App) -> None:
    assert login(client(desk), "khong-co-ai").status_code == 401
    accounts.set_active(app.db, "tiepnhan", False)
    r = login(client(desk), "tiepnhan")
    assert r.status_code == 401 and "bị khóa" in r.text


# -- accounts --------------------------------------------------------------------------------------


def test_admin_adds_locks_and_resets_users(desk: FastAPI, admin: tuple[TestClient, str], app: App) -> None:
    c, token = admin
    form = {
        "username": "Nhung.Le",
        "full_name": "Lê Hồng Nhung",
        "role": "archivist",
        "password": PASSWORD,
        "password2": PASSWORD,
        "csrf_token": token,
    }
    r = c.post("/admin/users", data=form)
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert "Đã tạo tài khoản" in page.text and "Lê Hồng Nhung" in page.text and "nhung.le" in page.text
    assert c.post("/admin/users", data=form).status_code == 400  # already there
    assert c.post("/admin/users", data={**form, "username": "x2", "password": "ngan"}).status_code == 400
    assert c.post("/admin/users", data={**form, "username": "x3", "password2": "khac-nhau-1"}).status_code == 400

    nhung, _ = logged_in(desk, "nhung.le")
    assert nhung.get("/search").status_code == 200
    assert c.post("/admin/users/nhung.le/active", data={"active": "false", "csrf_token": token}).status_code == 303
    assert nhung.get("/search").status_code == 303  # locking ends the session at once
    assert login(client(desk), "nhung.le").status_code == 401
    assert c.post("/admin/users/nhung.le/active", data={"active": "true", "csrf_token": token}).status_code == 303
    assert (
        c.post("/admin/users/nhung.le/password", data={"password": "mat-khau-moi-2", "csrf_token": token}).status_code
        == 303
    )
    assert login(client(desk), "nhung.le", "mat-khau-moi-2").status_code == 303
    # An admin cannot lock themselves out, nor the last admin be locked.
    r = c.post("/admin/users/quantri/active", data={"active": "false", "csrf_token": token})
    assert r.status_code == 400 and _user(app, "quantri").active
    with pytest.raises(accounts.AccountError):
        accounts.set_active(app.db, "quantri", False)
    actions = [e.action for e in _entries(app, actor="quantri", object_type="user") if e.object_id == "nhung.le"]
    assert actions == ["user.password", "user.activate", "user.deactivate", "user.create"]
    assert _entries(app, action="user.deactivate")[0].detail == {"active": {"old": True, "new": False}}


def test_own_password_change_keeps_this_session_and_ends_others(desk: FastAPI, app: App) -> None:
    c, token = logged_in(desk, "tiepnhan")
    other, _ = logged_in(desk, "tiepnhan")
    r = c.post(
        "/account/password",
        data={
            "old_password": "sai",
            "new_password": "moi-moi-moi",
            "new_password2": "moi-moi-moi",
            "csrf_token": token,
        },
    )
    assert r.status_code == 400 and "không đúng" in r.text
    r = c.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": "moi-moi-moi",
            "new_password2": "moi-moi-moi",
            "csrf_token": token,
        },
    )
    assert r.status_code == 303
    assert c.get("/account").status_code == 200
    assert other.get("/account").status_code == 303
    assert login(client(desk), "tiepnhan", "moi-moi-moi").status_code == 303


def test_secret_key_is_made_once_readable_by_the_owner_only(app: App, desk: FastAPI) -> None:
    path = app.settings.web_secret_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_bytes()
    create_app(app)
    assert path.read_bytes() == key
    path.chmod(0o644)
    create_app(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_responses_carry_security_headers(admin: tuple[TestClient, str]) -> None:
    c, _ = admin
    r = c.get("/intake")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text and " on" + "click=" not in r.text  # no inline script: the CSP allows none


# -- the pages -------------------------------------------------------------------------------------


def test_intake_lists_todays_documents_live(admin: tuple[TestClient, str], app: App) -> None:
    c, _ = admin
    assert "Chưa có hồ sơ nào hôm nay" in c.get("/intake").text
    done = add_document(app, "Trần Thị Hoà", file="khai-sinh-hoa.png")
    waiting = add_document(app, "Võ Văn Kiệt", file="cho-xu-ly.png", ocr=False)
    page = c.get("/intake")
    assert 'hx-get="/intake/list"' in page.text and 'hx-trigger="every 3s"' in page.text
    part = c.get("/intake/list", headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert f'href="/documents/{done}"' in part.text and "khai-sinh-hoa.png" in part.text
    assert f'href="/documents/{waiting}"' in part.text and "đã nhận, chờ xử lý" in part.text
    assert "1 đang xử lý" in part.text.replace("<strong>", "").replace("</strong>", "")
    yesterday = c.get("/intake?day=2001-01-01")
    assert "khai-sinh-hoa.png" not in yesterday.text and "hx-trigger" not in yesterday.text


def test_document_view_image_pdf_and_original_are_audited(clerk: tuple[TestClient, str], app: App) -> None:
    c, _ = clerk
    doc = add_document(app, "Nguyễn Văn An", "Họ, chữ đệm, tên: NGUYỄN VĂN AN\nNgày sinh: 02/12/2023")
    r = c.get(f"/documents/{doc}")
    assert r.status_code == 200
    assert "NGUYỄN VĂN AN" in r.text and "Ngày sinh: 02/12/2023" in r.text
    assert f"/documents/{doc}/pages/1/image?w=1600&amp;v=a" in r.text
    assert 'data-extension="fields-and-filing"' in r.text  # where the fields and filing panels will go
    assert 'class="box box-word" data-box="200,160,40,30"' in r.text  # the doubtful word only
    assert 'data-box="150,160' not in r.text
    assert "hx-trigger" not in r.text  # finished: no polling
    thumb = c.get(f"/documents/{doc}/pages/1/image?w=240")
    assert (
        thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg" and thumb.content[:2] == b"\xff\xd8"
    )
    big = c.get(f"/documents/{doc}/pages/1/image?w=1600")
    assert big.status_code == 200 and len(big.content) > len(thumb.content)
    assert c.get(f"/documents/{doc}/pages/1/image?w=5000").status_code == 404
    pdf = c.get(f"/documents/{doc}/pages/1/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "inline" in pdf.headers["content-disposition"]
    assert "content-security-policy" not in pdf.headers and pdf.headers["cache-control"] == "no-store"
    orig = c.get(f"/documents/{doc}/original")
    assert orig.status_code == 200 and orig.content.startswith(b"\x89PNG")
    assert c.get("/documents/999").status_code == 404 and c.get(f"/documents/{doc}?page=2").status_code == 404
    seen = [(e.action, e.detail.get("page")) for e in _entries(app, actor="tiepnhan", object_type="document")]
    assert seen == [("document.original", None), ("document.pdf", 1), ("page.image", 1), ("document.view", 1)]
    assert all(e.object_id == str(doc) for e in _entries(app, actor="tiepnhan", object_type="document"))


def test_a_page_still_in_ocr_is_drawn_from_the_original_and_refreshes(clerk: tuple[TestClient, str], app: App) -> None:
    c, _ = clerk
    doc = add_document(app, "Đinh Thị Mai", ocr=False)
    r = c.get(f"/documents/{doc}")
    assert "Đang nhận dạng chữ" in r.text
    assert f'hx-get="/documents/{doc}/pages/1/area"' in r.text
    img = c.get(f"/documents/{doc}/pages/1/image?w=800")
    assert img.status_code == 200 and img.content[:2] == b"\xff\xd8"
    assert c.get(f"/documents/{doc}/pages/1/pdf").status_code == 404
    area = c.get(f"/documents/{doc}/pages/1/area", headers={"HX-Request": "true"})
    assert area.status_code == 200 and area.text.lstrip().startswith('<div id="document"')


def test_panels_registered_by_other_parts_show_beside_the_page(
    clerk: tuple[TestClient, str], app: App, tmp_path: Path
) -> None:
    c, _ = clerk
    doc = add_document(app, "Bùi Văn Toàn")

    def fields(ctx: panels_mod.PanelContext) -> panels_mod.Panel:
        return panels_mod.Panel(
            "fields", "Thông tin trích xuất", "error.html", {}, [panels_mod.Box(10, 20, 30, 40, "Họ tên", "field")]
        )

    def broken(ctx: panels_mod.PanelContext) -> None:
        raise RuntimeError("a bug in someone's panel")

    panels_mod.register(broken)
    panels_mod.register(fields)
    try:
        r = c.get(f"/documents/{doc}")
    finally:
        panels_mod._providers.remove(fields)
        panels_mod._providers.remove(broken)
    assert r.status_code == 200
    assert 'class="panel panel-fields"' in r.text and 'data-extension="fields-and-filing"' not in r.text
    assert 'class="box box-field" data-box="10,20,30,40"' in r.text
    assert "NGUYỄN" not in r.text and "Bùi Văn Toàn" in r.text


def test_search_finds_without_diacritics_says_why_and_is_audited(clerk: tuple[TestClient, str], app: App) -> None:
    c, _ = clerk
    an = add_document(app, "Nguyễn Văn An", "Họ và tên: NGUYỄN VĂN AN", file="an.png")
    add_document(app, "Trần Thị Thủy", "Họ và tên: Trần Thị Thủy", file="thuy.png")
    r = c.get("/search", params={"q": "nguyen van an"})
    assert r.status_code == 200
    assert f'href="/documents/{an}?page=1"' in r.text and "an.png" in r.text and "thuy.png" not in r.text
    assert "khớp không dấu (cụm từ)" in r.text
    assert "<mark>NGUYỄN</mark> <mark>VĂN</mark> <mark>AN</mark>" in r.text
    assert f"/documents/{an}/pages/1/pdf" in r.text and f"/documents/{an}/pages/1/image?w=240" in r.text
    none = c.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "Không tìm thấy" in none.text and "<script>alert" not in none.text
    assert c.get("/search").status_code == 200  # the empty box
    [_, entry] = _entries(app, actor="tiepnhan", action="search")  # newest first
    assert entry.detail == {"q": "nguyen van an", "results": 1, "documents": [an], "people": []}


def test_status_shows_failures_and_quarantine_and_retries(clerk: tuple[TestClient, str], app: App) -> None:
    c, token = clerk
    doc = add_document(app, "Hồ Văn Lỗi", ocr=False)
    [job] = jobs.claim(app.db, "test:1")
    assert (
        results.fail(app.db, job, "test:1", "engine_error", "tesseract died", max_attempts=1, permanent=False)
        is results.FailOutcome.FAILED
    )
    (app.settings.inbox_dir / "rong.jpg").write_bytes(b"")
    app.intake.take(app.settings.inbox_dir / "rong.jpg", source="hotfolder", remove=True)
    page = c.get("/status")
    assert page.status_code == 200
    assert "tesseract died" in page.text and f"/documents/{doc}?page=1" in page.text
    assert "rong.jpg" in page.text and "Tệp rỗng" in page.text
    summary = c.get("/status/summary", headers={"HX-Request": "true"})
    assert summary.status_code == 200 and "trang lỗi" in summary.text
    r = c.post("/status/retry", data={"csrf_token": token, "document_id": str(doc)})
    assert r.status_code == 303 and r.headers["location"] == "/status?retried=1"
    assert "Đã đưa 1 trang trở lại hàng đợi" in c.get(r.headers["location"]).text
    with app.db.read() as s:
        assert s.scalar(select(Job.state)) == "queued"
    [entry] = _entries(app, action="jobs.retry")
    assert entry.actor == "tiepnhan" and entry.detail == {"count": 1, "document_id": doc}


def test_admin_browses_filters_and_exports_the_audit_log(
    admin: tuple[TestClient, str], clerk: tuple[TestClient, str], app: App
) -> None:
    c, _ = admin
    clerk_c, _ = clerk
    doc = add_document(app, "Lý Thị Mai")
    clerk_c.get(f"/documents/{doc}")
    page = c.get("/admin/audit", params={"actor": "tiepnhan"})
    assert page.status_code == 200 and "Xem hồ sơ" in page.text and f'href="/documents/{doc}"' in page.text
    assert ">user.create</code>" not in page.text  # filtered to the clerk
    export = c.get("/admin/audit.csv", params={"actor": "tiepnhan", "action": "document"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    text_ = export.content.decode("utf-8")
    assert text_.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text_.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "thoi_diem", "nguoi_thuc_hien", "hanh_dong"]
    assert [(r[2], r[3], r[5]) for r in rows[1:]] == [("tiepnhan", "document.view", str(doc))]
    [exp] = _entries(app, action="audit.export")
    assert exp.actor == "quantri" and exp.detail == {"actor": "tiepnhan", "action": "document"}
    # Paging through older entries.
    for i in range(105):
        with app.db.write() as s:
            from indexer.audit import audit

            audit(s, "system", "test.fill", "test", i)
    first = c.get("/admin/audit")
    assert "Cũ hơn" in first.text
    older = c.get("/admin/audit", params={"before": "50"})
    assert older.status_code == 200 and "« Mới nhất" in older.text


# -- the command line and `sohoa run` ---------------------------------------------------------------


def _sohoa(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    e.update({"SOHOA_DATA_DIR": str(cwd / "data"), "SOHOA_WORKERS": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        cwd=cwd,
        env=e,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_user_commands_make_the_first_admin(tmp_path: Path) -> None:
    r = _sohoa(
        "user",
        "add",
        "QuanTri",
        "--role",
        "admin",
        "--full-name",
        "Phạm Văn Quản",
        "--password-stdin",
        cwd=tmp_path,
        stdin=PASSWORD + "\n",
    )
    assert r.returncode == 0, r.stderr
    assert "quantri" in r.stdout and "Quản trị viên" in r.stdout and "http://127.0.0.1:8000/" in r.stdout
    again = _sohoa("user", "add", "quantri", "--password-stdin", cwd=tmp_path, stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "đã có" in again.stderr
    short = _sohoa("user", "add", "ngan", "--password-stdin", cwd=tmp_path, stdin="123\n")
    assert short.returncode == 1 and "ít nhất 8" in short.stderr
    listed = _sohoa("user", "list", cwd=tmp_path)
    assert "quantri" in listed.stdout and "Phạm Văn Quản" in listed.stdout
    assert (
        _sohoa("user", "passwd", "quantri", "--password-stdin", cwd=tmp_path, stdin="mot-mat-khau-khac\n").returncode
        == 0
    )
    a = App(Settings(data_dir=tmp_path / "data"))
    try:
        assert accounts.verify_user_password(a.db, "quantri", "mot-mat-khau-khac")
        assert not accounts.verify_user_password(a.db, "quantri", PASSWORD)
        [created] = _entries(a, action="user.create")
        assert created.actor == "cli" and created.object_id == "quantri"
    finally:
        a.close()
    assert _sohoa("user", "deactivate", "quantri", cwd=tmp_path).returncode == 1  # the last admin


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_serves_the_desk_beside_the_watcher(tmp_path: Path) -> None:
    import httpx

    port = _free_port()
    e = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    e.update({"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_WORKERS": "1", "SOHOA_WEB__PORT": str(port)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "sohoa.cli", "run"],
        cwd=tmp_path,
        env=e,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        banner = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Dừng: Ctrl+C" not in banner:
            line = proc.stdout.readline()
            if not line:
                break
            banner += line
        assert f"Bàn làm việc trên trình duyệt:           {url}" in banner, banner
        assert "sohoa user add" in banner  # no account yet: how to make the first
        r = httpx.get(url + "intake", follow_redirects=False, timeout=10)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert "Đăng nhập" in httpx.get(url + "login", timeout=10).text
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Đã dừng" in out
    assert (tmp_path / "data" / "web-secret.key").exists()


def test_fields_read_from_the_page_show_with_doubtful_ones_highlighted(clerk: tuple[TestClient, str], app: App) -> None:
    from indexer import models

    field_model = getattr(models, "FieldValue", None)
    if field_model is None:
        pytest.skip("field extraction (issue 3) is not installed")
    c, _ = clerk
    doc = add_document(app, "Nguyễn Văn An")
    with app.db.write() as s:
        page_id = s.scalar(select(models.Page.id).where(models.Page.document_id == doc))
        common = {
            "document_id": doc,
            "page_id": page_id,
            "doc_type": "khong-co-trong-danh-muc",
            "section": "",
            "normalized": None,
            "correction_reason": None,
        }
        s.add(
            field_model(
                field_id="ho_ten",
                label="Họ, chữ đệm, tên",
                raw_value="NGUYEN VĂN AN",
                value="NGUYỄN VĂN AN",
                corrected_from="NGUYEN VĂN AN",
                confidence=0.97,
                needs_review=False,
                review_reasons=[],
                boxes=[[300, 200, 400, 40]],
                **common,
            )
        )
        s.add(
            field_model(
                field_id="ngay_sinh",
                label="Ngày sinh",
                raw_value="O2/12/2O23",
                value="02/12/2023",
                corrected_from=None,
                confidence=0.55,
                needs_review=True,
                review_reasons=["ngày sinh sau ngày đăng ký"],
                boxes=[[300, 260, 200, 40]],
                **common,
            )
        )
    r = c.get(f"/documents/{doc}")
    assert r.status_code == 200
    assert 'class="panel panel-fields"' in r.text and 'data-extension="fields-and-filing"' not in r.text
    assert "1 trường cần kiểm tra" in r.text
    assert '<form class="field-row doubt" role="listitem"\n      data-field="ngay_sinh"' in r.text
    assert "ngày sinh sau ngày đăng ký" in r.text
    # A repaired reading: what the paper says is shown large, with one key to take it back.
    assert '<form class="field-row sure repaired" role="listitem"\n      data-field="ho_ten"' in r.text
    assert 'Trên giấy in: <strong class="printed-value">“NGUYEN VĂN AN”</strong>' in r.text
    assert 'data-printed="NGUYEN VĂN AN"' in r.text and "Dùng bản in (Alt+I)" in r.text
    assert 'class="box box-doubt" data-box="300,260,200,40" data-ref="ngay_sinh"' in r.text
    assert 'class="box box-field" data-box="300,200,400,40" data-ref="ho_ten"' in r.text
    # One count of what to check (the doubtful fields); the image toggle no longer shows a second one.
    assert "Hiện khung trên ảnh" in r.text and "Đánh dấu chỗ cần kiểm tra (" not in r.text
    assert 'còn <span class="left-count">2</span>/2 trường chưa xác nhận' in r.text


def _user(app: App, username: str) -> accounts.UserInfo | None:
    return next((u for u in accounts.list_users(app.db) if u.username == username), None)

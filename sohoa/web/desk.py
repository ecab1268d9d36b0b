"""The web desk's app factory: one FastAPI app over the same :class:`sohoa.app.App` (settings,
database, stores) the runner uses. Each area of the desk is a router in its own module."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from indexer.accounts import LoginPolicy
from sohoa.app import App
from sohoa.web import (
    admin,
    admin_labels,
    admin_tokens,
    audit,
    auth,
    book_admin,
    book_import,
    book_print,
    book_quality,
    books,
    documents,
    fieldcrops,
    fields,
    fields_panel,
    filing,
    intake,
    keying,
    keying_review,
    mywork,
    quarantine,
    receipts,
    rowimages,
    scan,
    search,
    status,
)
from sohoa.web.api import PREFIX as API_PREFIX
from sohoa.web.api import build_api
from sohoa.web.security import (
    CsrfFailed,
    Forbidden,
    LoginRequired,
    SecurityHeaders,
    csrf_protect,
    load_or_create_secret,
    login_url_for,
)
from sohoa.web.templating import STATIC, make_templates, render

PANELS = (fields_panel.fields_panel, filing.filing_panel, receipts.receipt_panel)  # registered on import, in this order
ROUTERS = (
    auth.router,
    intake.router,
    mywork.router,
    scan.router,
    documents.router,
    fields.router,
    filing.router,
    search.router,
    book_admin.router,
    book_import.router,
    book_print.router,
    book_quality.router,
    receipts.router,
    books.router,
    keying.router,
    keying_review.router,
    rowimages.router,
    fieldcrops.router,
    status.router,
    quarantine.router,
    admin.router,
    admin_tokens.router,
    admin_labels.router,
    audit.router,
)
# Reachable without logging in: the login form itself and the static files (CSS, htmx).
PUBLIC_PATHS = ("/login", "/static")


@dataclass
class Desk:
    """What every request of the desk shares."""

    app: App
    secret: bytes
    templates: Jinja2Templates
    tz: ZoneInfo
    policy: LoginPolicy
    lifetime: timedelta
    idle: timedelta
    secure_cookies: bool
    static_version: str


def _static_version() -> str:
    h = hashlib.sha256()
    for p in sorted(STATIC.iterdir()):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


_OWNER = (
    re.compile(r"^/documents/(\d+)/pages/(\d+)/"),
    re.compile(r"^/documents/(\d+)/"),
    re.compile(r"^/books/(\d+)/pages/(\d+)/"),
    re.compile(r"^/books/(\d+)/"),
)


def _page_of(path: str) -> str | None:
    """The page a POST-only address belongs to (a document or book page), or None."""
    for i, rx in enumerate(_OWNER):
        m = rx.match(path)
        if m is None:
            continue
        if i == 0:
            return f"/documents/{m.group(1)}?page={m.group(2)}"
        if i == 1:
            return f"/documents/{m.group(1)}"
        if i == 2:
            return f"/books/{m.group(1)}/pages/{m.group(2)}"
        return f"/books/{m.group(1)}"
    return None


def create_app(app: App) -> FastAPI:
    s = app.settings
    s.ensure_dirs()
    _ = app.db  # open and migrate before the first request
    from indexer import background

    background.start(app.db)  # the name index and the WAL checkpoints after the answer (keying saves)
    tz = ZoneInfo(s.web.timezone)
    desk = Desk(
        app=app,
        secret=load_or_create_secret(s.web_secret_path),
        templates=make_templates(tz),
        tz=tz,
        policy=LoginPolicy(
            s.web.login_max_failures,
            s.web.login_max_failures_ip,
            timedelta(minutes=s.web.login_window_minutes),
            max_delay=timedelta(seconds=s.web.login_max_delay_seconds),
            max_concurrent_checks=s.web.login_max_concurrent_checks,
        ),
        lifetime=timedelta(hours=s.web.session_hours),
        idle=timedelta(minutes=s.web.idle_minutes),
        secure_cookies=s.web.secure_cookies,
        static_version=_static_version(),
    )
    api = FastAPI(
        title="sohoa — bàn làm việc",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # no public schema of the desk
        dependencies=[Depends(csrf_protect)],
    )
    api.state.desk = desk
    api.add_middleware(SecurityHeaders)
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        api.include_router(router)
    # The JSON API for other software: its own app (bearer tokens, JSON errors, its own schema).
    api.mount(API_PREFIX, build_api(desk))

    @api.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        target = login_url_for(request)
        if request.headers.get("HX-Request"):
            return PlainTextResponse("Cần đăng nhập", status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)  # a form post too: to the login, then its page

    @api.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(
            request,
            "error.html",
            {"title": "Không có quyền", "message": "Tài khoản của bạn không được dùng trang này."},
            status_code=403,
        )

    @api.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return render(
            request,
            "error.html",
            {
                "title": "Biểu mẫu đã cũ",
                "message": "Trang này đã mở quá lâu hoặc không hợp lệ. Hãy tải lại trang rồi làm lại.",
            },
            status_code=403,
        )

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return render(
            request,
            "error.html",
            {"title": "Yêu cầu không hợp lệ", "message": "Dữ liệu gửi lên không đúng. Hãy quay lại và thử lại."},
            status_code=400,
        )

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return render(
                request,
                "error.html",
                {"title": "Không tìm thấy", "message": "Không có trang hoặc hồ sơ này."},
                status_code=404,
            )
        if exc.status_code == 405:
            # A GET of an address that only takes posts (typed, bookmarked, or an old login's
            # "next"): to the page it belongs to, else a plain Vietnamese page — never a bare code.
            page = _page_of(request.url.path) if request.method in ("GET", "HEAD") else None
            if page:
                return RedirectResponse(page, status_code=303)
            return render(
                request,
                "error.html",
                {
                    "title": "Không mở được địa chỉ này",
                    "message": "Địa chỉ này chỉ dùng để gửi biểu mẫu. Hãy quay lại trang trước.",
                },
                status_code=405,
            )
        return render(request, "error.html", {"title": "Lỗi", "message": str(exc.detail)}, status_code=exc.status_code)

    return api

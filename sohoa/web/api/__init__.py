"""The JSON API for other software, ``/api/v1``: a FastAPI app of its own mounted on the desk's
(same process, settings and database), so it has its own OpenAPI schema, its own error shape
(``errors``), bearer-token auth instead of cookies (``auth``), per-token rate limits
(``ratelimit``) and an audit line per call (``callaudit``). One module per area: ``documents``,
``fields``, ``filing``, ``search``, ``books`` (books and entries), ``quarantine``, ``status``;
``docs`` serves the schema and its page to admins.

Never: reads the desk's session cookie for a call (only the docs page does, for admins), or
bypasses the functions the desk uses to change anything.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from sohoa.web.api import books, docs, documents, errors, fields, filing, quarantine, search, status
from sohoa.web.api.callaudit import CallAudit
from sohoa.web.api.ratelimit import TokenBuckets

PREFIX = "/api/v1"
VERSION = "1.0"
ROUTERS = (
    documents.router,
    fields.router,
    filing.router,
    search.router,
    books.router,
    quarantine.router,
    status.router,
    docs.router,
)
DESCRIPTION = (
    "API JSON của sohoa cho phần mềm khác (hệ thống một cửa, phần mềm hộ tịch, bảng tính). "
    "Xác thực: `Authorization: Bearer <mã truy cập>` do quản trị viên cấp trên bàn làm việc. "
    'Mọi lỗi: `{"error": {"code": "…", "message": "…"}}` với `code` ổn định.'
)


def build_api(desk: Any) -> FastAPI:
    """The ``/api/v1`` app over the desk's shared state (:class:`sohoa.web.Desk`)."""
    web = desk.app.settings.web
    api = FastAPI(
        title="sohoa API",
        version=VERSION,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by ``docs`` to admins only
        servers=[{"url": PREFIX}],
    )
    api.state.desk = desk
    api.state.api_limits = TokenBuckets(web.api_requests_per_minute, web.api_burst)
    errors.install(api)
    for router in ROUTERS:
        api.include_router(router)
    api.add_middleware(CallAudit, db_of=lambda: desk.app.db)
    return api

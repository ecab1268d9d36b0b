"""The API's one error shape and its stable codes.

Every refusal and failure of ``/api/v1`` answers ``{"error": {"code": "…", "message": "…"}}`` —
``code`` is one of :class:`Code` (stable: programs branch on it), ``message`` is Vietnamese (for a
person), and ``details`` is there only where a list helps (the fields a filing still waits for, the
request parts that were invalid). Never a bare status, an HTML page or a Python trace.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class Code(StrEnum):
    AUTH_REQUIRED = "auth_required"
    TOKEN_INVALID = "token_invalid"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_EXPIRED = "token_expired"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INVALID_REQUEST = "invalid_request"
    RATE_LIMITED = "rate_limited"
    NOT_READY = "not_ready"
    FIELD_NOT_FOUND = "field_not_found"
    FIELDS_UNCONFIRMED = "fields_unconfirmed"
    NO_OPEN_BOOK = "no_open_book"
    REGISTER_REFUSED = "register_refused"
    NO_FILES = "no_files"
    TOO_MANY_FILES = "too_many_files"
    INTERNAL_ERROR = "internal_error"


STATUS = {
    Code.AUTH_REQUIRED: 401,
    Code.TOKEN_INVALID: 401,
    Code.TOKEN_REVOKED: 401,
    Code.TOKEN_EXPIRED: 401,
    Code.FORBIDDEN: 403,
    Code.NOT_FOUND: 404,
    Code.METHOD_NOT_ALLOWED: 405,
    Code.INVALID_REQUEST: 422,
    Code.RATE_LIMITED: 429,
    Code.NOT_READY: 409,
    Code.FIELD_NOT_FOUND: 404,
    Code.FIELDS_UNCONFIRMED: 409,
    Code.NO_OPEN_BOOK: 409,
    Code.REGISTER_REFUSED: 409,
    Code.NO_FILES: 422,
    Code.TOO_MANY_FILES: 413,
    Code.INTERNAL_ERROR: 500,
}

MESSAGE_VI = {
    Code.AUTH_REQUIRED: "Cần mã truy cập: gửi tiêu đề Authorization: Bearer <mã>.",
    Code.TOKEN_INVALID: "Mã truy cập không đúng hoặc tài khoản của nó đã bị khóa.",
    Code.TOKEN_REVOKED: "Mã truy cập này đã bị thu hồi.",
    Code.TOKEN_EXPIRED: "Mã truy cập này đã hết hạn.",
    Code.FORBIDDEN: "Vai trò của mã truy cập này không được làm việc này.",
    Code.NOT_FOUND: "Không có địa chỉ hoặc hồ sơ này.",
    Code.METHOD_NOT_ALLOWED: "Địa chỉ này không nhận phương thức này.",
    Code.INVALID_REQUEST: "Dữ liệu gửi lên không đúng.",
    Code.RATE_LIMITED: "Gửi quá nhiều yêu cầu. Hãy chờ rồi thử lại.",
    Code.NOT_READY: "Trang này chưa nhận dạng xong.",
    Code.FIELD_NOT_FOUND: "Trang này không có trường này.",
    Code.FIELDS_UNCONFIRMED: "Chưa vào sổ: còn trường chưa được xác nhận.",
    Code.NO_OPEN_BOOK: "Chưa có sổ đang mở cho loại và năm này.",
    Code.REGISTER_REFUSED: "Sổ hộ tịch không nhận thay đổi này.",
    Code.NO_FILES: "Chưa gửi tệp nào.",
    Code.TOO_MANY_FILES: "Gửi quá nhiều tệp trong một lần.",
    Code.INTERNAL_ERROR: "Máy chủ gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại.",
}


class ErrorDetail(BaseModel):
    code: Code
    message: str
    details: list[Any] | None = None


class ErrorBody(BaseModel):
    """``{"error": {"code": "…", "message": "…"}}``."""

    error: ErrorDetail


class ApiError(Exception):
    def __init__(
        self,
        code: Code,
        message: str | None = None,
        *,
        details: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.message = message or MESSAGE_VI[code]
        self.details = details
        self.headers = headers


def error_response(
    code: Code, message: str | None = None, *, details: list[Any] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code.value, "message": message or MESSAGE_VI[code]}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=STATUS[code], headers=headers)


def responses(*codes: Code) -> dict[int | str, dict[str, Any]]:
    """The error responses a route documents in the schema, by status."""
    out: dict[int | str, dict[str, Any]] = {}
    for c in (Code.AUTH_REQUIRED, Code.RATE_LIMITED, Code.INVALID_REQUEST, *codes):
        st = STATUS[c]
        entry = out.setdefault(st, {"model": ErrorBody, "description": ""})
        entry["description"] = ", ".join(filter(None, [entry["description"], c.value]))
    return out


def install(api: FastAPI) -> None:
    """Turn every failure of the API app into the error shape."""

    @api.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        return error_response(exc.code, exc.message, details=exc.details, headers=exc.headers)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))[:200]}
            for e in exc.errors()[:20]
        ]
        return error_response(Code.INVALID_REQUEST, details=details)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return error_response(Code.METHOD_NOT_ALLOWED)
        if exc.status_code == 404:
            return error_response(Code.NOT_FOUND)
        return error_response(Code.INVALID_REQUEST, str(exc.detail)[:200] if exc.status_code < 500 else None)

    @api.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("API %s %s failed", request.method, request.url.path)
        return error_response(Code.INTERNAL_ERROR)

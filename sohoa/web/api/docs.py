"""The API's description for people who set up another program: ``/api/v1/openapi.json`` (the
OpenAPI schema) and ``/api/v1/docs`` (the same, as a page of the desk in Vietnamese, no script from
elsewhere) — for admins only: signed in on the desk, or calling with an admin's token.

Both are left out of the schema itself and out of the per-call audit (they show no citizen's data).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from indexer.accounts import Role
from indexer.apitokens import Principal, authenticate
from sohoa.web.api.errors import MESSAGE_VI, STATUS, ApiError, Code
from sohoa.web.security import session_of
from sohoa.web.templating import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def _admin(request: Request) -> bool | None:
    """True for an admin; False for someone else signed in; None for no one."""
    session = session_of(request)
    if session is not None:
        return session.user.role is Role.ADMIN
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        got = authenticate(request.app.state.desk.app.db, auth[7:].strip())
        if isinstance(got, Principal):
            return got.role is Role.ADMIN
    return None


@router.get("/openapi.json")
def openapi_json(request: Request) -> Response:
    who = _admin(request)
    if who is None:
        raise ApiError(Code.AUTH_REQUIRED)
    if not who:
        raise ApiError(Code.FORBIDDEN, "Chỉ quản trị viên xem được mô tả API.")
    return JSONResponse(request.app.openapi())


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            ops.append(
                {
                    "method": method.upper(),
                    "path": "/api/v1" + path,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "params": [
                        (p["name"], p["in"], p.get("required", False), p.get("description", ""))
                        for p in op.get("parameters", [])
                    ],
                    "body": next(iter(op.get("requestBody", {}).get("content", {})), ""),
                    "statuses": sorted(op.get("responses", {})),
                    "doc": (op.get("description") or "").strip(),
                }
            )
    return ops


@router.get("/docs")
def docs_page(request: Request) -> Response:
    who = _admin(request)
    if who is None:
        return RedirectResponse("/login?next=%2Fapi%2Fv1%2Fdocs", status_code=303)
    if not who:
        return render(
            request,
            "error.html",
            {"title": "Không có quyền", "message": "Chỉ quản trị viên xem được mô tả API."},
            status_code=403,
        )
    schema = request.app.openapi()
    codes = [(c.value, STATUS[c], MESSAGE_VI[c]) for c in Code]
    return render(
        request,
        "admin/api_docs.html",
        {"ops": _operations(schema), "codes": codes, "version": schema["info"]["version"]},
        active="admin",
    )

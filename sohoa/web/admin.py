"""Quản trị — tài khoản: list, add, lock and unlock users, set a new password. Admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from indexer import accounts
from indexer.accounts import ROLE_VI, AccountError, Role, UserInfo
from sohoa.web.security import desk_of, require_role
from sohoa.web.templating import render

admin_only = require_role(Role.ADMIN)
router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])

MESSAGES = {
    "created": "Đã tạo tài khoản.",
    "locked": "Đã khóa tài khoản.",
    "unlocked": "Đã mở khóa tài khoản.",
    "password": "Đã đặt mật khẩu mới.",
}


def _page(
    request: Request, *, msg: str = "", error: str = "", form: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    users = accounts.list_users(desk_of(request).app.db)
    return render(
        request,
        "admin/users.html",
        {
            "users": users,
            "roles": [(r.value, ROLE_VI[r]) for r in Role],
            "message": MESSAGES.get(msg, ""),
            "error": error,
            "form": form or {},
            "min_password": accounts.MIN_PASSWORD_LEN,
        },
        status_code=status_code,
        active="admin",
    )


@router.get("/users")
def users(request: Request, msg: str = "") -> Response:
    return _page(request, msg=msg)


@router.post("/users")
def add_user(
    request: Request,
    user: Annotated[UserInfo, Depends(admin_only)],
    username: Annotated[str, Form(max_length=60)] = "",
    full_name: Annotated[str, Form(max_length=120)] = "",
    role: Annotated[str, Form(max_length=20)] = Role.CLERK.value,
    password: Annotated[str, Form(max_length=1000)] = "",
    password2: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = {"username": username, "full_name": full_name, "role": role}
    if password != password2:
        return _page(request, error="Hai lần nhập mật khẩu không giống nhau.", form=form, status_code=400)
    try:
        accounts.create_user(desk_of(request).app.db, username, password, role, full_name, actor=user.username)
    except AccountError as exc:
        return _page(request, error=str(exc), form=form, status_code=400)
    return RedirectResponse("/admin/users?msg=created", status_code=303)


@router.post("/users/{username}/active")
def set_active(
    request: Request, username: str, user: Annotated[UserInfo, Depends(admin_only)], active: Annotated[bool, Form()]
) -> Response:
    if not active and accounts.normalize_username(username) == user.username:
        return _page(request, error="Không thể tự khóa tài khoản của mình.", status_code=400)
    try:
        accounts.set_active(desk_of(request).app.db, username, active, actor=user.username)
    except AccountError as exc:
        return _page(request, error=str(exc), status_code=400)
    return RedirectResponse(f"/admin/users?msg={'unlocked' if active else 'locked'}", status_code=303)


@router.post("/users/{username}/password")
def reset_password(
    request: Request,
    username: str,
    user: Annotated[UserInfo, Depends(admin_only)],
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        accounts.set_password(desk_of(request).app.db, username, password, actor=user.username)
    except AccountError as exc:
        return _page(request, error=str(exc), status_code=400)
    return RedirectResponse("/admin/users?msg=password", status_code=303)

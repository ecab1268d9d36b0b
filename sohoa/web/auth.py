"""Đăng nhập / đăng xuất, and one's own account (đổi mật khẩu)."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from indexer import accounts
from indexer.accounts import AccountError, LoginResult, UserInfo
from sohoa.web.security import (
    PRE_COOKIE,
    SESSION_COOKIE,
    client_ip,
    current_user,
    desk_of,
    safe_next,
    session_of,
)
from sohoa.web.templating import render

router = APIRouter()

LOGIN_MESSAGES = {
    LoginResult.BAD_CREDENTIALS: "Tên đăng nhập hoặc mật khẩu không đúng.",
    LoginResult.INACTIVE: "Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên.",
}


def _login_page(
    request: Request, *, next_: str, username: str = "", error: str = "", status_code: int = 200
) -> Response:
    """The login form; its CSRF token is bound to a random nonce in the ``sohoa_pre`` cookie."""
    nonce = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    request.state.pre_nonce = nonce
    desk = desk_of(request)
    no_users = accounts.count_users(desk.app.db) == 0
    resp = render(
        request,
        "login.html",
        {"next": next_, "username": username, "error": error, "no_users": no_users},
        status_code=status_code,
    )
    resp.set_cookie(
        PRE_COOKIE, nonce, max_age=86400, httponly=True, samesite="strict", secure=desk.secure_cookies, path="/login"
    )
    if request.cookies.get(SESSION_COOKIE) and session_of(request) is None:
        resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if session_of(request) is not None:
        return RedirectResponse(safe_next(next) if next != "/" else "/intake", status_code=303)
    return _login_page(request, next_=safe_next(next))


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    desk = desk_of(request)
    result = accounts.login(
        desk.app.db,
        username,
        password,
        client_ip(request),
        request.headers.get("user-agent", ""),
        policy=desk.policy,
        session_lifetime=desk.lifetime,
    )
    if result.result is LoginResult.OK:
        target = safe_next(next)
        resp: Response = RedirectResponse("/intake" if target == "/" else target, status_code=303)
        resp.set_cookie(
            SESSION_COOKIE,
            result.token or "",
            max_age=int(desk.lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=desk.secure_cookies,
            path="/",
        )
        resp.delete_cookie(PRE_COOKIE, path="/login")
        return resp
    if result.result is LoginResult.LIMITED:
        minutes = max(1, math.ceil(result.retry_after_s / 60))
        error = f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút."
        resp = _login_page(request, next_=safe_next(next), username=username[:60], error=error, status_code=429)
        resp.headers["Retry-After"] = str(result.retry_after_s)
        return resp
    return _login_page(
        request, next_=safe_next(next), username=username[:60], error=LOGIN_MESSAGES[result.result], status_code=401
    )


@router.post("/logout")
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(desk_of(request).app.db, token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/")
def home(user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    return RedirectResponse("/intake", status_code=303)


@router.get("/account")
def account(request: Request, user: Annotated[UserInfo, Depends(current_user)], msg: str = "") -> Response:
    return render(request, "account.html", {"message": "Đã đổi mật khẩu." if msg == "password" else ""})


@router.post("/account/password")
def change_password(
    request: Request,
    user: Annotated[UserInfo, Depends(current_user)],
    old_password: Annotated[str, Form(max_length=1000)] = "",
    new_password: Annotated[str, Form(max_length=1000)] = "",
    new_password2: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    db = desk_of(request).app.db
    error = ""
    if not accounts.verify_user_password(db, user.username, old_password):
        error = "Mật khẩu hiện tại không đúng."
    elif new_password != new_password2:
        error = "Hai lần nhập mật khẩu mới không giống nhau."
    else:
        session = session_of(request)
        try:
            accounts.set_password(
                db,
                user.username,
                new_password,
                actor=user.username,
                keep_session_hash=session.token_hash if session else None,
            )
        except AccountError as exc:
            error = str(exc)
    if error:
        return render(request, "account.html", {"error": error}, status_code=400)
    return RedirectResponse("/account?msg=password", status_code=303)

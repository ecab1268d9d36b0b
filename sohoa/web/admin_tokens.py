"""Quản trị — mã truy cập API: an admin makes a token for an account (what it is for, its role, how
many days it lasts) and sees its secret once, on the page that answers the form; revokes one; sees
every token with its state and last use. The secret is never stored or shown again
(``indexer.apitokens`` keeps its SHA-256). Admins only; audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from indexer import accounts, apitokens
from indexer.accounts import ROLE_VI, AccountError, Role, UserInfo
from sohoa.web.security import desk_of, require_role
from sohoa.web.templating import render

admin_only = require_role(Role.ADMIN)
router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])
DAYS = (30, 90, 180, 365, 730)


def _page(
    request: Request, *, secret: str = "", made: object = None, msg: str = "", error: str = "", status_code: int = 200
) -> Response:
    db = desk_of(request).app.db
    return render(
        request,
        "admin/tokens.html",
        {
            "tokens": apitokens.list_tokens(db),
            "users": [u for u in accounts.list_users(db) if u.active],
            "roles": [(r.value, ROLE_VI[r]) for r in Role],
            "days": DAYS,
            "secret": secret,
            "made": made,
            "message": {"revoked": "Đã thu hồi mã truy cập."}.get(msg, ""),
            "error": error,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        active="admin",
    )


@router.get("/tokens")
def tokens(request: Request, msg: str = "") -> Response:
    return _page(request, msg=msg)


@router.post("/tokens")
def create(
    request: Request,
    user: Annotated[UserInfo, Depends(admin_only)],
    username: Annotated[str, Form(max_length=60)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = Role.CLERK.value,
    days: Annotated[int, Form(ge=1, le=apitokens.MAX_DAYS)] = 90,
) -> Response:
    try:
        secret, made = apitokens.create_token(desk_of(request).app.db, username, name, role, days, actor=user.username)
    except AccountError as exc:
        return _page(request, error=str(exc), status_code=400)
    return _page(request, secret=secret, made=made)  # shown here once; a reload does not show it again


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, user: Annotated[UserInfo, Depends(admin_only)]) -> Response:
    apitokens.revoke_token(desk_of(request).app.db, token_id, actor=user.username)
    return RedirectResponse("/admin/tokens?msg=revoked", status_code=303)

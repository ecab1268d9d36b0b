"""Who calls the API: ``Authorization: Bearer <token>`` only (``indexer.apitokens``), never the
desk's cookie — so no page of another site can make a browser call the API, and the desk's CSRF
rules stay as they are for cookies. A desk route does not read bearer tokens either.

Guarantees: a missing, unknown, revoked or expired token, or one whose user is locked, is refused
with 401 before any work; a role the route does not allow gets 403; a token over its rate limit gets
429 with ``Retry-After``. The principal is kept on the request for the call's audit line
(``sohoa.web.api.callaudit``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from indexer.accounts import Role
from indexer.apitokens import Principal, Refusal, authenticate
from sohoa.web.api.errors import ApiError, Code

bearer = HTTPBearer(
    auto_error=False, description="Mã truy cập do quản trị viên cấp trên bàn làm việc (Quản trị → Mã truy cập API)"
)

REFUSAL_CODE = {
    Refusal.UNKNOWN: Code.TOKEN_INVALID,
    Refusal.INACTIVE: Code.TOKEN_INVALID,
    Refusal.REVOKED: Code.TOKEN_REVOKED,
    Refusal.EXPIRED: Code.TOKEN_EXPIRED,
}
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def principal(request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    desk = request.app.state.desk
    if creds is None or not creds.credentials:
        raise ApiError(Code.AUTH_REQUIRED, headers=CHALLENGE)
    got = authenticate(desk.app.db, creds.credentials)
    if not isinstance(got, Principal):
        why, token_id = got
        request.state.api_refused = (why.value, token_id)
        raise ApiError(REFUSAL_CODE[why], headers=CHALLENGE)
    request.state.api_principal = got
    wait = request.app.state.api_limits.take(got.token_id)
    if wait > 0:
        raise ApiError(Code.RATE_LIMITED, headers={"Retry-After": str(max(1, math.ceil(min(wait, 3600))))})
    return got


def require(*roles: Role) -> Callable[..., Principal]:
    """A route's dependency: the caller, when the token's role is one of ``roles``."""

    def dependency(p: Annotated[Principal, Depends(principal)]) -> Principal:
        if p.role not in roles:
            raise ApiError(Code.FORBIDDEN)
        return p

    return dependency


ANYONE = require(Role.CLERK, Role.ARCHIVIST, Role.ADMIN)
Caller = Annotated[Principal, Depends(ANYONE)]

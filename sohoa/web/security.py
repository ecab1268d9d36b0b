"""Security of the desk: the secret key, login sessions, CSRF tokens, roles, response headers.

* Sessions: the cookie ``sohoa_session`` holds a random token (HttpOnly, SameSite=Lax, Secure when
  ``web.secure_cookies``); the database keeps its SHA-256 (``indexer.accounts``).
* CSRF: every POST (and any other unsafe method) must carry a token, in the form field
  ``csrf_token`` or the ``X-CSRF-Token`` header htmx sends. The token is an HMAC, under the secret
  key, of the session token — or, on the login form, of a random nonce in the ``sohoa_pre``
  cookie — so a page of another site can neither read nor forge it.
* Every route but ``/login`` and ``/static`` depends on :func:`current_user`; admin routes on
  :func:`require_role`. A request without a live session is sent to the login page (htmx: 401 and
  ``HX-Redirect``), a wrong role gets 403.
* Login attempts are rate-limited per username and per client address (``indexer.accounts.login``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.accounts import Role, SessionInfo, UserInfo, session_user

log = logging.getLogger(__name__)

SESSION_COOKIE = "sohoa_session"
PRE_COOKIE = "sohoa_pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# -- the secret key --------------------------------------------------------------------------------


def load_or_create_secret(path: Path) -> bytes:
    """The desk's secret key: read it, or make it on first start (readable by the owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        log.info("made the web desk's secret key %s", path)
    for _ in range(50):  # another process may be writing it this very moment
        if len(path.read_text(encoding="ascii").strip()) >= 32:
            break
        time.sleep(0.02)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("%s was readable by others (mode %o); now 0600", path, mode)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path}: the web secret key is too short; delete the file to make a new one")
    return key.encode("ascii")


# -- errors the app turns into responses ----------------------------------------------------------


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


class CsrfFailed(Exception):
    pass


# -- sessions and users ----------------------------------------------------------------------------


_UNSET = object()


def desk_of(request: Request):
    return request.app.state.desk


def session_of(request: Request) -> SessionInfo | None:
    """The live session of this request, looked up once."""
    if getattr(request.state, "session", _UNSET) is _UNSET:
        token = request.cookies.get(SESSION_COOKIE, "")
        desk = desk_of(request)
        request.state.session = session_user(desk.app.db, token, idle=desk.idle) if token else None
    return request.state.session


def current_user(request: Request) -> UserInfo:
    s = session_of(request)
    if s is None:
        raise LoginRequired()
    return s.user


def require_role(*roles: Role) -> Callable[[Request], UserInfo]:
    def dependency(request: Request) -> UserInfo:
        user = current_user(request)
        if user.role not in roles:
            raise Forbidden()
        return user

    return dependency


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


# -- CSRF ------------------------------------------------------------------------------------------


def _sign(secret: bytes, binding: str) -> str:
    return hmac.new(secret, b"csrf|" + binding.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def csrf_binding(request: Request) -> str:
    """What this page's token is bound to: the login form's nonce, or the session token."""
    return getattr(request.state, "pre_nonce", None) or request.cookies.get(SESSION_COOKIE, "")


def csrf_token(request: Request) -> str:
    binding = csrf_binding(request)
    return _sign(desk_of(request).secret, binding) if binding else ""


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: an unsafe request without the right token is refused (403).

    The login form is bound to the ``sohoa_pre`` nonce cookie, everything else to the session.
    """
    if request.method in SAFE_METHODS:
        return
    cookie = PRE_COOKIE if request.url.path == "/login" else SESSION_COOKIE
    binding = request.cookies.get(cookie, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not binding or not sent or not hmac.compare_digest(sent, _sign(desk_of(request).secret, binding)):
        raise CsrfFailed()


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\n" in target or "\r" in target:
        return "/"
    return target


def login_url_for(request: Request) -> str:
    """Where a request without a live session is sent: the login form, then back to the page the
    person was on — for a background request (htmx) or a form post, the page it came from, never the
    POST-only address — saying why when a session was there and has ended."""
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    if request.method not in SAFE_METHODS or request.headers.get("HX-Request"):
        came_from = request.headers.get("HX-Current-URL") or request.headers.get("referer") or ""
        parts = urlsplit(came_from)
        here = urlsplit(str(request.url))
        if parts.path and (not parts.netloc or parts.netloc == here.netloc):
            path = parts.path + ("?" + parts.query if parts.query else "")
        elif request.method not in SAFE_METHODS:
            path = "/"
    why = "why=expired" if request.cookies.get(SESSION_COOKIE) else ""
    if path in ("/", "/login"):
        return "/login" + ("?" + why if why else "")
    return "/login?next=" + quote(safe_next(path), safe="") + ("&" + why if why else "")


# -- response headers ------------------------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Pure ASGI middleware: no caching of personal data, no framing by other sites, a strict CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                ctype = dict(headers).get(b"content-type", b"")
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if ctype.startswith(b"text/html"):  # a CSP on a PDF would stop the browser's PDF viewer
                    extra += [(b"x-frame-options", b"SAMEORIGIN"), (b"content-security-policy", CSP.encode())]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                headers.extend(h for h in extra if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

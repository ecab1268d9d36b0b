"""Accounts of the web desk: users and their roles, argon2 password hashes, login sessions and
the login attempts that rate-limit guessing. No web code here: ``sohoa user`` uses it too.

A session token is random and lives only in the browser's cookie; the database keeps its
SHA-256, so a copy of the database opens no one's session. Users are never deleted — the audit
trail names them — only deactivated, which also ends their sessions.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from indexer.audit import audit
from indexer.db import Database
from indexer.models import LoginAttempt, User, WebSession, utcnow

MIN_PASSWORD_LEN = 8
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class Role(StrEnum):
    CLERK = "clerk"
    ARCHIVIST = "archivist"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_VI[self]


ROLE_VI = {
    Role.CLERK: "Cán bộ tiếp nhận",
    Role.ARCHIVIST: "Lưu trữ viên",
    Role.ADMIN: "Quản trị viên",
}


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is Vietnamese, for the user."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    failed_attempts: int
    created_at: datetime
    last_login_at: datetime | None

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


def _info(u: User) -> UserInfo:
    return UserInfo(
        u.id,
        u.username,
        u.full_name,
        Role(u.role),
        u.active,
        u.failed_attempts,
        _aware(u.created_at),
        _aware(u.last_login_at) if u.last_login_at else None,
    )


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def normalize_username(username: str) -> str:
    return username.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LEN:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LEN} ký tự.")
    if password.strip() != password or not password.strip():
        raise AccountError("Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách.")


# -- users ---------------------------------------------------------------------------------------


def create_user(
    db: Database, username: str, password: str, role: Role | str, full_name: str = "", *, actor: str = "system"
) -> UserInfo:
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError(
            "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang (2–60 ký tự)."
        )
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"Vai trò không hợp lệ: {role!r} (clerk, archivist, admin).") from None
    check_password_rules(password)
    pw_hash = hash_password(password)
    try:
        with db.write() as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise AccountError(f"Tên đăng nhập “{username}” đã có.")
            u = User(
                username=username,
                full_name=full_name.strip()[:120],
                role=role.value,
                password_hash=pw_hash,
                active=True,
                failed_attempts=0,
                password_changed_at=utcnow(),
            )
            s.add(u)
            s.flush()
            audit(s, actor, "user.create", "user", username, {"role": role.value, "full_name": u.full_name})
            return _info(u)
    except IntegrityError:
        raise AccountError(f"Tên đăng nhập “{username}” đã có.") from None


def list_users(db: Database) -> list[UserInfo]:
    with db.read() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.active.desc(), User.username))]


def count_users(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def set_active(db: Database, username: str, active: bool, *, actor: str = "system") -> UserInfo:
    username = normalize_username(username)
    with db.write() as s:
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            raise AccountError(f"Không có tài khoản “{username}”.")
        if not active and u.role == Role.ADMIN and u.active:
            others = (
                s.scalar(
                    select(func.count())
                    .select_from(User)
                    .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != u.id)
                )
                or 0
            )
            if others == 0:
                raise AccountError("Không thể khóa quản trị viên cuối cùng.")
        old = u.active
        u.active = active
        if active:
            u.failed_attempts = 0
        else:
            s.execute(delete(WebSession).where(WebSession.user_id == u.id))
        audit(
            s,
            actor,
            "user.activate" if active else "user.deactivate",
            "user",
            username,
            {"active": {"old": old, "new": active}},
        )
        return _info(u)


def set_password(
    db: Database, username: str, password: str, *, actor: str = "system", keep_session_hash: str | None = None
) -> None:
    """Set a new password; every other login of that user ends (the one given is kept)."""
    check_password_rules(password)
    pw_hash = hash_password(password)
    username = normalize_username(username)
    with db.write() as s:
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            raise AccountError(f"Không có tài khoản “{username}”.")
        u.password_hash = pw_hash
        u.password_changed_at = utcnow()
        u.failed_attempts = 0
        q = delete(WebSession).where(WebSession.user_id == u.id)
        if keep_session_hash:
            q = q.where(WebSession.token_hash != keep_session_hash)
        s.execute(q)
        audit(s, actor, "user.password", "user", username, {"by_self": actor == username})


def verify_user_password(db: Database, username: str, password: str) -> bool:
    with db.read() as s:
        pw_hash = s.scalar(select(User.password_hash).where(User.username == normalize_username(username)))
    return _verify(pw_hash or _DUMMY_HASH, password) and pw_hash is not None


def _verify(pw_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(pw_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- logging in ----------------------------------------------------------------------------------


class LoginResult(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    INACTIVE = "inactive"
    LIMITED = "limited"


@dataclass(frozen=True)
class LoginPolicy:
    """Failures within ``window`` beyond the free ones slow the next try down exponentially
    (2 s, 4 s, 8 s ... at most ``max_delay``) after the last failure; the right password after
    the pause gets in (nobody can lock an account out by failing on purpose). At most
    ``max_concurrent_checks`` passwords are checked at once in this process, one per account."""

    max_failures_user: int = 5
    max_failures_ip: int = 20
    window: timedelta = timedelta(minutes=15)
    max_delay: timedelta = timedelta(seconds=60)
    max_concurrent_checks: int = 4


@dataclass(frozen=True)
class Login:
    result: LoginResult
    user: UserInfo | None = None
    token: str | None = None  # the session token for the cookie, on success only
    retry_after_s: int = 0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _failures_since(s, column, value: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures since ``since``, and when the last one was."""
    n, last = s.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            column == value, LoginAttempt.success.is_(False), LoginAttempt.at >= since
        )
    ).one()
    return n or 0, last


def _pause_left(failures: int, free: int, last: datetime | None, policy: LoginPolicy, now: datetime) -> float:
    """Seconds still to wait after ``failures`` failures (the first ``free`` cost nothing)."""
    if failures < free or last is None:
        return 0.0
    delay = min(2.0 ** (failures - free + 1), policy.max_delay.total_seconds())
    return max(0.0, (_aware(last) - now).total_seconds() + delay)


_checks_lock = threading.Lock()
_checks: dict[int, threading.BoundedSemaphore] = {}
_accounts_in_check: set[str] = set()
CHECK_WAIT_S = 5.0


def _check_slots(n: int) -> threading.BoundedSemaphore:
    with _checks_lock:
        return _checks.setdefault(n, threading.BoundedSemaphore(n))


def login(
    db: Database,
    username: str,
    password: str,
    ip: str,
    user_agent: str,
    *,
    policy: LoginPolicy,
    session_lifetime: timedelta,
) -> Login:
    """Check a login, counting it against the limits; on success open a session.

    One password check per account at a time, at most ``policy.max_concurrent_checks`` at once:
    a try beyond that is refused at once (``LIMITED``, not counted). Past the free failures for a
    username (or an address) within the window, a try before the pause has passed is refused
    likewise; after it, even after many failures, the right password gets in.
    """
    username = normalize_username(username)[:60]
    ip = ip[:64]
    with _checks_lock:
        busy = username in _accounts_in_check
        if not busy:
            _accounts_in_check.add(username)
    if busy:
        return _limited(db, username, ip, 1, "concurrent")
    slots = _check_slots(policy.max_concurrent_checks)
    try:
        if not slots.acquire(timeout=CHECK_WAIT_S):
            return _limited(db, username, ip, 1, "busy")
        try:
            return _login(db, username, password, ip, user_agent, policy=policy, session_lifetime=session_lifetime)
        finally:
            slots.release()
    finally:
        with _checks_lock:
            _accounts_in_check.discard(username)


def _limited(db: Database, username: str, ip: str, wait_s: float, why: str) -> Login:
    # Not counted as an attempt: a refused try does not make the pause longer.
    with db.write() as s:
        audit(s, username or "?", "login.limited", "user", username, {"ip": ip, "why": why})
    return Login(LoginResult.LIMITED, retry_after_s=max(1, math.ceil(wait_s)))


def _login(
    db: Database,
    username: str,
    password: str,
    ip: str,
    user_agent: str,
    *,
    policy: LoginPolicy,
    session_lifetime: timedelta,
) -> Login:
    now = utcnow()
    since = now - policy.window
    with db.read() as s:
        n_user, last_user = _failures_since(s, LoginAttempt.username, username, since)
        n_ip, last_ip = _failures_since(s, LoginAttempt.ip, ip, since)
        u = s.scalar(select(User).where(User.username == username))
    wait = max(
        _pause_left(n_user, policy.max_failures_user, last_user, policy, now),
        _pause_left(n_ip, policy.max_failures_ip, last_ip, policy, now),
    )
    if wait > 0:
        return _limited(db, username, ip, wait, "slow-down")
    ok = _verify(u.password_hash if u else _DUMMY_HASH, password) and u is not None
    result = LoginResult.OK if ok else LoginResult.BAD_CREDENTIALS
    if ok and u is not None and not u.active:
        result = LoginResult.INACTIVE
    token = secrets.token_urlsafe(32) if result is LoginResult.OK else None
    with db.write() as s:
        # Stamped after the check: the pause runs from when the failure was known.
        s.add(LoginAttempt(at=utcnow(), username=username, ip=ip, success=result is LoginResult.OK))
        # Old attempts only serve the rate limit: keep a day of them.
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - max(policy.window, timedelta(days=1))))
        if u is not None:
            row = s.get(User, u.id)
            if row is None:
                raise LookupError(f"tài khoản {username!r} vừa bị xóa trong lúc đăng nhập")
            if result is LoginResult.OK and token is not None:
                row.failed_attempts = 0
                row.last_login_at = now
                if _hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = hash_password(password)
                s.add(
                    WebSession(
                        token_hash=token_hash(token),
                        user_id=u.id,
                        created_at=now,
                        last_seen_at=now,
                        expires_at=now + session_lifetime,
                        ip=ip,
                        user_agent=user_agent[:300],
                    )
                )
                # Expired sessions of anyone are swept here, at the rare moment someone logs in.
                s.execute(delete(WebSession).where(WebSession.expires_at < now))
            else:
                row.failed_attempts = (row.failed_attempts or 0) + 1
        action = "login" if result is LoginResult.OK else "login.failed"
        audit(s, username or "?", action, "user", username, {"ip": ip, "result": result.value})
        info = _info(row) if u is not None and row is not None else None
    return Login(result, info if result is LoginResult.OK else None, token)


@dataclass(frozen=True)
class SessionInfo:
    session_id: int
    token_hash: str
    user: UserInfo
    expires_at: datetime


def session_user(
    db: Database, token: str, *, idle: timedelta, touch_every: timedelta = timedelta(minutes=1)
) -> SessionInfo | None:
    """The user of a live session: not expired, not idle too long, user still active."""
    if not token or len(token) > 200:
        return None
    th = token_hash(token)
    now = utcnow()
    with db.read() as s:
        row = s.execute(
            select(WebSession, User).join(User, User.id == WebSession.user_id).where(WebSession.token_hash == th)
        ).first()
        if row is None:
            return None
        ws, u = row
        expires, seen = _aware(ws.expires_at), _aware(ws.last_seen_at)
        info = SessionInfo(ws.id, th, _info(u), expires)
        session_id = ws.id
    if not info.user.active or expires <= now or seen + idle <= now:
        end_session(db, token)
        return None
    if now - seen >= touch_every:  # at most one write a minute per session
        with db.write() as s:
            s.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))
    return info


def end_session(db: Database, token: str) -> None:
    with db.write() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))

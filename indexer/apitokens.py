"""API tokens: how another program (the provincial one-stop system, a script) signs in to the JSON
API as a desk user, with ``Authorization: Bearer <secret>``.

Guarantees: the secret is random (32 bytes), shown once to the admin who makes it and never stored
— the database keeps its SHA-256, so a copy of the database opens nothing; a token acts with its own
role, never above its user's (an admin's token may be of any role, a clerk's only a clerk's); it is
refused once revoked, past its expiry, or when its user is deactivated. Making and revoking are
audited. No web code here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indexer.accounts import AccountError, Role, normalize_username
from indexer.audit import audit
from indexer.db import Database
from indexer.models import ApiToken, User, utcnow

PREFIX = "sohoa_"  # every secret starts so: a leaked one is recognisable in a log or a repository
MAX_DAYS = 730
NAME_MAX = 80


class Refusal(StrEnum):
    """Why a presented secret does not sign in."""

    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INACTIVE = "inactive"  # its user is deactivated, or no longer holds the token's role


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    role: Role
    prefix: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or datetime.now(UTC)) < self.expires_at


@dataclass(frozen=True)
class Principal:
    """Who an API call is made by: the token's user, acting with the token's role."""

    token_id: int
    username: str
    role: Role


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def may_hold(user_role: Role | str, token_role: Role | str) -> bool:
    """An admin's token may be of any role; anyone else's only of their own."""
    return Role(user_role) is Role.ADMIN or Role(user_role) == Role(token_role)


def _info(t: ApiToken, username: str) -> TokenInfo:
    return TokenInfo(
        t.id,
        username,
        t.name,
        Role(t.role),
        t.prefix,
        t.created_by,
        _aware(t.created_at),
        _aware(t.expires_at),
        _aware(t.revoked_at) if t.revoked_at else None,
        _aware(t.last_used_at) if t.last_used_at else None,
    )


def create_token(
    db: Database, username: str, name: str, role: Role | str, days: int, *, actor: str
) -> tuple[str, TokenInfo]:
    """A new token for ``username``; returns the secret (to show once) and the token."""
    try:
        role = Role(role)
    except ValueError:
        raise AccountError("Vai trò không hợp lệ.") from None
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise AccountError("Cần đặt tên cho mã truy cập (dùng cho phần mềm nào).")
    if not 1 <= days <= MAX_DAYS:
        raise AccountError(f"Thời hạn phải từ 1 đến {MAX_DAYS} ngày.")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as s:
        user = s.scalar(select(User).where(User.username == normalize_username(username)))
        if user is None:
            raise AccountError(f"Không có tài khoản «{username}».")
        if not user.active:
            raise AccountError("Tài khoản này đã bị khóa: không cấp mã truy cập.")
        if not may_hold(user.role, role):
            raise AccountError("Mã truy cập không được có quyền cao hơn tài khoản của nó.")
        t = ApiToken(
            user_id=user.id,
            name=name,
            role=role.value,
            token_hash=hash_secret(secret),
            prefix=secret[: len(PREFIX) + 4],
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        s.add(t)
        s.flush()
        audit(
            s,
            actor,
            "apitoken.create",
            "api_token",
            t.id,
            {"username": user.username, "role": role.value, "days": days},
        )
        return secret, _info(t, user.username)


def revoke_token(db: Database, token_id: int, *, actor: str) -> bool:
    """Revoke a token; False when it already was (or does not exist)."""
    with db.write() as s:
        t = s.get(ApiToken, token_id)
        if t is None or t.revoked_at is not None:
            return False
        t.revoked_at, t.revoked_by = utcnow(), actor
        audit(s, actor, "apitoken.revoke", "api_token", t.id, {"name": t.name})
        return True


def list_tokens(db: Database) -> list[TokenInfo]:
    with db.read() as s:
        rows = s.execute(select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id))
        return [_info(t, u) for t, u in rows.all()]


def authenticate(db: Database, secret: str) -> Principal | tuple[Refusal, int | None]:
    """The principal a secret signs in as, or why not (and the token's id when it is known)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return Refusal.UNKNOWN, None
    with db.read() as s:
        row = s.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hash_secret(secret))
        ).first()
        if row is None:
            return Refusal.UNKNOWN, None
        t, user = row
        if t.revoked_at is not None:
            return Refusal.REVOKED, t.id
        if _aware(t.expires_at) <= datetime.now(UTC):
            return Refusal.EXPIRED, t.id
        if not user.active or not may_hold(user.role, t.role):
            return Refusal.INACTIVE, t.id
        return Principal(t.id, user.username, Role(t.role))


def touch_in(s: Session, token_id: int) -> None:
    """Note, in the caller's transaction, that a token was used now (shown on the admin page)."""
    s.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))

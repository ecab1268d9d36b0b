"""The append-only audit trail: who or what did what to which record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from indexer.models import AuditEntry


def audit(
    session: Session, actor: str, action: str, object_type: str, object_id: object, detail: dict[str, Any] | None = None
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=detail or {},
        )
    )


# -- reading the trail (the web desk's audit page and CSV export) ---------------------------------


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""  # a prefix: "document" finds document.view, document.pdf, ...
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def apply(self, q: Select) -> Select:
        if self.actor:
            q = q.where(AuditEntry.actor == self.actor)
        if self.action:
            q = q.where(AuditEntry.action.startswith(self.action, autoescape=True))
        if self.object_type:
            q = q.where(AuditEntry.object_type == self.object_type)
        if self.object_id:
            q = q.where(AuditEntry.object_id == self.object_id)
        # SQLite keeps times as UTC text without an offset: compare in UTC.
        if self.since is not None:
            q = q.where(AuditEntry.at >= self.since.astimezone(UTC))
        if self.until is not None:
            q = q.where(AuditEntry.at < self.until.astimezone(UTC))
        return q


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


def _row(e: AuditEntry) -> AuditRow:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)
    return AuditRow(e.id, at, e.actor, e.action, e.object_type, e.object_id, e.detail or {})


def audit_page(
    db: Any, flt: AuditFilter, *, before_id: int | None = None, limit: int = 100
) -> tuple[list[AuditRow], bool]:
    """One page of entries, newest first, older than ``before_id``; and whether more follow."""
    q = flt.apply(select(AuditEntry))
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    with db.read() as s:
        rows = [_row(e) for e in s.scalars(q.order_by(AuditEntry.id.desc()).limit(limit + 1))]
    return rows[:limit], len(rows) > limit


def iter_audit(db: Any, flt: AuditFilter, batch: int = 2000) -> Iterator[AuditRow]:
    """Every matching entry, oldest first, read in batches (for the CSV export)."""
    after = 0
    while True:
        q = flt.apply(select(AuditEntry)).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(batch)
        with db.read() as s:
            rows = [_row(e) for e in s.scalars(q)]
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id

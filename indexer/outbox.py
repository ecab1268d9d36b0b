"""The events outbox (table ``event_outbox``, migration 0010): what other software is told, written in
the same transaction as what it tells.

Guarantees:

* **One list of triggers** (:data:`TRIGGERS`): an event is made from the audit line of the change —
  ``document.indexed`` (and ``document.needs_review`` when some of its fields wait for a person),
  ``filing.auto_link`` / ``filing.link`` / ``filing.create`` (``document.filed``),
  ``document.quarantine`` / ``capture.quarantine`` (``document.quarantined``). Every place that
  makes such a change already writes that audit line, so no caller has to remember the event.
* **Durable**: the event row is inserted by the flush that writes the audit line (an
  ``after_flush`` hook on the database's write sessions, :func:`record_events`), so it commits or
  rolls back with the change; a crash before delivery loses nothing.
* **At least once, with a stable id**: a row is leased (:func:`claim`) before it is sent and only
  marked delivered afterwards; a sender that dies mid-way lets the lease run out and the event is
  sent again with the same ``event_id`` — receivers drop ids they have seen.
* Payloads carry ids, kinds, counts and who decided — never field values; a file name is sent
  with ID numbers masked (``0792******34``), as in the logs.

Delivery (webhook, Redis stream, retries) is the application's: ``sohoa/events.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from indexer.db import Database, rows_changed
from indexer.fieldedits import mask_ids
from indexer.models import AuditEntry, Base, Document, FieldValue, RegisterBook, RegisterEntry, utcnow
from indexer.registers.model import book_key

INDEXED, NEEDS_REVIEW, FILED, QUARANTINED = (
    "document.indexed",
    "document.needs_review",
    "document.filed",
    "document.quarantined",
)
KINDS = (INDEXED, NEEDS_REVIEW, FILED, QUARANTINED)


class OutboxRow(Base):
    __tablename__ = "event_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_event_outbox_due", "delivered_at", "next_attempt_at"),)  # as migration 0010


# -- from audit lines to events -----------------------------------------------------------------------

Made = Iterator[tuple[str, dict[str, Any]]]


def _indexed(c: Connection, a: AuditEntry) -> Made:
    doc_id = int(a.object_id or 0)
    doc = c.execute(select(Document.title, Document.doc_type).where(Document.id == doc_id)).first()
    review = c.execute(
        select(FieldValue.field_id)
        .where(FieldValue.document_id == doc_id, FieldValue.needs_review.is_(True), FieldValue.confirmed_by.is_(None))
        .order_by(FieldValue.id)
    ).scalars()
    fields = list(dict.fromkeys(review))
    base = {
        "document_id": doc_id,
        "file_name": mask_ids(doc.title) if doc else None,
        "doc_type": doc.doc_type if doc else None,
    }
    yield INDEXED, {**base, "pages": (a.detail or {}).get("pages"), "fields_to_review": len(fields)}
    if fields:
        yield NEEDS_REVIEW, {**base, "fields": fields}


METHOD = {"filing.auto_link": "auto", "filing.link": "manual", "filing.create": "created"}


def _filed(c: Connection, a: AuditEntry) -> Made:
    entry_id = (a.detail or {}).get("entry")
    row = c.execute(
        select(RegisterEntry.so, RegisterBook.book_type, RegisterBook.year, RegisterBook.volume)
        .join(RegisterBook, RegisterBook.id == RegisterEntry.book_id)
        .where(RegisterEntry.id == entry_id)
    ).first()
    yield (
        FILED,
        {
            "document_id": int(a.object_id or 0),
            "entry_id": entry_id,
            "book_key": book_key(row.book_type, row.year, row.volume) if row else None,
            "so": row.so if row else None,
            "method": METHOD[a.action],
            "by": a.actor,
        },
    )


def _quarantined(c: Connection, a: AuditEntry) -> Made:
    detail = a.detail or {}
    if a.action == "document.quarantine":
        doc_id = int(a.object_id or 0)
        title = c.execute(select(Document.title).where(Document.id == doc_id)).scalar()
        yield (
            QUARANTINED,
            {
                "document_id": doc_id,
                "arrival_id": None,
                "file_name": mask_ids(title or ""),
                "reason": detail.get("reason"),
            },
        )
    else:  # a file refused at intake: no document was made
        yield (
            QUARANTINED,
            {
                "document_id": None,
                "arrival_id": int(a.object_id or 0),
                "file_name": mask_ids(str(detail.get("file") or "")),
                "reason": detail.get("reason"),
            },
        )


TRIGGERS: dict[str, Callable[[Connection, AuditEntry], Made]] = {
    "document.indexed": _indexed,
    "filing.auto_link": _filed,
    "filing.link": _filed,
    "filing.create": _filed,
    "document.quarantine": _quarantined,
    "capture.quarantine": _quarantined,
}


def record_events(writes: sessionmaker[Session]) -> None:
    """Make every session of ``writes`` (the database's write sessions) record the events of the
    audit lines it flushes (``open_database`` calls this)."""
    if not event.contains(writes, "after_flush", _events_of_flush):
        event.listen(writes, "after_flush", _events_of_flush)


def _events_of_flush(session: Session, _ctx: object) -> None:
    audits = [o for o in session.new if isinstance(o, AuditEntry) and o.action in TRIGGERS]
    if not audits:
        return
    c = session.connection()
    for a in sorted(audits, key=lambda x: x.id):
        for kind, data in TRIGGERS[a.action](c, a):
            at = a.at or utcnow()
            c.execute(
                insert(OutboxRow).values(
                    event_id=str(uuid.uuid4()),
                    kind=kind,
                    payload={**data, "at": at.isoformat()},
                    created_at=at,
                    attempts=0,
                    next_attempt_at=at,
                )
            )


# -- what a sender uses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEvent:
    id: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


def claim(db: Database, *, limit: int = 50, lease_s: float = 120.0, now: datetime | None = None) -> list[OutboxEvent]:
    """Due events, oldest first, each leased to the caller for ``lease_s`` (another sender skips it)."""
    now = now or utcnow()
    out: list[OutboxEvent] = []
    with db.write() as s:
        rows = s.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.delivered_at.is_(None),
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        ).all()
        for r in rows:
            taken = rows_changed(
                s,
                update(OutboxRow)
                .where(
                    OutboxRow.id == r.id,
                    OutboxRow.delivered_at.is_(None),
                    or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
                )
                .values(lease_until=now + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False),
            )
            if taken:
                out.append(OutboxEvent(r.id, r.event_id, r.kind, dict(r.payload), r.attempts))
    return out


def delivered(db: Database, row_id: int) -> None:
    with db.write() as s:
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(delivered_at=utcnow(), lease_until=None, attempts=OutboxRow.attempts + 1, last_error=None)
        )


def failed(db: Database, row_id: int, error: str, retry_at: datetime) -> None:
    with db.write() as s:
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(
                attempts=OutboxRow.attempts + 1,
                next_attempt_at=retry_at,
                lease_until=None,
                last_error=mask_ids(error)[:1000],
            )
        )


def prune(db: Database, *, keep: timedelta, everything: bool = False) -> int:
    """Delete delivered events older than ``keep`` (with ``everything``: undelivered ones too — no
    target is configured to send them to)."""
    before = utcnow() - keep
    with db.write() as s:
        cond = OutboxRow.created_at < before
        if not everything:
            cond = cond & OutboxRow.delivered_at.is_not(None)
        return rows_changed(s, delete(OutboxRow).where(cond))


def counts(db: Database) -> dict[str, int]:
    """How many events wait, how many of them failed at least once, how many were delivered."""
    with db.read() as s:
        waiting = s.scalar(select(func.count()).where(OutboxRow.delivered_at.is_(None))) or 0
        retrying = s.scalar(select(func.count()).where(OutboxRow.delivered_at.is_(None), OutboxRow.attempts > 0)) or 0
        sent = s.scalar(select(func.count()).where(OutboxRow.delivered_at.is_not(None))) or 0
    return {"waiting": waiting, "retrying": retrying, "delivered": sent}

"""The audit trail as a hash chain: each row carries the hash of the row before it.

``row_hash = sha256(canonical JSON of [prev_hash, at (UTC, µs), actor, action, object_type,
object_id, detail])``. A row changed, removed or slipped in anywhere breaks the chain at that point
(:func:`verify`); rows removed from the end (or the whole table emptied) are caught against the
head a previous check recorded (``anchor``). The database's own guards (triggers refusing UPDATE,
DELETE and, on PostgreSQL, TRUNCATE) stop honest mistakes; the chain shows what got past them.

Writers are serialised while they link a row: SQLite write transactions are ``BEGIN IMMEDIATE``
already; on PostgreSQL a transaction-scoped advisory lock is taken before the head is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from indexer.models import AuditEntry

_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('sohoa-audit-chain:' || current_schema()))"


def canonical_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as it will read back from a JSON column (so its hash is the same later)."""
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))


def _at(at: datetime) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def row_hash(
    prev_hash: str | None,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: dict[str, Any] | None,
) -> str:
    payload = [prev_hash or "", _at(at), actor, action, object_type, object_id, detail or {}]
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def link(session: Session, entry: AuditEntry) -> None:
    """Set ``entry.prev_hash`` and ``entry.row_hash`` from the head of the chain: the last audit
    row added to this session and not yet written, else the last row in the table (as this
    transaction sees it; savepoints rolled back take their rows with them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_LOCK_SQL))
    pending = [o for o in session.new if isinstance(o, AuditEntry) and o is not entry]
    if pending:
        head = pending[-1].row_hash
    else:
        with session.no_autoflush:
            head = session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry.prev_hash = head
    entry.row_hash = row_hash(
        head, entry.at, entry.actor, entry.action, entry.object_type, entry.object_id, entry.detail
    )


@dataclass
class ChainReport:
    rows: int = 0
    last_id: int | None = None
    last_hash: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Any, *, anchor: dict[str, Any] | None = None, batch: int = 5000) -> ChainReport:
    """Walk the whole trail in id order. ``anchor``: ``{"rows", "last_id", "last_hash"}`` of an
    earlier check; that row must still be there, unchanged, and no fewer rows."""
    rep = ChainReport()
    prev: str | None = None
    after = 0
    anchor_seen = False
    while True:
        q = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(batch)
        with db.read() as s:
            rows = list(s.scalars(q))
        for e in rows:
            rep.rows += 1
            if e.prev_hash != prev:
                rep.problems.append(f"dòng {e.id}: không nối vào dòng trước (có dòng bị xóa, chèn hoặc sửa trước nó)")
            expect = row_hash(e.prev_hash, e.at, e.actor, e.action, e.object_type, e.object_id, e.detail)
            if e.row_hash != expect:
                rep.problems.append(f"dòng {e.id}: nội dung không khớp mã băm (đã bị sửa)")
            if anchor and e.id == anchor.get("last_id"):
                anchor_seen = True
                if e.row_hash != anchor.get("last_hash"):
                    rep.problems.append(f"dòng {e.id}: khác với lần kiểm tra trước")
            prev = e.row_hash
            rep.last_id, rep.last_hash = e.id, e.row_hash
        if len(rows) < batch:
            break
        after = rows[-1].id
    if anchor and anchor.get("last_id") is not None:
        if not anchor_seen:
            rep.problems.append(
                f"dòng {anchor['last_id']} (cuối cùng ở lần kiểm tra trước) không còn: nhật ký đã bị xóa bớt"
            )
        if rep.rows < int(anchor.get("rows") or 0):
            rep.problems.append(f"nhật ký có {rep.rows} dòng, lần kiểm tra trước có {anchor['rows']}")
    if len(rep.problems) > 50:
        rep.problems = [*rep.problems[:50], f"… và {len(rep.problems) - 50} vấn đề khác"]
    return rep

"""The processing queue in the database.

A job is claimed atomically (one UPDATE ... RETURNING; ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), carries the claiming worker's name and a lease, and is finished in the same
transaction that stores its result, so a page is indexed exactly once. A worker that dies
leaves its job ``running``; :func:`recover` puts it back in the queue.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text, update

from indexer.db import Database
from indexer.models import DocState, Document, Job, JobState, Original, Page, PageState, utcnow


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    page_id: int
    document_id: int
    page_no: int
    attempts: int
    store_key: str
    media_type: str
    sha256: str


def claim(db: Database, worker: str, limit: int = 1, lease_s: float = 600, kind: str = "ocr") -> list[ClaimedJob]:
    now = utcnow()
    lease = now + timedelta(seconds=lease_s)
    lock = " FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""
    sql = text(
        "UPDATE jobs SET state = :running, worker = :worker, attempts = attempts + 1, "
        "lease_until = :lease, updated_at = :now "
        "WHERE id IN (SELECT id FROM jobs WHERE state = :queued AND kind = :kind "
        f"ORDER BY priority DESC, id LIMIT :limit{lock}) "
        "RETURNING id, page_id, attempts"
    )
    with db.write() as s:
        rows = s.execute(
            sql,
            {
                "running": JobState.RUNNING.value,
                "queued": JobState.QUEUED.value,
                "worker": worker,
                "lease": lease,
                "now": now,
                "limit": limit,
                "kind": kind,
            },
        ).all()
        if not rows:
            return []
        page_ids = [r.page_id for r in rows]
        info = {
            r.id: r
            for r in s.execute(
                select(
                    Page.id, Page.document_id, Page.page_no, Original.store_key, Original.media_type, Original.sha256
                )
                .join(Document, Document.id == Page.document_id)
                .join(Original, Original.id == Document.original_id)
                .where(Page.id.in_(page_ids))
            )
        }
        s.execute(update(Page).where(Page.id.in_(page_ids)).values(state=PageState.OCR))
        doc_ids = {info[p].document_id for p in page_ids}
        s.execute(
            update(Document)
            .where(Document.id.in_(doc_ids), Document.state == DocState.CAPTURED)
            .values(state=DocState.PROCESSING, updated_at=now)
        )
    out = []
    for r in sorted(rows, key=lambda r: r.id):
        p = info[r.page_id]
        out.append(
            ClaimedJob(r.id, r.page_id, p.document_id, p.page_no, r.attempts, p.store_key, p.media_type, p.sha256)
        )
    return out


def release(db: Database, job_id: int, worker: str, *, refund: bool = True) -> None:
    """Give a claimed job back to the queue (shutdown before it ran)."""
    with db.write() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.state == JobState.RUNNING)
            .values(state=JobState.QUEUED, worker=None, lease_until=None, attempts=Job.attempts - (1 if refund else 0))
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(db: Database, host: str | None = None) -> int:
    """Requeue jobs whose worker is gone: on this host, a dead process; anywhere, an expired lease.

    The attempt of a job whose whole runner was killed is not counted against the page.
    """
    host = host or socket.gethostname()
    now = utcnow()
    with db.write() as s:
        running = s.execute(select(Job.id, Job.worker, Job.lease_until).where(Job.state == JobState.RUNNING)).all()
        stale = []
        for job_id, worker, lease in running:
            w_host, _, w_pid = (worker or "").rpartition(":")
            if w_host == host and w_pid.isdigit():
                if not _pid_alive(int(w_pid)):
                    stale.append(job_id)
            elif lease is not None and _aware(lease) < now:
                stale.append(job_id)
        if stale:
            s.execute(
                update(Job)
                .where(Job.id.in_(stale))
                .values(
                    state=JobState.QUEUED,
                    worker=None,
                    lease_until=None,
                    attempts=func.max(Job.attempts - 1, 0)
                    if db.dialect == "sqlite"
                    else func.greatest(Job.attempts - 1, 0),
                    updated_at=now,
                )
            )
            page_ids = s.scalars(select(Job.page_id).where(Job.id.in_(stale))).all()
            s.execute(update(Page).where(Page.id.in_(page_ids)).values(state=PageState.CAPTURED))
    return len(stale)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def queue_counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        rows = s.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    return {state: n for state, n in rows}

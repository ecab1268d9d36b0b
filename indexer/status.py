"""What ``sohoa status`` shows: the queue, documents by state, failures and quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from indexer.db import Database
from indexer.models import Document, Job, JobState, Page, QuarantineEntry


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    at: datetime
    file_name: str
    reason: str
    message: str
    detail: str
    path: str | None


@dataclass(frozen=True)
class FailureRow:
    document_id: int
    title: str
    page_no: int
    attempts: int
    kind: str | None
    error: str | None


@dataclass(frozen=True)
class Status:
    jobs: dict[str, int]
    documents: dict[str, int]
    pages_indexed: int
    quarantine: list[QuarantineRow]
    quarantine_total: int
    failures: list[FailureRow]


def status(db: Database, limit: int = 20) -> Status:
    with db.read() as s:
        job_counts = dict(s.execute(select(Job.state, func.count()).group_by(Job.state)).all())
        doc_counts = dict(s.execute(select(Document.state, func.count()).group_by(Document.state)).all())
        pages = s.scalar(select(func.count()).select_from(Page).where(Page.state == "indexed")) or 0
        q_total = s.scalar(select(func.count()).select_from(QuarantineEntry)) or 0
        q_rows = [
            QuarantineRow(r.id, r.created_at, r.file_name, r.reason, r.message, r.detail, r.quarantine_path)
            for r in s.scalars(select(QuarantineEntry).order_by(QuarantineEntry.id.desc()).limit(limit))
        ]
        f_rows = [
            FailureRow(doc_id, title, page_no, attempts, kind, err)
            for doc_id, title, page_no, attempts, kind, err in s.execute(
                select(Document.id, Document.title, Page.page_no, Job.attempts, Job.error_kind, Job.last_error)
                .join(Page, Page.id == Job.page_id)
                .join(Document, Document.id == Page.document_id)
                .where(Job.state == JobState.FAILED)
                .order_by(Job.id.desc())
                .limit(limit)
            )
        ]
    return Status(job_counts, doc_counts, pages, q_rows, q_total, f_rows)

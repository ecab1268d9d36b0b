"""Finish a job: store a page's OCR result, or record its failure — each in one transaction,
guarded by the job's worker so a page whose lease was taken over is never stored twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from indexer.audit import audit
from indexer.db import Database, rows_changed
from indexer.fieldstore import store_reading
from indexer.idcards import check_document
from indexer.jobs import ClaimedJob
from indexer.models import DocState, Document, Job, JobState, OcrResult, Page, PageState, QuarantineEntry, utcnow
from indexer.people.sources import index_document_people
from indexer.registers.filing import file_document
from indexer.vntext import fold, nfc

if TYPE_CHECKING:
    from indexer.fields.reading import DocumentReading


@dataclass
class PageOutput:
    text: str
    words: list[list[Any]]
    mean_conf: float | None
    rotation: int
    skew_deg: float
    blank: bool
    width: int
    height: int
    dpi: int
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    pdf_key: str | None = None
    image_key: str | None = None
    archive_sha256: dict[str, str] = field(default_factory=dict)  # {archive key: sha256 as written}
    reading: DocumentReading | None = None  # the page's type and fields, when the field reader ran
    id_cards: list[dict[str, str]] = field(default_factory=list)  # CCCD QR codes read on the page


class FailOutcome(StrEnum):
    RETRY = "retry"
    FAILED = "failed"
    QUARANTINED = "quarantined"
    LOST_LEASE = "lost_lease"


def _finish_job(s: Session, job: ClaimedJob, owner: str, **values: Any) -> bool:
    # ``owner`` is the claiming worker; ``values`` may set the job's ``worker`` column itself.
    finished = rows_changed(
        s,
        update(Job)
        .where(Job.id == job.job_id, Job.worker == owner, Job.state == JobState.RUNNING)
        .values(updated_at=utcnow(), **values),
    )
    return finished == 1


def _settle_document(s: Session, document_id: int) -> str:
    counts = dict(
        s.execute(select(Page.state, func.count()).where(Page.document_id == document_id).group_by(Page.state)).all()
    )
    total = sum(counts.values())
    if counts.get(PageState.INDEXED, 0) == total:
        state = DocState.INDEXED
    elif (
        counts.get(PageState.FAILED, 0) and counts.get(PageState.FAILED, 0) + counts.get(PageState.INDEXED, 0) == total
    ):
        state = DocState.FAILED
    else:
        state = DocState.PROCESSING
    doc = s.get(Document, document_id)
    if doc is not None and doc.state not in (state, DocState.QUARANTINED):
        doc.state = state
        doc.updated_at = utcnow()
        if state == DocState.INDEXED:
            audit(s, "system", "document.indexed", "document", document_id, {"pages": total})
    return state


def complete(db: Database, job: ClaimedJob, worker: str, out: PageOutput) -> bool:
    text = nfc(out.text)
    with db.write() as s:
        if not _finish_job(
            s,
            job,
            worker,
            state=JobState.DONE,
            finished_at=utcnow(),
            lease_until=None,
            last_error=None,
            error_kind=None,
        ):
            return False
        s.execute(
            update(Page)
            .where(Page.id == job.page_id)
            .values(
                state=PageState.INDEXED,
                blank=out.blank,
                rotation=out.rotation,
                skew_deg=out.skew_deg,
                mean_conf=out.mean_conf,
                width=out.width,
                height=out.height,
                dpi=out.dpi,
                text=text,
                text_folded=fold(text),
                pdf_key=out.pdf_key,
                image_key=out.image_key,
                archive_sha256=out.archive_sha256 or None,
                id_cards=out.id_cards or None,
                indexed_at=utcnow(),
            )
        )
        s.add(OcrResult(page_id=job.page_id, engine=out.engine, words=out.words, timings=out.timings))
        store_reading(s, job.document_id, job.page_id, out.reading)
        check_document(s, job.document_id)  # identity fields against the CCCD cards on any of its pages
        index_document_people(s, job.document_id)  # its people findable by name in this same commit
        _settle_document(s, job.document_id)
        file_document(s, job.document_id)  # propose the register entries it belongs to
    return True


def fail(
    db: Database,
    job: ClaimedJob,
    worker: str,
    kind: str,
    detail: str,
    *,
    max_attempts: int,
    permanent: bool,
    quarantine_path: str | None = None,
    reason: str = "",
    message: str = "",
) -> FailOutcome:
    with db.write() as s:
        if permanent or job.attempts >= max_attempts:
            if not _finish_job(
                s,
                job,
                worker,
                state=JobState.FAILED,
                finished_at=utcnow(),
                lease_until=None,
                error_kind=kind,
                last_error=detail[:4000],
            ):
                return FailOutcome.LOST_LEASE
            s.execute(update(Page).where(Page.id == job.page_id).values(state=PageState.FAILED))
            if permanent:
                doc = s.get(Document, job.document_id)
                already = s.scalar(select(QuarantineEntry.id).where(QuarantineEntry.document_id == job.document_id))
                if already is None:
                    s.add(
                        QuarantineEntry(
                            document_id=job.document_id,
                            file_name=doc.title if doc else "?",
                            quarantine_path=quarantine_path,
                            reason=reason or kind,
                            message=message or detail,
                            detail=detail[:2000],
                        )
                    )
                    audit(s, "system", "document.quarantine", "document", job.document_id, {"reason": reason or kind})
                if doc is not None:
                    doc.state = DocState.QUARANTINED
                return FailOutcome.QUARANTINED
            _settle_document(s, job.document_id)
            audit(s, "system", "page.failed", "page", job.page_id, {"kind": kind, "attempts": job.attempts})
            return FailOutcome.FAILED
        if not _finish_job(
            s,
            job,
            worker,
            state=JobState.QUEUED,
            worker=None,
            lease_until=None,
            error_kind=kind,
            last_error=detail[:4000],
        ):
            return FailOutcome.LOST_LEASE
        s.execute(update(Page).where(Page.id == job.page_id).values(state=PageState.CAPTURED))
        return FailOutcome.RETRY


def retry_failed(db: Database, document_id: int | None = None, *, actor: str = "system") -> int:
    """Put failed jobs back in the queue with fresh attempts (``sohoa retry``)."""
    with db.write() as s:
        q = select(Job.id, Job.page_id).where(Job.state == JobState.FAILED)
        if document_id is not None:
            q = q.join(Page, Page.id == Job.page_id).where(Page.document_id == document_id)
        rows = s.execute(q).all()
        if not rows:
            return 0
        s.execute(
            update(Job).where(Job.id.in_([r.id for r in rows])).values(state=JobState.QUEUED, attempts=0, worker=None)
        )
        s.execute(update(Page).where(Page.id.in_([r.page_id for r in rows])).values(state=PageState.CAPTURED))
        audit(s, actor, "jobs.retry", "job", None, {"count": len(rows), "document_id": document_id})
        return len(rows)

"""One stage, two ways to schedule it: what is done with a claimed OCR job.

The embedded runner (``sohoa.runner``: a supervised process pool on this PC) and the Celery
workers (``sohoa.distributed``: processes on other machines) both build the page's task with
:func:`page_task`, run it with :func:`sohoa.tasks.run_page_task`, and store what came back with
:func:`store_outcome` — one transaction guarded by the claiming worker, so a page whose job was
taken over is never stored twice.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from capture.quarantine import quarantine_file
from capture.rejections import RejectReason
from indexer import labelvariants, results
from indexer.jobs import ClaimedJob
from indexer.results import PageOutput
from ocr.pipeline import OcrOptions
from ocr.types import OcrFailure, PageResult, PageSource
from sohoa.app import App
from sohoa.pool import TaskOutcome
from sohoa.tasks import PageOutcome, PageTask

log = logging.getLogger(__name__)


class Stored(StrEnum):
    """What :func:`store_outcome` did with a page's outcome."""

    DONE = "done"  # indexed
    LOST = "lost"  # the job was no longer ours (lease taken over): nothing stored
    RETRY = "retry"  # failed; back in the queue
    FAILED = "failed"  # failed for good (attempts used up)
    QUARANTINED = "quarantined"  # unreadable page: its file is in quarantine


def pdf_key(app: App, job: ClaimedJob) -> str | None:
    """The searchable PDF's key in the archive: by content hash and page, the same on every worker."""
    return app.archive_key(job.sha256, job.page_no, ".pdf") if app.settings.ocr.searchable_pdf else None


def archive_hashes(pdf_key: str | None, by_name: dict[str, str]) -> dict[str, str]:
    """The worker's hashes of the files it wrote beside the page's PDF, by archive key."""
    if not pdf_key:
        return {}
    folder = pdf_key.rsplit("/", 1)[0] + "/" if "/" in pdf_key else ""
    return {folder + name: sha for name, sha in by_name.items()}


def page_task(app: App, options: OcrOptions, job: ClaimedJob) -> PageTask:
    key = pdf_key(app, job)
    return PageTask(
        PageSource(app.original_path(job.store_key), job.media_type, job.page_no - 1),
        options,
        app.archive_path(key) if key else None,
        labelvariants.overlay_path(app.settings.data_dir),
    )


def store_outcome(app: App, job: ClaimedJob, worker: str, outcome: TaskOutcome) -> Stored:
    """Store a page's result, or record its failure (retry, failed, quarantined), as ``worker``.

    Raises the database's errors (``DBAPIError``): the caller keeps the outcome and tries again.
    """
    s = app.settings
    if outcome.ok:
        page: PageOutcome = outcome.value
        r: PageResult = page.result
        key = pdf_key(app, job)
        out = PageOutput(
            text=r.text,
            words=[w.as_row() for w in r.words],
            mean_conf=r.mean_conf,
            rotation=r.rotation,
            skew_deg=r.skew_deg,
            blank=r.blank,
            width=r.width,
            height=r.height,
            dpi=r.dpi,
            engine=r.engine,
            timings=r.timings,
            pdf_key=key,
            archive_sha256=archive_hashes(key, r.archive_sha256),
            reading=page.reading,
            id_cards=page.id_cards,
        )
        return Stored.DONE if results.complete(app.db, job, worker, out) else Stored.LOST
    kind = outcome.kind or OcrFailure.ENGINE_ERROR
    permanent = kind is OcrFailure.BAD_INPUT
    qpath = None
    if permanent:
        placed = quarantine_file(
            app.original_path(job.store_key),
            RejectReason.PAGE_UNREADABLE,
            f"trang {job.page_no}: {outcome.detail}",
            s.quarantine_dir,
            move=False,
        )
        qpath = str(placed) if placed else None
    res = results.fail(
        app.db,
        job,
        worker,
        kind.value,
        outcome.detail,
        max_attempts=s.limits.max_attempts,
        permanent=permanent,
        quarantine_path=qpath,
        reason=RejectReason.PAGE_UNREADABLE.value if permanent else "",
        message=RejectReason.PAGE_UNREADABLE.message if permanent else "",
    )
    log.warning(
        "page %d of document %d: %s (%s) -> %s",
        job.page_no,
        job.document_id,
        kind.value,
        outcome.detail.splitlines()[0] if outcome.detail else "",
        res.value,
    )
    return {
        results.FailOutcome.RETRY: Stored.RETRY,
        results.FailOutcome.FAILED: Stored.FAILED,
        results.FailOutcome.QUARANTINED: Stored.QUARANTINED,
        results.FailOutcome.LOST_LEASE: Stored.LOST,
    }[res]

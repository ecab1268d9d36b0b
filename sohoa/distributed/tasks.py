"""What a Celery worker process does with one message: take the job in the database, OCR and
read the page with the embedded runner's own functions, store the outcome in one transaction —
in the background while the next message's page is OCR'd (:mod:`.storer`).

Each worker process (a prefork child) keeps its own database engine and Tesseract engine. The
database is retried while it is away (a dropped connection, a restart), so a finished page is
stored once it is back; if it stays away, the job's lease runs out and another worker redoes it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, PendingRollbackError

from config import Settings, load_settings
from indexer import dispatch
from indexer.jobs import ClaimedJob
from ocr.pipeline import OcrOptions
from sohoa import stage
from sohoa.app import App
from sohoa.distributed import run_lease_s
from sohoa.distributed.storer import StoreBehind
from sohoa.options import ocr_options
from sohoa.pool import TaskOutcome, outcome_of
from sohoa.tasks import run_page_task, share_cores

log = logging.getLogger(__name__)
T = TypeVar("T")

DB_RETRY_S = 300.0  # keep a finished page this long while the database is away


@dataclass
class WorkerContext:
    app: App
    options: OcrOptions
    pid: int
    behind: StoreBehind = field(default_factory=StoreBehind)


_settings: Settings | None = None
_ctx: WorkerContext | None = None
_ctx_lock = threading.Lock()
_behind = True
_processes = 1


def store_behind_pays(processes: int, cores: int | None = None) -> bool:
    """Storing a page while the next is OCR'd gains only where a core would idle otherwise:
    fewer OCR processes than cores. With every core OCRing, the page is stored before its message
    is acknowledged, which also leaves no window where a kill loses the message."""
    return processes < (cores or os.cpu_count() or 1)


def configure(settings: Settings, *, behind: bool = True, processes: int = 1) -> None:
    """The settings the worker processes use (set in the main process before they are forked),
    whether they store pages in the background (:func:`store_behind_pays`), how many of them
    share this machine's cores (:func:`sohoa.tasks.share_cores`), and what each worker process
    does when it starts and when it stops."""
    global _settings, _ctx, _behind, _processes
    _settings, _ctx, _behind, _processes = settings, None, behind, processes
    from celery import signals

    signals.worker_process_init.connect(_process_started, weak=False)
    signals.worker_process_shutdown.connect(_process_stopping, weak=False)


def context() -> WorkerContext:
    """This process's App; a forked child makes its own (a database connection is not shared)."""
    global _ctx
    with _ctx_lock:
        if _ctx is None or _ctx.pid != os.getpid():
            s = _settings or load_settings()
            _ctx = WorkerContext(App(s), ocr_options(s), os.getpid())
        return _ctx


def release_orphans(ctx: WorkerContext) -> int:
    """Pages of this host's dead worker processes back to the queue (see :mod:`.storer`)."""
    n = with_db_retry(
        lambda: dispatch.release_orphans(ctx.app.db, max_attempts=ctx.app.settings.limits.max_attempts),
        what="releasing the pages of lost worker processes",
    )
    if n:
        log.warning("%d page(s) of a lost worker process on this host are queued again", n)
    return n


def _process_started(**_: Any) -> None:
    share_cores(_processes)

    # Celery gives a new process a few seconds to report ready: the database is asked aside.
    def release() -> None:
        try:
            release_orphans(context())
        except Exception:
            log.exception("could not release the pages of lost worker processes")

    threading.Thread(target=release, name="sohoa-release", daemon=True).start()


def _process_stopping(**_: Any) -> None:
    if _ctx is not None and _ctx.pid == os.getpid():
        _ctx.behind.close()  # the last page is stored before the process exits


def with_db_retry(fn: Callable[[], T], *, what: str, budget_s: float = DB_RETRY_S) -> T:
    deadline = time.monotonic() + budget_s
    delay = 0.5
    while True:
        try:
            return fn()
        except (DBAPIError, PendingRollbackError) as exc:  # the latter: a lost connection's error swallowed inside
            if time.monotonic() + delay > deadline:
                raise
            log.warning(
                "database unavailable (%s) while %s; trying again in %.1f s", exc.__class__.__name__, what, delay
            )
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def process_job(
    ctx: WorkerContext,
    job_id: int,
    token: str,
    timeout_errors: tuple[type[BaseException], ...] = (),
    *,
    behind: bool = False,
) -> str:
    """Take job ``job_id`` for message ``token``, run its page, store the outcome. Returns what
    happened: ``done``, ``retry``, ``failed``, ``quarantined``, ``lost`` (the job was taken over
    meanwhile), or why the message was dropped (``not_ours``, ``gone``, ``gave_up``). With
    ``behind``, the outcome is stored by ``ctx.behind`` while the caller goes on: ``storing``."""
    app, s = ctx.app, ctx.app.settings
    name = dispatch.running_name(token)
    taken = with_db_retry(
        lambda: dispatch.take(app.db, job_id, token, name, lease_s=run_lease_s(s), max_attempts=s.limits.max_attempts),
        what=f"taking job {job_id}",
    )
    if taken.job is None:
        log.info("job %d: message %s dropped (%s)", job_id, token, taken.result.value)
        return taken.result.value
    job = taken.job
    outcome = outcome_of(job.job_id, run_page_task, stage.page_task(app, ctx.options, job), timeout_errors)
    if behind:
        ctx.behind.submit(lambda: _store(app, job, job_id, name, outcome), timeout_errors)
        return "storing"
    return _store(app, job, job_id, name, outcome)


def _store(app: App, job: ClaimedJob, job_id: int, name: str, outcome: TaskOutcome) -> str:
    for _ in range(5):
        stored = with_db_retry(lambda: stage.store_outcome(app, job, name, outcome), what=f"storing page {job.page_id}")
        if stored is stage.Stored.LOST or with_db_retry(lambda: _settled(app, job_id, name), what="checking a result"):
            return stored.value
        # A connection error swallowed inside the transaction (a savepoint that logs and goes on) can
        # end it without committing and without raising: the job is still ours and running. Again.
        log.warning("page %d: its result was not committed; storing it again", job.page_id)
        time.sleep(0.5)
    return "unsaved"  # the lease runs out and another worker redoes the page


def _settled(app: App, job_id: int, name: str) -> bool:
    """Did the outcome's transaction commit? (The job is no longer running under our name.)"""
    from sqlalchemy import select

    from indexer.models import Job, JobState

    with app.db.read() as s:
        row = s.execute(select(Job.state, Job.worker).where(Job.id == job_id)).one_or_none()
    return row is None or not (row.state == JobState.RUNNING and row.worker == name)


def ocr_page(self: Any, job_id: int) -> str:
    """The Celery task (registered by :func:`sohoa.distributed.celery_app.make_celery`)."""
    from celery.exceptions import SoftTimeLimitExceeded

    return process_job(context(), int(job_id), str(self.request.id), (SoftTimeLimitExceeded,), behind=_behind)

"""Scanning at the counter, wired together: a profile from the settings, the supervised scan
session (``capture.scanner``), intake into the durable store, the batch record in the database,
and — for ``sohoa scan --process`` — OCR running behind the scanner in the same process.

The scanner never waits for OCR: each page is taken (stored, recorded, its OCR job queued with
the scanner's priority) as it arrives, and whichever runner is up (``sohoa run``, or the one
``--process`` starts) picks it up while the next page is still in the scanner.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from capture.scanner.batch import BatchCapture, PageResult, Tally, batch_spool, recover_spool
from capture.scanner.errors import Problem, ScanFailure, message_for
from capture.scanner.profiles import Duplex, Mode, ScanProfile, Source
from capture.scanner.session import ChildConfig, Opened, ScannedPage, ScanProcess, ScanRequest
from config import Settings
from indexer.models import Job, JobState
from indexer.scanbatches import BatchInfo, DbBatchRecorder
from ocr.blank import is_blank_back
from sohoa.app import App

log = logging.getLogger(__name__)

AUTO_DEVICE = "auto"


class UnknownProfile(Exception):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    @property
    def message(self) -> str:
        return f"Không có hồ sơ quét «{self.name}». Các hồ sơ quét trong cấu hình: {', '.join(self.known)}."


class UnknownBatch(Exception):
    def __init__(self, batch_id: int) -> None:
        super().__init__(batch_id)
        self.batch_id = batch_id

    @property
    def message(self) -> str:
        return f"Không có lô quét số {self.batch_id}."


def profile_from_settings(settings: Settings, name: str) -> ScanProfile:
    p = settings.scanner.profiles.get(name)
    if p is None:
        raise UnknownProfile(name, sorted(settings.scanner.profiles))
    return ScanProfile(
        name=name,
        source=Source(p.source),
        duplex=Duplex(p.duplex),
        mode=Mode(p.mode),
        resolution=p.resolution,
        page_size=p.page_size,
        back_rotation=p.back_rotation,
        drop_blank_backs=p.drop_blank_backs,
        split_on_separator=p.split_on_separator,
        options=dict(p.options),
    )


def child_config(settings: Settings) -> ChildConfig:
    sc = settings.scanner
    return ChildConfig(
        sane_config_dir=sc.sane_config_dir, open_timeout_s=sc.open_timeout_s, page_timeout_s=sc.page_timeout_s
    )


@dataclass
class ScanOutcome:
    batch_id: int
    profile: str
    device: str
    complete: bool
    tally: Tally
    failure: ScanFailure | None = None
    results: list[PageResult] = field(default_factory=list)
    opened: Opened | None = None
    started: float = 0.0  # time.time()
    ended: float = 0.0

    @property
    def message(self) -> str:
        return self.failure.message if self.failure else ""


@contextlib.contextmanager
def _closed_after(events: Iterator[Opened | ScannedPage]) -> Iterator[Iterator[Opened | ScannedPage]]:
    """The scan's events; a generator is closed (its scanner process stopped) however the loop ends."""
    try:
        yield events
    finally:
        if isinstance(events, Generator):
            events.close()


Event = Opened | PageResult


def run_scan(
    app: App,
    profile_name: str | None = None,
    *,
    device: str | None = None,
    resume: int | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_start: Callable[[int, str], None] | None = None,
    faults: dict[int, dict[str, Any]] | None = None,
    is_blank: Callable[..., bool] | None = None,
) -> ScanOutcome:
    """Scan one batch to the end (or to the first problem) and record it. Never raises for a
    scanner problem: the outcome carries it. Raises UnknownProfile / UnknownBatch for bad input."""
    s = app.settings
    recorder = DbBatchRecorder(app.db)
    recorder.mark_interrupted(message_for(Problem.INTERRUPTED))
    recover_spool(s.scan_spool_dir, app.intake, recorder.is_live)

    continue_dossier = None
    if resume is not None:
        prev: BatchInfo | None = recorder.get(resume)
        if prev is None:
            raise UnknownBatch(resume)
        profile_name = profile_name or prev.profile
        if device is None and prev.device != AUTO_DEVICE:
            device = prev.device
        continue_dossier = prev.last_dossier
    name = profile_name or s.scanner.default_profile
    profile = profile_from_settings(s, name)
    device = device or s.scanner.device

    batch_id = recorder.start(device=device or AUTO_DEVICE, profile=name, resumes=resume, last_dossier=continue_dossier)
    if on_start:
        on_start(batch_id, name)
    spool = batch_spool(s.scan_spool_dir, batch_id)
    request = ScanRequest(profile, spool, f"lo{batch_id}", batch_id, device, dict(faults or {}))
    capture = BatchCapture(
        intake=app.intake,
        store=app.store,
        recorder=recorder,
        batch_id=batch_id,
        profile=profile,
        device=device or "",
        continue_dossier=continue_dossier,
        is_blank=is_blank or is_blank_back,
    )
    outcome = ScanOutcome(batch_id, name, device or AUTO_DEVICE, False, capture.tally, started=time.time())
    interrupted: BaseException | None = None
    try:
        with _closed_after(ScanProcess(request, child_config(s)).events()) as events:
            for ev in events:
                if isinstance(ev, Opened):
                    outcome.opened = ev
                    outcome.device = capture.device = ev.device
                    recorder.opened(batch_id, ev.device, ev.settings)
                    if on_event:
                        on_event(ev)
                    continue
                assert isinstance(ev, ScannedPage)
                try:
                    result = capture.handle(ev)
                except ScanFailure:
                    raise
                except Exception as exc:  # the database or the disk: stop, keep what is stored
                    log.exception("could not store page %s", ev.path.name)
                    raise ScanFailure(Problem.STORAGE_FAILED, f"{type(exc).__name__}: {exc}") from exc
                outcome.results.append(result)
                if on_event:
                    on_event(result)
        outcome.complete = True
    except ScanFailure as failure:
        failure.profile = failure.profile or name
        failure.device = failure.device or outcome.device
        outcome.failure = failure
        log.warning("batch %d stopped: %s (%s)", batch_id, failure.problem.value, failure.detail)
    except KeyboardInterrupt as exc:
        outcome.failure = ScanFailure(Problem.CANCELLED, "Ctrl+C")
        interrupted = exc
    finally:
        outcome.ended = time.time()
        failed = outcome.failure
        try:
            recorder.finish(
                batch_id,
                complete=outcome.complete,
                reason=failed.problem.value if failed else None,
                message=failed.message if failed else None,
                tally=capture.tally,
            )
        except Exception:
            log.exception("could not record the end of batch %d; the next scan marks it interrupted", batch_id)
        with contextlib.suppress(OSError):
            spool.rmdir()  # empty unless a page could not be stored: then it waits for recovery
    if interrupted is not None:
        raise interrupted
    return outcome


@contextlib.contextmanager
def ocr_behind(settings: Settings, *, wait_timeout_s: float = 3600) -> Iterator[Any]:
    """OCR the pages while the caller scans them, as ``sohoa run`` does (without the hot folder):
    in a process pool here, or, when a broker is set, on the ``sohoa worker`` machines (this
    process then dispatches the queue to them). On leaving, wait until the pages queued by then
    are done, then stop."""
    from sohoa.distributed import make_runner

    app = App(settings)
    runner = make_runner(app, watch=False)
    thread = threading.Thread(target=runner.run, name="ocr-behind-scanner", daemon=True)
    thread.start()
    try:
        yield runner
        deadline = time.monotonic() + wait_timeout_s
        waiting_for = _unfinished(app)
        idle_seen = 0
        while thread.is_alive() and time.monotonic() < deadline:
            idle_seen = idle_seen + 1 if _finished(app, waiting_for) and not runner.unsaved else 0
            if idle_seen >= 2:
                break
            time.sleep(0.3)
    finally:
        runner.stop()
        thread.join(timeout=60)
        app.close()


def _unfinished(app: App) -> list[int]:
    """The jobs not finished yet (queued, or running here or on any worker)."""
    from sqlalchemy import select

    with app.db.read() as s:
        return list(s.scalars(select(Job.id).where(Job.state.in_([JobState.QUEUED, JobState.RUNNING]))))


def _finished(app: App, job_ids: list[int]) -> bool:
    """None of ``job_ids`` waits or runs any more: done, failed for good, or quarantined. (Counted
    in the database, so a job between its claim and a runner's bookkeeping is not missed.)"""
    from sqlalchemy import func, select

    if not job_ids:
        return True
    with app.db.read() as s:
        n = s.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.id.in_(job_ids), Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
        )
    return not n

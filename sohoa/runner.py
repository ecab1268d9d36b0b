"""The embedded runner behind ``sohoa run``: hot folder → intake → queue → worker pool → index.

The queue lives in the database, so a restart resumes exactly where the last run stopped:
jobs a killed run had claimed are put back (``indexer.jobs.recover``), and a page's result is
stored in the same transaction that finishes its job, so nothing is indexed twice.

A database that cannot be written (vanished, read-only, unreachable; :mod:`sohoa.dbhealth`) pauses
the run: no file is taken from the inbox, no page claimed, finished pages are kept in memory; it
is checked again with a growing pause (1 s ... 30 s), shown on ``sohoa status``, and the run
resumes on its own once a write commits again.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from capture.fsutil import printable_name
from capture.intake import Outcome
from capture.watcher import HotFolder
from indexer import jobs
from indexer.jobs import ClaimedJob
from sohoa import stage
from sohoa.app import App
from sohoa.dbhealth import DbHealth
from sohoa.intakestate import write_intake
from sohoa.options import ocr_options
from sohoa.pool import TaskOutcome, WorkerPool
from sohoa.tasks import run_page_task, share_cores

log = logging.getLogger(__name__)
DB_MAX_BACKOFF = 30.0


@dataclass
class Snapshot:
    waiting_files: int
    queued: int
    running: int
    done: int
    failed: int
    quarantined: int
    taken: int
    pages_per_min: float


class Runner:
    def __init__(self, app: App, *, watch: bool = True, on_status: Callable[[Snapshot], None] | None = None) -> None:
        self.app = app
        self.settings = app.settings
        self.watch = watch
        self.on_status = on_status
        self.worker = jobs.worker_name()
        self.stop_event = threading.Event()
        self.inflight: dict[int, ClaimedJob] = {}
        self.unsaved: list[tuple[ClaimedJob, TaskOutcome]] = []
        self.intake_q: queue.Queue[Path] = queue.Queue()
        self.intake_busy = threading.Event()
        self.hot: HotFolder | None = None
        self.options = ocr_options(self.settings)
        self.done = self.failed = self.quarantined = self.taken = 0
        self._recent: deque[float] = deque(maxlen=200)
        self._queued_estimate = 0
        self.paused: str | None = None  # why intake is paused (low disk), for sohoa status
        self.db_fault: str | None = None  # why the database cannot be written now (Vietnamese)
        self.db_suspect = threading.Event()  # a database error was seen: check it now
        self.db_checked = threading.Event()  # set after each check the watcher makes
        self._state_lock = threading.Lock()
        self._state_key = ""
        self.health: DbHealth | None = None

    # -- the main loop -------------------------------------------------------------------------------
    def run(self, *, once: bool = False) -> None:
        app, s = self.app, self.settings
        s.ensure_dirs()
        app.store.clean_tmp()
        recovered = jobs.recover(app.db)
        if recovered:
            log.info("put %d unfinished page(s) from an earlier run back in the queue", recovered)
        self.health = DbHealth(app.db, s.db_url)
        threading.Thread(target=self._db_watch, args=(self.health,), name="dbwatch", daemon=True).start()
        if self.watch:
            self.hot = HotFolder(
                s.inbox_dir,
                self.intake_q.put,
                mode=s.capture.watch_mode,
                stable_seconds=s.capture.stable_seconds,
                settle_seconds=s.capture.settle_seconds,
                rescan_seconds=s.capture.rescan_seconds,
            )
            self.hot.start()
            threading.Thread(target=self._intake_loop, name="intake", daemon=True).start()
            if s.fixity_every_days > 0:
                threading.Thread(target=self._fixity_loop, name="fixity", daemon=True).start()
        try:
            self._work(once)
        finally:
            self.stop_event.set()
            if self.hot:
                self.hot.stop()
            if self.on_status:
                self.on_status(self.snapshot())

    def _work(self, once: bool) -> None:
        """The pages: here a supervised process pool on this PC (``sohoa.distributed`` hands them
        to Celery workers instead)."""
        app, s = self.app, self.settings
        pool = WorkerPool(s.workers, run_page_task, s.ocr.page_timeout_s, partial(share_cores, s.workers))
        last_status = 0.0
        try:
            while not self.stop_event.is_set():
                if self.db_fault is None:
                    self._save_unsaved()
                    self._fill(pool)
                for outcome in pool.poll(0.25):
                    self._finish(outcome)
                now = time.monotonic()
                if self.on_status and now - last_status >= 1.0:
                    self.on_status(self.snapshot())
                    last_status = now
                if once and self._idle(pool):
                    break
        finally:
            self.stop_event.set()
            pool.close()
            for job in list(self.inflight.values()):
                try:
                    jobs.release(app.db, job.job_id, self.worker)
                except DBAPIError:
                    pass  # recover() at the next start does it
            self.inflight.clear()

    def stop(self) -> None:
        self.stop_event.set()

    def _idle(self, pool: WorkerPool | None) -> bool:
        hot_idle = self.hot is None or (
            self.hot.waiting == 0 and self.intake_q.empty() and not self.intake_busy.is_set()
        )
        if not (hot_idle and not self.inflight and not self.unsaved and self._queued_estimate == 0):
            return False
        return jobs.queue_counts(self.app.db).get("queued", 0) == 0

    # -- the database: writable? ---------------------------------------------------------------------
    def _db_watch(self, health: DbHealth) -> None:
        """Every second a quick look (the SQLite file still there, the same file); a full write
        check when something looks wrong or a database error was seen elsewhere; while the
        database cannot be written, a full check after a pause that doubles up to DB_MAX_BACKOFF."""
        backoff = 1.0
        while not self.stop_event.is_set():
            if self.db_fault is None:
                if self.db_suspect.wait(1.0) or not health.quick():
                    self.db_suspect.clear()
                    problem = self._db_check(health)
                    if problem is not None:
                        log.error("database cannot be written; pausing: %s", problem)
                        self.db_fault = problem
                        backoff = 1.0
                        self._write_intake_state()
                self.db_checked.set()
                continue
            if self.stop_event.wait(backoff):
                return
            problem = self._db_check(health)
            self.db_suspect.clear()
            if problem is None:
                log.warning("database writable again: resuming")
                self.db_fault = None
                self._write_intake_state()
            else:
                if problem != self.db_fault:
                    log.error("database still cannot be written: %s", problem)
                    self.db_fault = problem
                    self._write_intake_state()
                backoff = min(DB_MAX_BACKOFF, backoff * 2)
            self.db_checked.set()

    def _db_check(self, health: DbHealth) -> str | None:
        try:
            return health.full()
        except Exception as exc:  # never let the watcher die
            log.exception("database check failed")
            return f"{exc.__class__.__name__}"

    def _db_error_seen(self) -> bool:
        """A database error happened: wait for the watcher's verdict; whether the database is at fault."""
        self.db_checked.clear()
        self.db_suspect.set()
        while not self.stop_event.is_set() and not self.db_checked.wait(0.5):
            pass
        return self.db_fault is not None

    # -- intake ------------------------------------------------------------------------------------------
    def _intake_loop(self) -> None:
        assert self.hot is not None
        while not self.stop_event.is_set():
            self._write_intake_state()
            try:
                path = self.intake_q.get(timeout=0.3)
            except queue.Empty:
                continue
            self.intake_busy.set()
            if not self._room_to_take(path):
                self.intake_busy.clear()
                continue
            if self.health is not None and not self.health.quick() and self._db_error_seen():
                # The SQLite file was moved or replaced a moment ago: never write into the moved one.
                self.intake_busy.clear()
                self.hot.done(path, look_again=True)
                continue
            try:
                result = self.app.intake.take(path, source="hotfolder", remove=True)
            except DBAPIError as exc:
                # The file is still in the inbox (intake undoes a quarantine it could not record).
                if self._db_error_seen():
                    self.hot.done(path, look_again=True)  # taken once the database is back
                    continue
                self._take_failed(path, exc)
                continue
            except Exception as exc:
                self._take_failed(path, exc)
                continue
            finally:
                self.intake_busy.clear()
            if result.outcome in (Outcome.NEW, Outcome.DUPLICATE):
                self.taken += 1
            elif result.outcome is Outcome.QUARANTINED:
                self.quarantined += 1
            self.hot.done(path, look_again=result.outcome is Outcome.CHANGED)

    def _take_failed(self, path: Path, exc: Exception) -> None:
        assert self.hot is not None
        failures = self.hot.failures(path) + 1
        error = f"{exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc}"
        name = printable_name(path.name)
        if failures == 1:
            log.exception("could not take %s; will try again", name)
        else:
            log.warning("could not take %s (%d times): %s; will try again later", name, failures, error)
        self.hot.done(path, failed=error[:300])

    def _fixity_loop(self, first_after_s: float = 600.0) -> None:
        """``sohoa check`` every ``fixity_every_days`` (counted from the last recorded check),
        never in the first minutes after a start; problems are logged as errors."""
        from sohoa.fixity import check, last_result, save_result

        every = self.settings.fixity_every_days * 86400
        if self.stop_event.wait(first_after_s):
            return
        while not self.stop_event.is_set():
            last = last_result(self.settings.data_dir) or {}
            try:
                age = (datetime.now(UTC) - datetime.fromisoformat(last["at"])).total_seconds()
            except (KeyError, ValueError, TypeError):
                age = every
            if age >= every:
                try:
                    rep = check(self.app)
                    save_result(self.app, rep)
                    if rep.ok:
                        log.info(
                            "fixity check: %d originals, %d archive files, all good", rep.originals, rep.archive_files
                        )
                    else:
                        log.error(
                            "fixity check found problems: %d missing, %d altered, %d stray, audit chain %s (sohoa check)",
                            len(rep.missing),
                            len(rep.altered),
                            len(rep.unreferenced),
                            "broken" if rep.audit_problems else "ok",
                        )
                except Exception:
                    log.exception("fixity check failed")
            if self.stop_event.wait(3600.0):
                return

    def _low_disk(self) -> str | None:
        """A Vietnamese warning while data_dir has less free space than ``capture.min_free_mb``."""
        need = self.settings.capture.min_free_mb
        if need <= 0:
            return None
        try:
            free = shutil.disk_usage(self.settings.data_dir).free / 1e6
        except OSError:
            return None
        if free >= need:
            return None
        return (
            f"ổ đĩa chứa {self.settings.data_dir} chỉ còn {free:.0f} MB (dưới {need:.0f} MB): "
            "tạm dừng nhận tệp; giải phóng chỗ trống, sohoa sẽ tự nhận tiếp"
        )

    def _room_to_take(self, path: Path) -> bool:
        """Wait while the disk is low or the database cannot be written (instead of failing file
        by file; the file stays in the inbox); False when stopping."""
        assert self.hot is not None
        warned = False
        while True:
            if self.db_fault is not None:
                if self.stop_event.wait(0.5):
                    self.hot.done(path)
                    return False
                continue
            why = self._low_disk()
            if why is None:
                break
            if not warned:
                log.warning("intake paused: %s", why)
                self.paused = why
                self._write_intake_state()
                warned = True
            if self.stop_event.wait(2.0):
                self.hot.done(path)
                return False
        if warned:
            log.info("intake resumed: enough free space again")
            self.paused = None
            self._write_intake_state()
        return True

    def _write_intake_state(self) -> None:
        """Files being retried and why intake is paused (the database first), for ``sohoa status``
        and the desk (written when it changes)."""
        if self.hot is None:
            return
        problems = [
            {"name": p.name, "failures": p.failures, "error": p.error, "retry_in_s": round(p.retry_in_s)}
            for p in self.hot.problems()
        ]
        paused = self.db_fault or self.paused
        key = repr([(p["name"], p["failures"]) for p in problems]) + repr(paused)
        with self._state_lock:
            if key == self._state_key:
                return
            try:
                write_intake(
                    self.settings.data_dir,
                    problems=problems,
                    paused=paused,
                    at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            except OSError as exc:
                log.warning("could not write the intake state: %s", exc.strerror)
                return
            self._state_key = key

    # -- dispatch ------------------------------------------------------------------------------------
    def _fill(self, pool: WorkerPool) -> None:
        idle = pool.idle()
        if idle <= 0:
            return
        if self.health is not None and not self.health.quick():
            self.db_suspect.set()  # the SQLite file moved or replaced: the watcher checks first
            return
        try:
            claimed = jobs.claim(self.app.db, self.worker, limit=idle, lease_s=self.settings.ocr.page_timeout_s * 2)
        except DBAPIError as exc:
            log.warning("database unavailable while claiming work: %s", exc.__class__.__name__)
            self.db_suspect.set()
            time.sleep(1.0)
            return
        self._queued_estimate = len(claimed)
        for job in claimed:
            self.inflight[job.job_id] = job
            pool.submit(job.job_id, stage.page_task(self.app, self.options, job))

    def _finish(self, outcome: TaskOutcome) -> None:
        job = self.inflight.pop(outcome.task_id)
        if self.db_fault is not None:  # not into a moved or read-only database: kept, saved later
            self.unsaved.append((job, outcome))
            return
        try:
            self._store(job, outcome)
        except (OperationalError, DBAPIError) as exc:
            log.warning(
                "database unavailable, result of page %d kept to save later: %s", job.page_id, exc.__class__.__name__
            )
            self.db_suspect.set()
            self.unsaved.append((job, outcome))

    def _save_unsaved(self) -> None:
        while self.unsaved:
            job, outcome = self.unsaved[0]
            try:
                self._store(job, outcome)
            except (OperationalError, DBAPIError):
                self.db_suspect.set()
                time.sleep(1.0)
                return
            self.unsaved.pop(0)

    def _store(self, job: ClaimedJob, outcome: TaskOutcome) -> None:
        stored = stage.store_outcome(self.app, job, self.worker, outcome)
        if stored is stage.Stored.DONE:
            self.done += 1
            self._recent.append(time.monotonic())
        elif stored is stage.Stored.QUARANTINED:
            self.quarantined += 1
        elif stored is stage.Stored.FAILED:
            self.failed += 1

    # -- status --------------------------------------------------------------------------------------
    def pages_per_min(self) -> float:
        """Pages this runner finished per minute over the last minute."""
        now = time.monotonic()
        recent = [t for t in self._recent if now - t <= 60]
        if len(recent) < 2:
            return 0.0
        return len(recent) / max(now - recent[0], 1.0) * 60

    def snapshot(self) -> Snapshot:
        try:
            counts = jobs.queue_counts(self.app.db)
            rate = self.pages_per_min()
        except DBAPIError:
            counts, rate = {}, 0.0
        return Snapshot(
            waiting_files=(self.hot.waiting if self.hot else 0) + self.intake_q.qsize(),
            queued=counts.get("queued", 0),
            running=counts.get("running", 0),
            done=counts.get("done", 0),
            failed=counts.get("failed", 0),
            quarantined=self.quarantined,
            taken=self.taken,
            pages_per_min=rate,
        )

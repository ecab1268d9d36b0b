"""The publisher: queued jobs from the database to the broker, a few ahead of the workers.

It runs inside ``sohoa run`` when a broker is set (:class:`CeleryRunner`); several desks may run
one each. Every job is claimed in the database before its message is sent
(:func:`indexer.dispatch.dispatch`, SKIP LOCKED), so no job is published twice; a message that
could not be sent puts its job back. Only about as many messages as pages being processed wait
in the broker, so priorities hold and a lost broker loses little. It also watches the broker:
when Redis restarted (its ``run_id`` changed) its messages are gone and the jobs waiting for them
are dispatched again; and it hands expired leases back to the queue (:func:`indexer.jobs.recover`)
for worker hosts that died.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

from indexer import dispatch, jobs
from sohoa.app import App
from sohoa.distributed import TASK_NAME, dispatch_lease_s
from sohoa.pool import WorkerPool
from sohoa.runner import Runner, Snapshot

log = logging.getLogger(__name__)

MIN_AHEAD = 4  # messages waiting in the broker when no worker has started any
RECOVER_EVERY_S = 5.0  # how often expired leases are looked for
BROKER_CHECK_S = 1.0  # how often a reachable broker is asked whether it restarted
TICK_S = 0.25  # between rounds while there is room in the broker (a new scan goes out at once)
FULL_TICK_S = 0.5  # between rounds while it holds a page ahead for every page running, or more


class Dispatcher:
    def __init__(self, app: App, celery: Any = None) -> None:
        from sohoa.distributed.celery_app import make_celery

        self.app = app
        self.settings = app.settings
        self.celery = celery or make_celery(app.settings)
        self._redis: Any = None
        self.run_id: str | None = None
        self.broker_ok = False
        self.published = 0
        self.restarts_seen = 0
        self._last_recover = 0.0
        self._last_broker_check = 0.0
        self.last: dispatch.Glance | None = None  # the queue as the last tick saw it

    @staticmethod
    def room(g: dispatch.Glance) -> int:
        """Messages to send now: a page waiting in the broker for every page running (at least MIN_AHEAD)."""
        return max(MIN_AHEAD, g.running) - g.dispatched

    @property
    def full(self) -> bool:
        """The broker held enough at the last tick."""
        return self.last is not None and self.room(self.last) <= 0

    def _broker(self) -> Any:
        if self._redis is None:
            import redis

            url = self.settings.broker_url
            if url is None:
                raise RuntimeError("the dispatcher needs a broker: set broker_url (SOHOA_BROKER_URL)")
            self._redis = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
        return self._redis

    def check_broker(self) -> bool:
        """Is the broker there? When it restarted, the jobs waiting for its lost messages go back."""
        try:
            self._last_broker_check = time.monotonic()
            run_id = str(self._broker().info("server").get("run_id"))
        except Exception as exc:
            if self.broker_ok:
                log.warning("broker %s unreachable: %s", _safe(self.settings.broker_url), exc.__class__.__name__)
            self.broker_ok = False
            return False
        if self.run_id is not None and run_id != self.run_id:
            n = dispatch.release_undelivered(self.app.db)
            self.restarts_seen += 1
            log.warning("the broker restarted and lost its messages: %d page(s) dispatched again", n)
        elif not self.broker_ok and self.run_id is not None:
            log.info("broker %s reachable again", _safe(self.settings.broker_url))
        self.run_id = run_id
        self.broker_ok = True
        return True

    def start(self) -> None:
        # Messages a previous dispatcher sent may be gone; a second copy is dropped by the worker.
        self.check_broker()
        n = dispatch.release_undelivered(self.app.db)
        if n:
            log.info("%d page(s) dispatched before this start will be dispatched again", n)

    def tick(self) -> int:
        """One round: broker check, lease recovery, then top up the broker. Returns messages sent."""
        db = self.app.db
        now = time.monotonic()
        up = self.check_broker() if not self.broker_ok or now - self._last_broker_check >= BROKER_CHECK_S else True
        if now - self._last_recover >= RECOVER_EVERY_S:
            self._last_recover = now
            dispatch.release_undelivered(db, expired_only=True)
            n = jobs.recover(db)
            if n:
                log.warning("%d page(s) whose worker is gone (lease expired) are queued again", n)
        if not up:
            return 0
        d = self.last = dispatch.glance(db)
        room = self.room(d)
        if room <= 0 or not d.queued:
            return 0
        sent = 0
        for job_id, token in dispatch.dispatch(db, room, dispatch_lease_s(self.settings)):
            try:
                self.celery.send_task(
                    TASK_NAME,
                    args=[job_id],
                    task_id=token,
                    queue=self.settings.broker_queue,
                    retry=True,
                    retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0},
                )
                sent += 1
            except Exception as exc:
                log.warning("could not publish job %d: %s", job_id, exc.__class__.__name__)
                dispatch.undo_dispatch(db, job_id, token)
                self.broker_ok = False
        self.published += sent
        return sent

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()


class CeleryRunner(Runner):
    """``sohoa run`` with a broker: hot folder and intake here, the pages on Celery workers."""

    def __init__(self, app: App, *, watch: bool = True, on_status: Callable[[Snapshot], None] | None = None) -> None:
        super().__init__(app, watch=watch, on_status=on_status)
        self.dispatcher = Dispatcher(app)

    def _work(self, once: bool) -> None:
        d = self.dispatcher
        try:
            d.start()
        except DBAPIError as exc:
            log.warning("database unavailable at start: %s", exc.__class__.__name__)
        last_status = 0.0
        try:
            while not self.stop_event.is_set():
                try:
                    sent = d.tick()
                except DBAPIError as exc:
                    log.warning("database unavailable while dispatching: %s", exc.__class__.__name__)
                    sent = 0
                    self.stop_event.wait(1.0)
                now = time.monotonic()
                if self.on_status and now - last_status >= 1.0:
                    self.on_status(self.snapshot())
                    last_status = now
                if once and self._idle(None):
                    break
                if not sent:
                    self.stop_event.wait(FULL_TICK_S if d.full else TICK_S)
        finally:
            self.stop_event.set()
            d.close()

    def _idle(self, pool: WorkerPool | None) -> bool:
        hot_idle = self.hot is None or (
            self.hot.waiting == 0 and self.intake_q.empty() and not self.intake_busy.is_set()
        )
        if not hot_idle:
            return False
        last = self.dispatcher.last  # the last tick's look, a fraction of a second old
        if last is None or not last.idle:
            return False
        try:  # a page taken in since then?
            return dispatch.glance(self.app.db).idle
        except DBAPIError:
            return False

    def pages_per_min(self) -> float:
        """Pages the workers finished per minute (from the database: they run elsewhere)."""
        return dispatch.throughput(self.app.db, 2).per_minute


def _safe(url: str | None) -> str:
    if not url:
        return ""
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)

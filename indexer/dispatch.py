"""The job queue handed to Celery workers on other machines (``sohoa.distributed``).

The database stays the source of truth; a broker message only says "job J, token T".

* :func:`dispatch` claims queued jobs for the broker (``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, so two dispatchers never hand out the same job): each job gets its own token, the
  message's Celery task id, in ``jobs.worker`` as ``celery-T`` (state ``running``, a lease, no
  attempt counted yet).
* :func:`take` is the first thing a worker does with a message: it makes the job its own
  (``celery-T@host:pid``, one attempt counted) only if the job still waits for exactly this
  message, or waits in the queue again. A second copy of a message, a message for a page done
  meanwhile, or one whose job was handed to another message is dropped. A message delivered
  again after the worker process running it was lost (``reject_on_worker_lost``: kill -9, a
  crash, the hard time limit) finds its own token with ``@`` and takes the job over, the lost
  run counted as an attempt, so a page that keeps killing its worker ends ``failed`` after
  ``max_attempts`` as in the embedded runner.
* :func:`release_undelivered` puts dispatched jobs whose message never reached a worker back in
  the queue (the broker restarted and lost its messages, or a dispatcher died after claiming);
  leases that run out elsewhere are :func:`indexer.jobs.recover`'s.

The result is stored by :func:`indexer.results.complete` / ``fail`` guarded by the owner
``celery-T@host:pid``, so whatever the broker delivers twice, a page is indexed once.
"""

from __future__ import annotations

import secrets
import socket
import string
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, case, func, not_, or_, select, update
from sqlalchemy.orm import Session

from indexer import results
from indexer.db import Database, rows_changed
from indexer.jobs import ClaimedJob
from indexer.models import DocState, Document, Job, JobState, Original, Page, PageState, utcnow

PREFIX = "celery-"


def new_token() -> str:
    """16 lowercase letters (75 bits): no digit runs for the log's personal-ID mask to hide."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(16))


def waiting_name(token: str) -> str:
    """``jobs.worker`` of a job dispatched to the broker, not yet started."""
    return f"{PREFIX}{token}"


def running_name(token: str, host: str | None = None, pid: int | None = None) -> str:
    """``jobs.worker`` of a job a worker process is running (fits the column's 120 characters)."""
    import os

    tail = f":{pid if pid is not None else os.getpid()}"
    head = f"{PREFIX}{token}@"
    host = (host or socket.gethostname())[: 120 - len(head) - len(tail)]
    return f"{head}{host}{tail}"


def host_of(worker: str | None) -> str | None:
    """The worker host of a ``celery-T@host:pid`` name (None for other names)."""
    if not worker or not worker.startswith(PREFIX) or "@" not in worker:
        return None
    return worker.split("@", 1)[1].rpartition(":")[0]


_WAITING = and_(Job.worker.like(f"{PREFIX}%"), not_(Job.worker.like("%@%")))
_STARTED = and_(Job.worker.like(f"{PREFIX}%"), Job.worker.like("%@%"))


def dispatch(db: Database, limit: int, lease_s: float, kind: str = "ocr") -> list[tuple[int, str]]:
    """Claim up to ``limit`` queued jobs for the broker; returns (job id, token) to publish."""
    if limit <= 0:
        return []
    now = utcnow()
    lease = now + timedelta(seconds=lease_s)
    q = (
        select(Job.id)
        .where(Job.state == JobState.QUEUED, Job.kind == kind)
        .order_by(Job.priority.desc(), Job.id)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        q = q.with_for_update(skip_locked=True)
    out: list[tuple[int, str]] = []
    with db.write() as s:
        for job_id in s.scalars(q).all():
            token = new_token()
            claimed = rows_changed(
                s,
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.QUEUED)
                .values(state=JobState.RUNNING, worker=waiting_name(token), lease_until=lease, updated_at=now),
            )
            if claimed == 1:
                out.append((job_id, token))
    return out


def undo_dispatch(db: Database, job_id: int, token: str) -> bool:
    """The message could not be published: the job waits in the queue again."""
    with db.write() as s:
        undone = rows_changed(
            s,
            update(Job)
            .where(Job.id == job_id, Job.worker == waiting_name(token), Job.state == JobState.RUNNING)
            .values(state=JobState.QUEUED, worker=None, lease_until=None, updated_at=utcnow()),
        )
        return undone == 1


def release_undelivered(db: Database, *, expired_only: bool = False) -> int:
    """Dispatched jobs no worker has started go back to the queue (their attempts were never
    counted). With ``expired_only``, only those whose dispatch lease ran out."""
    cond = [Job.state == JobState.RUNNING, _WAITING]
    if expired_only:
        cond.append(Job.lease_until < utcnow())
    with db.write() as s:
        return rows_changed(
            s,
            update(Job).where(*cond).values(state=JobState.QUEUED, worker=None, lease_until=None, updated_at=utcnow()),
        )


class TakeResult(StrEnum):
    TAKEN = "taken"
    NOT_OURS = "not_ours"  # done, failed, or handed to another message: drop this one
    GONE = "gone"  # no such job
    GAVE_UP = "gave_up"  # the page's runs were lost max_attempts times: failed for good


@dataclass(frozen=True)
class Taken:
    result: TakeResult
    job: ClaimedJob | None = None


def _describe(s: Session, job_id: int) -> ClaimedJob | None:
    row = s.execute(
        select(
            Job.id,
            Job.page_id,
            Job.attempts,
            Page.document_id,
            Page.page_no,
            Original.store_key,
            Original.media_type,
            Original.sha256,
        )
        .join(Page, Page.id == Job.page_id)
        .join(Document, Document.id == Page.document_id)
        .join(Original, Original.id == Document.original_id)
        .where(Job.id == job_id)
    ).one_or_none()
    if row is None:
        return None
    return ClaimedJob(
        row.id, row.page_id, row.document_id, row.page_no, row.attempts, row.store_key, row.media_type, row.sha256
    )


def take(db: Database, job_id: int, token: str, worker: str, *, lease_s: float, max_attempts: int) -> Taken:
    """Make job ``job_id`` this worker's (``worker`` = :func:`running_name`) for message ``token``."""
    now = utcnow()
    lost: ClaimedJob | None = None
    lost_owner = ""
    with db.write() as s:
        q = select(Job.state, Job.worker, Job.attempts).where(Job.id == job_id)
        if db.dialect == "postgresql":
            q = q.with_for_update()
        row = s.execute(q).one_or_none()
        if row is None:
            return Taken(TakeResult.GONE)
        owner = row.worker or ""
        if row.state == JobState.RUNNING and owner == worker:
            # Our own take committed but its reply was lost with the connection: it is ours already.
            return Taken(TakeResult.TAKEN, _describe(s, job_id))
        mine = owner == waiting_name(token) or owner.startswith(waiting_name(token) + "@")
        if row.state == JobState.RUNNING and mine:
            if "@" in owner and row.attempts >= max_attempts:
                lost, lost_owner = _describe(s, job_id), owner
            else:
                cond = [Job.worker == owner]
        elif row.state == JobState.QUEUED:
            cond = [Job.worker.is_(None) | (Job.worker == owner)]
        else:
            return Taken(TakeResult.NOT_OURS)
        if lost is None:
            taken = rows_changed(
                s,
                update(Job)
                .where(Job.id == job_id, Job.state == row.state, *cond)
                .values(
                    state=JobState.RUNNING,
                    worker=worker,
                    attempts=Job.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_s),
                    updated_at=now,
                ),
            )
            if taken != 1:
                return Taken(TakeResult.NOT_OURS)
            job = _describe(s, job_id)
            assert job is not None
            s.execute(update(Page).where(Page.id == job.page_id).values(state=PageState.OCR))
            s.execute(
                update(Document)
                .where(Document.id == job.document_id, Document.state == DocState.CAPTURED)
                .values(state=DocState.PROCESSING, updated_at=now)
            )
            return Taken(TakeResult.TAKEN, job)
    # The worker processes that ran this message were lost max_attempts times (a page that crashes
    # Tesseract, or runs past the hard time limit): fail it for good, as the embedded runner does.
    assert lost is not None
    results.fail(
        db,
        lost,
        lost_owner,
        "worker_crashed",
        f"the worker process running this page was lost {lost.attempts} times (crash, kill or time limit)",
        max_attempts=max_attempts,
        permanent=False,
    )
    return Taken(TakeResult.GAVE_UP)


def release_orphans(db: Database, *, max_attempts: int, host: str | None = None) -> int:
    """Jobs started on this host by a worker process that is dead now go back to the queue.

    A Celery worker process stores a page after its message was acknowledged (it OCRs the next
    page meanwhile, :mod:`sohoa.distributed.storer`); killed in that window, no message comes back
    for the page. Each new worker process on the host calls this at its start (Celery starts one
    at once in place of a lost one), so such a page is redone in seconds rather than when its
    lease runs out. The lost run stays counted: a page whose run was lost ``max_attempts`` times
    fails for good, as in :func:`take`. Returns how many jobs were released or failed.
    """
    from indexer.jobs import _pid_alive

    here = host_of(running_name("x", host=host, pid=0))
    with db.read() as s:
        rows = s.execute(select(Job.id, Job.worker, Job.attempts).where(Job.state == JobState.RUNNING, _STARTED)).all()
    orphans = [
        (job_id, worker, attempts)
        for job_id, worker, attempts in rows
        if worker is not None  # never: _STARTED matches ``celery-…@…`` names only
        and host_of(worker) == here
        and worker.rpartition(":")[2].isdigit()
        and not _pid_alive(int(worker.rpartition(":")[2]))
    ]
    n = 0
    for job_id, worker, attempts in orphans:
        if attempts >= max_attempts:
            with db.read() as s:
                job = _describe(s, job_id)
            if (
                job is not None
                and results.fail(
                    db,
                    job,
                    worker,
                    "worker_crashed",
                    f"the worker process running this page was lost {attempts} times (crash, kill or time limit)",
                    max_attempts=max_attempts,
                    permanent=False,
                )
                is not results.FailOutcome.LOST_LEASE
            ):
                n += 1
            continue
        with db.write() as s:
            released = rows_changed(
                s,
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.worker == worker)
                .values(state=JobState.QUEUED, worker=None, lease_until=None, updated_at=utcnow()),
            )
            if released == 1:
                s.execute(
                    update(Page)
                    .where(Page.id == select(Job.page_id).where(Job.id == job_id).scalar_subquery())
                    .values(state=PageState.CAPTURED)
                )
                n += 1
    return n


# -- what `sohoa status` and the dispatcher look at ---------------------------------------------
@dataclass(frozen=True)
class QueueDepth:
    queued: int  # in the database's queue
    dispatched: int  # handed to the broker, no worker has started them yet
    running: int  # being OCR'd (by Celery workers or an embedded runner)


def depth(db: Database) -> QueueDepth:
    """The whole queue, counted (``sohoa status``); the dispatcher uses :func:`glance`."""
    with db.read() as s:
        queued = s.scalar(select(func.count()).select_from(Job).where(Job.state == JobState.QUEUED)) or 0
        g = _glance(s)
    return QueueDepth(queued, g.dispatched, g.running)


@dataclass(frozen=True)
class Glance:
    queued: bool  # any job waiting in the database's queue
    dispatched: int
    running: int

    @property
    def idle(self) -> bool:
        """Nothing queued, nothing handed out."""
        return not self.queued and self.dispatched == 0 and self.running == 0


def glance(db: Database) -> Glance:
    """What the dispatcher needs, several times a second, in one statement: the jobs handed out
    (a few per worker process) counted, the queue (maybe millions of pages) only looked into."""
    with db.read() as s:
        return _glance(s)


def _glance(s: Session) -> Glance:
    waiting = func.coalesce(func.sum(case((_WAITING, 1), else_=0)), 0)
    any_queued = select(Job.id).where(Job.state == JobState.QUEUED).limit(1).scalar_subquery()
    row: tuple[int, int, int | None] = s.execute(
        select(func.count(), waiting, any_queued).select_from(Job).where(Job.state == JobState.RUNNING)
    ).one()
    total, dispatched, first = row
    return Glance(first is not None, int(dispatched), int(total) - int(dispatched))


@dataclass(frozen=True)
class Throughput:
    minutes: float
    pages: int

    @property
    def per_minute(self) -> float:
        return self.pages / self.minutes if self.minutes > 0 else 0.0


def throughput(db: Database, minutes: float) -> Throughput:
    """Pages finished (indexed) in the last ``minutes``, from ``jobs.finished_at``."""
    since = utcnow() - timedelta(minutes=minutes)
    with db.read() as s:
        n = s.scalar(select(func.count()).select_from(Job).where(Job.state == JobState.DONE, Job.finished_at >= since))
    return Throughput(minutes, n or 0)


@dataclass(frozen=True)
class HostActivity:
    host: str
    running: int
    done_recent: int
    last_done: datetime | None


def activity_by_host(db: Database, minutes: float) -> list[HostActivity]:
    """Celery worker hosts seen in the jobs: pages running now, pages done in the last ``minutes``."""
    since = utcnow() - timedelta(minutes=minutes)
    with db.read() as s:
        rows = s.execute(
            select(Job.worker, Job.state, Job.finished_at).where(
                _STARTED,
                or_(Job.state == JobState.RUNNING, and_(Job.state == JobState.DONE, Job.finished_at >= since)),
            )
        ).all()
    hosts: dict[str, HostActivity] = {}
    for worker, state, finished in rows:
        h = host_of(worker) or "?"
        acc = hosts.get(h) or HostActivity(h, 0, 0, None)
        if state == JobState.RUNNING:
            acc = replace(acc, running=acc.running + 1)
        else:
            f = finished if finished is None or finished.tzinfo else finished.replace(tzinfo=UTC)
            last = f if f is not None and (acc.last_done is None or f > acc.last_done) else acc.last_done
            acc = replace(acc, done_recent=acc.done_recent + 1, last_done=last)
        hosts[h] = acc
    return [hosts[h] for h in sorted(hosts)]

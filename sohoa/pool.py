"""A small supervised process pool: one task per worker at a time, a deadline per task, and a
dead or hung worker replaced without taking the others down.

Unlike ``concurrent.futures``, a worker that segfaults inside Tesseract or hangs on a broken
page costs only its own task (reported as WORKER_CRASHED or TIMEOUT), never the pool.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ocr.types import OcrFailure, PageError


@dataclass
class TaskOutcome:
    task_id: Any
    ok: bool
    value: Any = None  # the result when ok
    kind: OcrFailure | None = None
    detail: str = ""


def outcome_of(
    task_id: Any, fn: Callable[[Any], Any], payload: Any, timeout_errors: tuple[type[BaseException], ...] = ()
) -> TaskOutcome:
    """Run one task in this process and say how it went, as a pool worker reports it (the Celery
    workers of ``sohoa.distributed`` call this too; ``timeout_errors`` are reported as TIMEOUT)."""
    try:
        return TaskOutcome(task_id, True, fn(payload))
    except timeout_errors as exc:
        return TaskOutcome(task_id, False, None, OcrFailure.TIMEOUT, f"page took too long ({type(exc).__name__})")
    except PageError as exc:
        return TaskOutcome(task_id, False, None, exc.kind, exc.detail)
    except MemoryError:
        return TaskOutcome(task_id, False, None, OcrFailure.ENGINE_ERROR, "out of memory")
    except Exception as exc:  # any other bug: report it, keep the worker
        return TaskOutcome(
            task_id,
            False,
            None,
            OcrFailure.ENGINE_ERROR,
            f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}",
        )


def _worker_main(conn: Connection, fn: Callable[[Any], Any], initializer: Callable[[], Any] | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    if initializer is not None:
        initializer()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, payload = msg
        o = outcome_of(task_id, fn, payload)
        try:
            conn.send((o.task_id, o.ok, o.value, o.kind.value if o.kind else None, o.detail))
        except Exception as exc:  # a result that cannot be sent (pickling): report it, keep the worker
            conn.send((task_id, False, None, OcrFailure.ENGINE_ERROR.value, f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    task_id: Any = None
    deadline: float = 0.0


class WorkerPool:
    def __init__(
        self, size: int, fn: Callable[[Any], Any], timeout_s: float, initializer: Callable[[], Any] | None = None
    ) -> None:
        """``initializer`` (picklable) runs once in each worker process before its first task."""
        self.fn = fn
        self.timeout_s = timeout_s
        self.initializer = initializer
        self.ctx = mp.get_context("spawn")
        self.workers: list[_Worker] = [self._spawn() for _ in range(size)]

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker_main, args=(child, self.fn, self.initializer), daemon=True)
        p.start()
        child.close()
        return _Worker(p, parent)

    @property
    def size(self) -> int:
        return len(self.workers)

    def idle(self) -> int:
        return sum(1 for w in self.workers if w.task_id is None)

    def busy(self) -> int:
        return self.size - self.idle()

    def submit(self, task_id: Any, payload: Any) -> None:
        for w in self.workers:
            if w.task_id is None:
                w.task_id = task_id
                w.deadline = time.monotonic() + self.timeout_s
                w.conn.send((task_id, payload))
                return
        raise RuntimeError("no idle worker")

    def poll(self, timeout: float) -> list[TaskOutcome]:
        """Wait up to ``timeout`` seconds for finished tasks; also reaps hung and dead workers."""
        busy = [w for w in self.workers if w.task_id is not None]
        if not busy:
            time.sleep(timeout)
            return []
        now = time.monotonic()
        wait_for = max(0.0, min(timeout, min(w.deadline for w in busy) - now))
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
        out: list[TaskOutcome] = []
        for i, w in enumerate(self.workers):
            if w.task_id is None:
                continue
            if w.conn in ready:
                try:
                    task_id, ok, value, kind, detail = w.conn.recv()
                except (EOFError, OSError):
                    out.append(self._replace(i, OcrFailure.WORKER_CRASHED, f"worker exited ({w.process.exitcode})"))
                    continue
                w.task_id = None
                out.append(TaskOutcome(task_id, ok, value, OcrFailure(kind) if kind else None, detail))
            elif w.process.sentinel in ready or not w.process.is_alive():
                out.append(self._replace(i, OcrFailure.WORKER_CRASHED, f"worker exited ({w.process.exitcode})"))
            elif time.monotonic() > w.deadline:
                out.append(self._replace(i, OcrFailure.TIMEOUT, f"page took longer than {self.timeout_s:.0f} s"))
        return out

    def _replace(self, i: int, kind: OcrFailure, detail: str) -> TaskOutcome:
        w = self.workers[i]
        task_id = w.task_id
        _kill(w)
        self.workers[i] = self._spawn()
        return TaskOutcome(task_id, False, None, kind, detail)

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 2
        for w in self.workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            _kill(w)
        self.workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill(w: _Worker) -> None:
    pid = w.process.pid  # None only before start(), when it is not alive either
    if pid is not None and w.process.is_alive():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        w.process.join(5)
    w.conn.close()

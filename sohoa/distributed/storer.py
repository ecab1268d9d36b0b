"""A Celery worker process stores a page while it OCRs the next one.

The embedded runner stores a page's result (fields, the name index, filing) in its main process
while its pool OCRs the next page. A Celery worker process used to do both in turn, so with one
process per machine it left the second core idle while storing. Here the task hands the stored
part to one background thread of its process and returns; the next message's page is OCR'd
meanwhile (Tesseract and OpenCV release the GIL). At most one page is being stored: the next
page's result waits for it before it is handed over, so a database that is away holds back the
worker rather than piling results up in memory.

What a kill costs. The message is acknowledged when the task returns, before its page is
stored. A process killed in that window leaves its job running under its own name
(``celery-T@host:pid``); the next worker process started on the host — Celery starts one at once
in place of a lost one — puts it back in the queue (:func:`indexer.dispatch.release_orphans`),
and the page is OCR'd again. A whole host that died comes back through the job's lease (the
desk's dispatcher). The store is guarded by the owner, so a page is never stored twice. A
worker process that stops normally (warm shutdown, Ctrl+C) stores its last page before it exits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class StoreBehind:
    """One background thread storing one page at a time."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sohoa-store")
        self._pending: Future[str] | None = None
        self._lock = threading.Lock()
        self.last: str | None = None  # what the last store did (``done``, ``lost``…; ``error`` if it raised)

    def wait(self, interrupts: tuple[type[BaseException], ...] = ()) -> None:
        """Until the page being stored is stored. ``interrupts`` (a task's soft time limit,
        raised in this thread by a signal) do not stop the wait: the store goes on either way,
        and the hard time limit is the backstop."""
        while True:
            with self._lock:
                pending = self._pending
            if pending is None:
                return
            try:
                self.last = pending.result()
            except interrupts:
                continue
            except Exception:
                log.exception("a page's result could not be stored; its lease will run out and it is redone")
                self.last = "error"
            with self._lock:
                if self._pending is pending:
                    self._pending = None

    def submit(self, store: Callable[[], str], interrupts: tuple[type[BaseException], ...] = ()) -> None:
        """Store a page in the background, once the page before it is stored."""
        self.wait(interrupts)
        with self._lock:
            self._pending = self._pool.submit(store)

    def close(self) -> None:
        self.wait()
        self._pool.shutdown(wait=True)

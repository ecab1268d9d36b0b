"""The desk's work after the answer: one thread per database that (1) reindexes the people of
entries keyed on the desk (``indexer.people.refresh``) once the keyers pause, and (2) on SQLite,
checkpoints the write-ahead log (WAL) into the database file, so that neither runs inside a save.

Why: at a million entries a keying save spent most of its time in SQLite's word index (a new
segment per write, and now and then a merge of a whole index level, 100–700 ms) and, every few
saves, in the WAL checkpoint that the committing connection runs itself (``wal_autocheckpoint``).

Guarantees:
- durability is unchanged: every save commits with ``synchronous=FULL`` (the WAL is on disk when
  the save returns); a checkpoint only copies committed pages into the database file;
- what waits for the name index is queued in the save's own transaction, so a crash loses
  nothing: :func:`start` first reindexes whatever a previous run left queued;
- the index follows within ``max_lag_s`` even when saves never pause (then it is done between
  them, ``batch`` entries a transaction); a failure is logged and retried, never raised into a
  request;
- the desk's saves and the worker's transactions take turns on :attr:`Background.gate` (a lock in
  this process) rather than on SQLite's busy wait, which sleeps in steps of up to 100 ms;
- the gazetteer (place offers of the keying screen) is loaded once at start, not by the first
  keyer's screen;
- with the worker running, the connections' own checkpoints wait until the WAL is
  ``SAFETY_PAGES`` long (about 64 MB) — a safety net in case the worker cannot keep up; the worker
  checkpoints (PASSIVE: never blocks a reader or a writer) once the WAL passes ``wal_bytes`` and
  the desk is idle, or at four times that at once.
Never: runs in a process that did not start it (the CLI and the OCR workers keep SQLite's own
checkpoints and reindex in the transaction).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from indexer.db import Database
from indexer.people import refresh

log = logging.getLogger(__name__)
SAFETY_PAGES = 16384  # 64 MB of 4 KB pages: SQLite's own checkpoint only if the worker falls behind
_RUNNING: weakref.WeakKeyDictionary[Engine, Background] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _wal_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    return Path(f"{name}-wal") if name and name != ":memory:" else None


class Background:
    def __init__(
        self,
        db: Database,
        *,
        idle_s: float = 0.3,
        max_lag_s: float = 2.0,
        wal_bytes: int = 4 << 20,
        tick_s: float = 1.0,
        batch: int = 10,
    ) -> None:
        self.db = db
        self.idle_s, self.max_lag_s, self.wal_bytes, self.tick_s = idle_s, max_lag_s, wal_bytes, tick_s
        self.batch = batch
        self.gate = threading.Lock()  # a desk save or one worker transaction at a time
        self.wal = _wal_file(db.engine)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._last_poke = 0.0
        self._dirty_since: float | None = time.monotonic()  # at start: what a previous run left
        self.refreshed = 0  # sources reindexed (for tests and the bench)
        self.checkpoints = 0
        self._thread = threading.Thread(target=self._run, name="desk-background", daemon=True)

    # -- from the requests ----------------------------------------------------------------------

    def poke(self) -> None:
        """A save queued people for the index: reindex once the keyers pause."""
        now = time.monotonic()
        self._last_poke = now
        if self._dirty_since is None:
            self._dirty_since = now
        self._wake.set()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued (tests, the bench); True if so."""
        deadline = time.monotonic() + timeout
        self._last_poke = 0.0  # do not wait for a pause
        while time.monotonic() < deadline:
            if self._dirty_since is None and refresh.waiting(self.db) == 0:
                return True
            self._wake.set()
            time.sleep(0.02)
        return False

    # -- the thread --------------------------------------------------------------------------------

    def start(self) -> None:
        if self.wal is not None:

            @event.listens_for(self.db.engine, "connect")
            def _late_checkpoints(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")

            self.db.engine.dispose()  # pooled connections reopen with it
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _refresh_queued(self) -> int:
        n = 0
        while not self._stop.is_set():
            with self.gate:
                k = refresh.refresh(self.db, limit=self.batch)
            n += k
            if k < self.batch:
                break
        return n

    def _run(self) -> None:
        try:
            from indexer.fields.gazetteer import load

            load()
        except Exception:
            log.exception("loading the gazetteer failed")
        while not self._stop.is_set():
            now = time.monotonic()
            idle = now - self._last_poke >= self.idle_s
            if self._dirty_since is not None and (idle or now - self._dirty_since >= self.max_lag_s):
                self._dirty_since = None  # a save from now on marks it again
                try:
                    self.refreshed += self._refresh_queued()
                except Exception:
                    log.exception("reindexing the people of keyed entries failed; retrying")
                    self._dirty_since = time.monotonic()
                    self._stop.wait(min(5.0, self.tick_s * 5))
                    continue
            try:
                self._checkpoint(idle)
            except Exception:
                log.exception("WAL checkpoint failed")
            if self._dirty_since is not None:
                wait = min(self.idle_s - (now - self._last_poke), self.max_lag_s - (now - self._dirty_since))
                wait = max(0.01, wait)
            else:
                wait = self.tick_s
            self._wake.wait(wait)
            self._wake.clear()

    def _checkpoint(self, idle: bool) -> None:
        if self.wal is None:
            return
        try:
            size = os.stat(self.wal).st_size
        except FileNotFoundError:
            return
        if size < self.wal_bytes or (not idle and size < 4 * self.wal_bytes):
            return
        conn = self.db.engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cur.close()
            self.checkpoints += 1
        finally:
            conn.close()


def start(db: Database, **kw: Any) -> Background:
    """The database's background worker, started once (later calls return the running one)."""
    with _LOCK:
        bg = _RUNNING.get(db.engine)
        if bg is None:
            bg = Background(db, **kw)
            _RUNNING[db.engine] = bg
            bg.start()
        return bg


def running(db: Database) -> Background | None:
    return _RUNNING.get(db.engine)


def stop(db: Database) -> None:
    with _LOCK:
        bg = _RUNNING.pop(db.engine, None)
    if bg is not None:
        bg.stop()

"""The hot folder: hand over each file once it is completely written, never twice.

- A file is ready when its size, mtime and inode have stood still for a window: ``settle_seconds``
  for a file moved or renamed in whole, ``stable_seconds`` (at least) once it has been seen
  written — a close event does not release it at once, because some writers (copy tools, network
  shares) reopen the file for every piece. A file seen opened waits for its close (or, as a last
  resort, a long quiet time). Any change, or the name coming back, restarts the wait.
- polling mode (SMB/NFS shares, where inotify sees nothing): a file is ready when its size and
  mtime have not changed for ``stable_seconds``.
- Names of temporary files (``x.jpg.part``, rsync's ``.x.jpg.Xy12Ab``, ``~$x``...) are ignored on
  every event (created, written, closed, moved in) and in the rescan (:func:`capture.probe.is_candidate`).
- Names are looked at with ``lstat`` only: nothing is followed or opened here. A name that is not
  a plain file (symlink, FIFO, socket, device) is handed over at once, for intake to put aside.
- A full rescan at start and every ``rescan_seconds`` finds what the events missed (files that
  arrived while sohoa was down, lost events), so nothing is ever stranded.
- An in-flight set: a file handed over is not handed over again until the consumer calls
  :meth:`HotFolder.done`. A file the consumer failed on is retried with a growing pause (1 s,
  2 s, 4 s ... at most ``MAX_BACKOFF``), and listed by :meth:`HotFolder.problems` meanwhile.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from capture.fsutil import printable_name
from capture.probe import is_candidate

log = logging.getLogger(__name__)
TICK = 0.2
WRITER_GIVE_UP = 60.0  # a file held open this long without change is taken anyway
MAX_BACKOFF = 600.0


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    ino: int
    changed_at: float
    writing: bool  # opened and not closed since
    written: bool  # seen written or closed here (not just moved in whole)
    special: bool  # not a plain file


@dataclass(frozen=True)
class Problem:
    """A file the consumer keeps failing on."""

    name: str  # printable (odd bytes written \\xNN)
    failures: int
    error: str
    retry_in_s: float


@dataclass
class _Failing:
    failures: int
    retry_at: float
    error: str


class HotFolder:
    def __init__(
        self,
        inbox: Path,
        on_ready: Callable[[Path], None],
        *,
        mode: str = "inotify",
        stable_seconds: float = 2.0,
        settle_seconds: float = 1.0,
        rescan_seconds: float = 60.0,
    ) -> None:
        self.inbox = inbox
        self.on_ready = on_ready
        self.mode = mode
        self.stable_seconds = stable_seconds
        self.settle_seconds = settle_seconds
        self.rescan_seconds = rescan_seconds
        self._lock = threading.Lock()
        self._pending: dict[Path, _Candidate] = {}
        self._inflight: set[Path] = set()
        self._failing: dict[Path, _Failing] = {}
        self._stop = threading.Event()
        self._observer = PollingObserver(timeout=1.0) if mode == "polling" else Observer()
        self._thread = threading.Thread(target=self._run, name="hotfolder", daemon=True)
        self.rescans = 0

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(_Handler(self), str(self.inbox), recursive=True)
        self._observer.start()
        self.rescan()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(5)
        if self._thread.is_alive():
            self._thread.join(5)

    def done(self, path: Path, *, look_again: bool = False, failed: str | None = None) -> None:
        """The consumer has finished with ``path``. ``look_again``: it was not taken (it changed
        while being read) and should be watched for stability again. ``failed``: taking it raised
        this error; it is tried again after a pause that doubles with each failure."""
        now = time.monotonic()
        with self._lock:
            self._inflight.discard(path)
            if failed is not None:
                f = self._failing.get(path) or _Failing(0, now, "")
                f.failures += 1
                f.retry_at = now + min(MAX_BACKOFF, 2.0 ** (f.failures - 1))
                f.error = failed
                self._failing[path] = f
            else:
                self._failing.pop(path, None)
        if look_again or failed is not None:
            self._note(path, "again")

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    def failures(self, path: Path) -> int:
        with self._lock:
            f = self._failing.get(path)
            return f.failures if f else 0

    def problems(self) -> list[Problem]:
        """Files being retried after failures, most failures first."""
        now = time.monotonic()
        with self._lock:
            items = list(self._failing.items())
        out = [
            Problem(
                printable_name(str(p.relative_to(self.inbox)) if p.is_relative_to(self.inbox) else p.name),
                f.failures,
                f.error,
                max(0.0, f.retry_at - now),
            )
            for p, f in items
        ]
        return sorted(out, key=lambda p: (-p.failures, p.name))

    # -- events -------------------------------------------------------------------------------------
    def _note(self, path: Path, event: str, *, now: float | None = None) -> None:
        """Something happened to ``path`` (``created``, ``modified``, ``opened``, ``closed``,
        ``moved``, ``rescan``, ``again``): (re)start its wait."""
        if not is_candidate(path):
            return
        try:
            st = os.lstat(path)
        except OSError:
            self._forget(path)
            return
        if stat.S_ISDIR(st.st_mode):
            return
        now = time.monotonic() if now is None else now
        special = not stat.S_ISREG(st.st_mode)
        with self._lock:
            if path in self._inflight:
                return
            c = self._pending.get(path)
            if c is None:
                c = _Candidate(st.st_size, st.st_mtime_ns, st.st_ino, now, False, False, special)
                self._pending[path] = c
            elif (c.size, c.mtime_ns, c.ino) != (st.st_size, st.st_mtime_ns, st.st_ino):
                c.size, c.mtime_ns, c.ino, c.changed_at = st.st_size, st.st_mtime_ns, st.st_ino, now
                c.special = special
            if event == "opened":
                c.writing = True
            elif event == "closed":
                c.writing, c.written, c.changed_at = False, True, now
            elif event == "modified":
                c.written = True
                c.writing = c.writing or self.mode != "polling"
            elif event == "again":
                c.changed_at = now

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

    def _vanished(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)
            if path not in self._inflight:
                self._failing.pop(path, None)

    # -- the ticker: settle, stability, rescans -------------------------------------------------------
    def _run(self) -> None:
        last_rescan = time.monotonic()
        while not self._stop.wait(TICK):
            try:
                self._check_pending()
                if time.monotonic() - last_rescan >= self.rescan_seconds:
                    self.rescan()
                    last_rescan = time.monotonic()
            except Exception:  # never let the watcher die
                log.exception("hot folder check failed")

    def _window(self, c: _Candidate) -> float:
        if self.mode == "polling":
            return self.stable_seconds
        if c.writing:
            return max(WRITER_GIVE_UP, self.stable_seconds)
        if c.written:
            return max(self.stable_seconds, self.settle_seconds)
        return self.settle_seconds

    def _check_pending(self) -> None:
        now = time.monotonic()
        ready: list[Path] = []
        with self._lock:
            items = list(self._pending.items())
        for path, c in items:
            try:
                st = os.lstat(path)
            except OSError:
                self._vanished(path)
                continue
            with self._lock:
                if path not in self._pending:
                    continue
                if (st.st_size, st.st_mtime_ns, st.st_ino) != (c.size, c.mtime_ns, c.ino):
                    c.size, c.mtime_ns, c.ino, c.changed_at = st.st_size, st.st_mtime_ns, st.st_ino, now
                    c.special = not stat.S_ISREG(st.st_mode)
                    continue
                f = self._failing.get(path)
                if f is not None and f.retry_at > now:
                    continue
                if c.special or now - c.changed_at >= self._window(c):
                    del self._pending[path]
                    ready.append(path)
        for path in ready:
            self._hand_over(path)

    def rescan(self) -> int:
        """Look at every name in the inbox; returns how many new candidates it found."""
        self.rescans += 1
        found = 0
        now = time.monotonic()
        wall = time.time()
        for dirpath, dirnames, filenames in os.walk(self.inbox):
            # A symlink to a folder is not walked into: it is handed over like any other link.
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in links]
            for name in [*filenames, *links]:
                path = Path(dirpath) / name
                if not is_candidate(path):
                    continue
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                with self._lock:
                    if path in self._inflight or path in self._pending:
                        continue
                    # Unchanged for a while already: only one more stability window to wait.
                    age = max(0.0, wall - st.st_mtime)
                    self._pending[path] = _Candidate(
                        st.st_size,
                        st.st_mtime_ns,
                        st.st_ino,
                        now - min(age, 3600.0),
                        False,
                        False,
                        not stat.S_ISREG(st.st_mode),
                    )
                    found += 1
        return found

    def _hand_over(self, path: Path) -> None:
        if not is_candidate(path):
            return
        with self._lock:
            if path in self._inflight:
                return
            self._inflight.add(path)
        try:
            self.on_ready(path)
        except Exception as exc:
            log.exception("could not hand over %s", printable_name(path.name))
            self.done(path, failed=exc.__class__.__name__)


class _Handler(FileSystemEventHandler):
    def __init__(self, folder: HotFolder) -> None:
        self.folder = folder

    @staticmethod
    def _path(p: str | bytes) -> Path:
        return Path(os.fsdecode(p))

    def on_closed(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._note(self._path(event.src_path), "closed")

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._note(self._path(event.src_path), "created")

    def on_opened(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            path = self._path(event.src_path)
            with self.folder._lock:
                c = self.folder._pending.get(path)
                if c is not None:
                    c.writing = True

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._note(self._path(event.src_path), "modified")

    def on_moved(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            self.folder.rescan()  # a whole folder moved in
            return
        self.folder._forget(self._path(event.src_path))
        self.folder._note(self._path(event.dest_path), "moved")

    def on_deleted(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._vanished(self._path(event.src_path))

"""The hot folder: hand over each file once it is completely written, never twice.

- inotify mode: a file written in place is ready at its ``closed`` event (IN_CLOSE_WRITE). A
  file moved or renamed in sends no close; it is ready after ``settle_seconds`` without change.
  A file seen opened or modified waits for its close (or, as a last resort, a long quiet time).
- polling mode (SMB/NFS shares, where inotify sees nothing): a file is ready when its size and
  mtime have not changed for ``stable_seconds``.
- A full rescan at start and every ``rescan_seconds`` finds what the events missed (files that
  arrived while sohoa was down, lost events), so nothing is ever stranded.
- An in-flight set: a file handed over is not handed over again until the consumer calls
  :meth:`HotFolder.done`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from capture.probe import is_candidate

log = logging.getLogger(__name__)
TICK = 0.2
WRITER_GIVE_UP = 60.0  # a file held open this long without change is taken anyway


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    changed_at: float
    writing: bool


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

    def done(self, path: Path, *, look_again: bool = False) -> None:
        """The consumer has finished with ``path``. ``look_again``: it was not taken (it changed
        while being read, or storing it failed) and should be watched for stability again."""
        with self._lock:
            self._inflight.discard(path)
        if look_again:
            self._touch(path, writing=False)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    # -- events -------------------------------------------------------------------------------------
    def _closed(self, path: Path) -> None:
        if self.mode == "polling":
            return self._touch(path, writing=False)
        with self._lock:
            if path in self._inflight:
                return
            self._pending.pop(path, None)
        self._hand_over(path)

    def _touch(self, path: Path, *, writing: bool) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        if not path.is_file() or not is_candidate(path):
            return
        now = time.monotonic()
        with self._lock:
            if path in self._inflight:
                return
            c = self._pending.get(path)
            if c is None:
                self._pending[path] = _Candidate(st.st_size, st.st_mtime_ns, now, writing)
            else:
                if (c.size, c.mtime_ns) != (st.st_size, st.st_mtime_ns):
                    c.size, c.mtime_ns, c.changed_at = st.st_size, st.st_mtime_ns, now
                c.writing = c.writing or writing

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

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

    def _check_pending(self) -> None:
        now = time.monotonic()
        ready: list[Path] = []
        with self._lock:
            items = list(self._pending.items())
        for path, c in items:
            try:
                st = path.stat()
            except OSError:
                self._forget(path)
                continue
            with self._lock:
                if path not in self._pending:
                    continue
                if (st.st_size, st.st_mtime_ns) != (c.size, c.mtime_ns):
                    c.size, c.mtime_ns, c.changed_at = st.st_size, st.st_mtime_ns, now
                    continue
                quiet = now - c.changed_at
                if self.mode == "polling":
                    ok = quiet >= self.stable_seconds
                elif c.writing:
                    ok = quiet >= max(WRITER_GIVE_UP, self.stable_seconds)
                else:
                    ok = quiet >= self.settle_seconds
                if ok:
                    del self._pending[path]
                    ready.append(path)
        for path in ready:
            self._hand_over(path)

    def rescan(self) -> int:
        """Look at every file in the inbox; returns how many new candidates it found."""
        self.rescans += 1
        found = 0
        now = time.monotonic()
        wall = time.time()
        for dirpath, dirnames, filenames in os.walk(self.inbox):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                path = Path(dirpath) / name
                if not is_candidate(path):
                    continue
                try:
                    st = path.stat()
                except OSError:
                    continue
                with self._lock:
                    if path in self._inflight or path in self._pending:
                        continue
                    # Unchanged for a while already: only one more stability window to wait.
                    age = max(0.0, wall - st.st_mtime)
                    self._pending[path] = _Candidate(st.st_size, st.st_mtime_ns, now - min(age, 3600.0), False)
                    found += 1
        return found

    def _hand_over(self, path: Path) -> None:
        with self._lock:
            if path in self._inflight:
                return
            self._inflight.add(path)
        try:
            self.on_ready(path)
        except Exception:
            log.exception("could not hand over %s", path.name)
            self.done(path)


class _Handler(FileSystemEventHandler):
    def __init__(self, folder: HotFolder) -> None:
        self.folder = folder

    def on_closed(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._closed(Path(os.fsdecode(event.src_path)))

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._touch(Path(os.fsdecode(event.src_path)), writing=False)

    def on_opened(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            path = Path(os.fsdecode(event.src_path))
            with self.folder._lock:
                c = self.folder._pending.get(path)
                if c is not None:
                    c.writing = True

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._touch(Path(os.fsdecode(event.src_path)), writing=self.folder.mode != "polling")

    def on_moved(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            self.folder.rescan()  # a whole folder moved in
            return
        self.folder._forget(Path(os.fsdecode(event.src_path)))
        self.folder._touch(Path(os.fsdecode(event.dest_path)), writing=False)

    def on_deleted(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.folder._forget(Path(os.fsdecode(event.src_path)))

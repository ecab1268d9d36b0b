"""Peak memory (RSS) of the processes the benchmark starts, sampled from /proc.

A :class:`TreeMonitor` thread looks at every descendant of this process every ``interval``
seconds. A *worker* is a descendant that matches a predicate (a sohoa pool process, one
``tesseract``, one ``ocrmypdf`` run) and has no matching ancestor; its memory is the RSS of its
whole subtree (an ocrmypdf run with its tesseract/unpaper/gs children counts as one worker).

Sampling can miss a short spike, so each process's own kernel high-water mark (``VmHWM``) is
read too: a worker's peak is ``max(largest sampled subtree RSS, largest VmHWM in the subtree)``,
a lower bound of the true subtree peak that is exact for single-process workers. RSS counts
shared pages (libraries, mapped models) in every process that maps them, as ``ps`` does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

MB = 1024 * 1024


@dataclass
class Proc:
    pid: int
    ppid: int
    name: str
    cmdline: list[str]
    rss: int  # bytes
    hwm: int  # bytes, the process's peak RSS so far


def _kb(line: str) -> int:
    return int(line.split()[1]) * 1024


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            stat = f.read()
        return int(stat[stat.rindex(")") + 2 :].split()[1])
    except (OSError, ValueError, IndexError):
        return None  # gone between listing and reading


def read_proc(pid: int, ppid: int) -> Proc | None:
    try:
        rss = hwm = 0
        name = ""
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("Name:"):
                    name = line.split(None, 1)[1].strip() if len(line.split()) > 1 else ""
                elif line.startswith("VmRSS:"):
                    rss = _kb(line)
                elif line.startswith("VmHWM:"):
                    hwm = _kb(line)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except (OSError, ValueError, IndexError):
        return None
    return Proc(pid, ppid, name, cmdline, rss, hwm)


def descendants(root: int) -> dict[int, Proc]:
    """Every process under ``root``; only their status and cmdline are read."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ppid = _ppid(int(entry))
            if ppid is not None:
                children.setdefault(ppid, []).append(int(entry))
    out: dict[int, Proc] = {}
    stack = [(pid, root) for pid in children.get(root, [])]
    while stack:
        pid, ppid = stack.pop()
        p = read_proc(pid, ppid)
        if p is not None:
            out[pid] = p
            stack.extend((c, pid) for c in children.get(pid, []))
    return out


@dataclass
class MemoryStats:
    worker_peaks_mb: dict[str, float] = field(default_factory=dict)  # "name[pid]" -> peak MB
    total_peak_mb: float = 0.0  # largest sum of RSS over all started processes at one sample
    process_peaks_mb: dict[str, float] = field(default_factory=dict)  # non-worker processes
    samples: int = 0

    @property
    def worker_peak_mb(self) -> float | None:
        return max(self.worker_peaks_mb.values()) if self.worker_peaks_mb else None

    def as_dict(self) -> dict[str, object]:
        return {
            "peak_per_worker_mb": _r(self.worker_peak_mb),
            "total_peak_mb": _r(self.total_peak_mb),
            "workers": len(self.worker_peaks_mb),
            "worker_peaks_mb": {k: _r(v) for k, v in sorted(self.worker_peaks_mb.items())},
            "other_process_peaks_mb": {k: _r(v) for k, v in sorted(self.process_peaks_mb.items())},
            "samples": self.samples,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


class TreeMonitor:
    """``with TreeMonitor(is_worker) as mon: ...`` then read ``mon.stats``."""

    def __init__(self, is_worker: Callable[[Proc], bool], interval: float = 0.2, root: int | None = None) -> None:
        self.is_worker = is_worker
        self.interval = interval
        self.root = root if root is not None else os.getpid()
        self.stats = MemoryStats()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)

    def __enter__(self) -> TreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        procs = descendants(self.root)
        if not procs:
            return
        s = self.stats
        s.samples += 1
        s.total_peak_mb = max(s.total_peak_mb, sum(p.rss for p in procs.values()) / MB)
        workers = [p for p in procs.values() if self.is_worker(p) and not self._has_worker_ancestor(p, procs)]
        in_worker: set[int] = set()
        for w in workers:
            tree = [w] + [p for p in procs.values() if self._under(p, w.pid, procs)]
            in_worker.update(p.pid for p in tree)
            peak = max(sum(p.rss for p in tree), max(p.hwm for p in tree)) / MB
            key = f"{w.name}[{w.pid}]"
            s.worker_peaks_mb[key] = max(s.worker_peaks_mb.get(key, 0.0), peak)
        for p in procs.values():
            if p.pid not in in_worker:
                key = f"{p.name}[{p.pid}]"
                s.process_peaks_mb[key] = max(s.process_peaks_mb.get(key, 0.0), p.hwm / MB)

    def _under(self, p: Proc, ancestor: int, procs: dict[int, Proc]) -> bool:
        pid = p.ppid
        while pid in procs:
            if pid == ancestor:
                return True
            pid = procs[pid].ppid
        return pid == ancestor

    def _has_worker_ancestor(self, p: Proc, procs: dict[int, Proc]) -> bool:
        pid = p.ppid
        while pid in procs:
            if self.is_worker(procs[pid]):
                return True
            pid = procs[pid].ppid
        return False

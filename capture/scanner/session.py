"""The supervised scan session: libsane runs in a child process sohoa owns
(:mod:`capture.scanner.child`, with ``PYINSANE_SINGLE_THREAD=1`` and the SANE configuration
folder in its environment), and this side only reads its messages, each within a deadline.

* A driver that crashes (segfault, abort) ends only the child: DRIVER_CRASHED.
* A device that stops answering — no first message within ``open_timeout_s``, no next page
  within ``page_timeout_s`` — gets the child's whole process group killed: TIMEOUT. The caller
  never hangs.
* Pages already announced are on disk, fsynced; whatever happens next, they are kept.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import capture
from capture.scanner.duplex import Side
from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.options import OptionInfo
from capture.scanner.profiles import ScanProfile

CHILD_MODULE = "capture.scanner.child"
PROJECT_ROOT = Path(capture.__file__).resolve().parent.parent


@dataclass(frozen=True)
class ChildConfig:
    sane_config_dir: Path | None = None  # None: the environment's SANE_CONFIG_DIR, else /etc/sane.d
    open_timeout_s: float = 30.0
    page_timeout_s: float = 90.0
    exit_grace_s: float = 2.0
    python: str = sys.executable


@dataclass(frozen=True)
class ScanRequest:
    profile: ScanProfile
    spool_dir: Path
    prefix: str
    batch: int | None = None
    device: str | None = None
    faults: dict[int, dict[str, Any]] = field(default_factory=dict)  # SANE test backend error injection

    def to_json(self) -> dict[str, Any]:
        return {
            "action": "scan",
            "profile": self.profile.to_dict(),
            "spool_dir": str(self.spool_dir),
            "prefix": self.prefix,
            "batch": self.batch,
            "device": self.device,
            "faults": {str(k): v for k, v in self.faults.items()},
        }


@dataclass(frozen=True)
class Opened:
    device: str
    source: str | None
    feeder: bool
    duplex: bool
    mode: str | None
    resolution: float | None
    settings: dict[str, Any]


@dataclass(frozen=True)
class ScannedPage:
    path: Path
    index: int  # 1, 2, ... in the order the scanner delivered them
    sheet: int
    side: Side
    width: int
    height: int
    dpi: int
    mode: str
    scanned_at: float  # time.time() when the scanner finished the page
    seconds: float  # how long the page took to scan


@dataclass(frozen=True)
class Device:
    name: str
    vendor: str = ""
    model: str = ""
    type: str = ""


def child_env(cfg: ChildConfig) -> dict[str, str]:
    env = dict(os.environ)
    env["PYINSANE_SINGLE_THREAD"] = "1"  # pyinsane2's daemon mode fails on real pages
    env["PYINSANE_DAEMON"] = "0"
    if cfg.sane_config_dir is not None:
        env["SANE_CONFIG_DIR"] = str(Path(cfg.sane_config_dir).resolve())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class Child:
    """One run of the child process, read message by message with deadlines."""

    def __init__(self, request: dict[str, Any], cfg: ChildConfig) -> None:
        self.cfg = cfg
        self.request = request
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 -- lives as long as the session; closed in close()
        self.finished = False  # a final message (end / error / answer) arrived

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.cfg.python, "-m", CHILD_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=child_env(self.cfg),
            start_new_session=True,
            close_fds=True,
        )
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(self.request).encode("utf-8"))
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def messages(self, first_timeout: float, next_timeout: float) -> Iterator[dict[str, Any]]:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        buf = b""
        count = 0
        timeout = first_timeout
        deadline = time.monotonic() + timeout
        try:
            while True:
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if not line.strip():
                        continue
                    try:
                        msg = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    count += 1
                    yield msg
                    timeout = next_timeout
                    deadline = time.monotonic() + timeout  # counted from when we wait again
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    raise ScanFailure(
                        Problem.TIMEOUT,
                        f"no answer from the scanner within {timeout:.1f} s (after {count} message(s))",
                        seconds=timeout,
                    )
                if sel.select(min(remaining, 0.5)):
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    buf += chunk
        finally:
            sel.close()
        # The child closed its end: it exited, or is exiting.
        if buf.strip():
            try:
                yield json.loads(buf)
            except json.JSONDecodeError:
                pass
        if not self.finished:
            code = self.reap()
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise ScanFailure(Problem.DRIVER_CRASHED, f"scan process ended without a word ({how}): {self.log_tail()}")

    def reap(self) -> int | None:
        """Wait briefly for the child to exit after its last message, then kill it."""
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=self.cfg.exit_grace_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def kill(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the driver may have forked a reader process
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # in the kernel (D state): leave it; it is not ours to wait for
            pass

    def log_tail(self, limit: int = 1500) -> str:
        try:
            self.log.seek(0)
            data = self.log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return data[-limit:].strip()

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.reap() if self.finished else self.kill()
            if self.proc.stdout:
                self.proc.stdout.close()
        self.log.close()


def _ask(request: dict[str, Any], cfg: ChildConfig, answer: str) -> dict[str, Any]:
    child = Child(request, cfg)
    child.start()
    try:
        for msg in child.messages(cfg.open_timeout_s, cfg.page_timeout_s):
            if msg.get("t") == "error":
                child.finished = True
                raise ScanFailure.from_dict(msg)
            if msg.get("t") == answer:
                child.finished = True
                child.reap()
                return msg
        raise ScanFailure(Problem.SCAN_ERROR, f"no {answer} from the scan process: {child.log_tail()}")
    finally:
        child.close()


def list_devices(cfg: ChildConfig) -> list[Device]:
    msg = _ask({"action": "list"}, cfg, "devices")
    return [Device(d["name"], d.get("vendor", ""), d.get("model", ""), d.get("type", "")) for d in msg["devices"]]


def describe_device(cfg: ChildConfig, device: str | None) -> tuple[str, list[tuple[OptionInfo, Any]]]:
    msg = _ask({"action": "describe", "device": device}, cfg, "options")
    return msg["device"], [(OptionInfo.from_dict(o), o.get("value")) for o in msg["options"]]


class ScanProcess:
    """``for event in ScanProcess(request, cfg).events(): ...`` — an :class:`Opened`, then one
    :class:`ScannedPage` per page as it ends. Raises :class:`ScanFailure` when the scan stops
    for any reason other than the end of the pages (the feeder ran out after at least one page,
    or the flatbed page is done)."""

    def __init__(self, request: ScanRequest, cfg: ChildConfig) -> None:
        self.request = request
        self.cfg = cfg
        self.child = Child(request.to_json(), cfg)
        self.pages = 0

    @property
    def pid(self) -> int | None:
        return self.child.pid

    def events(self) -> Iterator[Opened | ScannedPage]:
        self.request.spool_dir.mkdir(parents=True, exist_ok=True)
        self.child.start()
        try:
            for msg in self.child.messages(self.cfg.open_timeout_s, self.cfg.page_timeout_s):
                kind = msg.get("t")
                if kind == "opened":
                    yield Opened(
                        msg["device"],
                        msg.get("source"),
                        bool(msg.get("feeder")),
                        bool(msg.get("duplex")),
                        msg.get("mode"),
                        msg.get("resolution"),
                        msg.get("settings") or {},
                    )
                elif kind == "page":
                    self.pages += 1
                    yield ScannedPage(
                        Path(msg["path"]),
                        int(msg["index"]),
                        int(msg["sheet"]),
                        Side(msg["side"]),
                        int(msg["width"]),
                        int(msg["height"]),
                        int(msg.get("dpi") or 0),
                        msg.get("mode", ""),
                        float(msg["scanned_at"]),
                        float(msg.get("seconds") or 0.0),
                    )
                elif kind == "end":
                    self.child.finished = True
                    self.child.reap()
                    return
                elif kind == "error":
                    self.child.finished = True
                    self.child.reap()
                    failure = ScanFailure.from_dict(msg)
                    if failure.problem is Problem.DEVICE_LOST and self.pages == 0:
                        failure.detail = f"{failure.detail} (before the first page)"
                    raise failure
        finally:
            self.child.close()

"""The scan child: ``python -m capture.scanner.child``, started and supervised by
:mod:`capture.scanner.session`. It is the only process that loads libsane, so a driver that
crashes or hangs takes down only this process.

It reads one JSON request on stdin and answers with JSON lines on its original stdout (the
driver's own chatter on fd 1 is sent to stderr):

* ``{"action": "list"}`` → ``{"t": "devices", "devices": [...]}``
* ``{"action": "describe", "device": ...}`` → ``{"t": "options", ...}``
* ``{"action": "scan", ...}`` → ``{"t": "opened", ...}``, then one ``{"t": "page", ...}`` per page,
  written durably to the spool folder (PNG with its resolution, fsynced, renamed into place,
  next to a JSON sidecar naming its batch, sheet and side) *before* it is announced; then
  ``{"t": "end"}`` or ``{"t": "error", ...}``.

The scanner side never waits for anyone: pages go to disk and a line to the pipe, and the next
page is read at once.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from capture.fsutil import atomic_write
from capture.scanner.errors import Problem, ScanFailure

PNG_COMPRESS_LEVEL = 3  # ~3x faster than the default 6 for a few % more bytes


def _write_durably(path: Path, write: Any) -> None:
    with atomic_write(path) as tmp, open(tmp, "wb") as f:
        write(f)


def write_page(image: Any, path: Path, dpi: int, sidecar: dict[str, Any]) -> None:
    """The sidecar first, then the image: an image in the spool always has its sidecar."""
    meta = path.with_suffix(".json")
    _write_durably(meta, lambda f: f.write(json.dumps(sidecar, ensure_ascii=False).encode("utf-8")))
    kw: dict[str, Any] = {"compress_level": PNG_COMPRESS_LEVEL}
    if dpi:
        kw["dpi"] = (dpi, dpi)
    _write_durably(path, lambda f: image.save(f, "PNG", **kw))


class Channel:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def send(self, **msg: Any) -> None:
        self.out.write(json.dumps(msg, ensure_ascii=False, default=str) + "\n")
        self.out.flush()


def do_list(ch: Channel) -> None:
    from capture.scanner.saneio import SaneIO

    io = SaneIO()
    ch.send(t="devices", devices=[d.to_dict() for d in io.devices()])


def _open(req: dict[str, Any]) -> tuple[Any, Any]:
    from capture.scanner.saneio import SaneIO

    io = SaneIO()
    name = req.get("device")
    if not name:
        devices = io.devices()
        if not devices:
            raise ScanFailure(Problem.NO_SCANNER, "sane_get_devices returned no device")
        name = devices[0].name
    return io, io.open(name)


def do_describe(ch: Channel, req: dict[str, Any]) -> None:
    _, dev = _open(req)
    try:
        opts = []
        for info in dev.describe_all():
            d = info.to_dict()
            try:
                d["value"] = dev.get(info.name) if info.active else None
            except ScanFailure:
                d["value"] = None
            opts.append(d)
        ch.send(t="options", device=dev.name, options=opts)
    finally:
        dev.close()


def do_scan(ch: Channel, req: dict[str, Any]) -> None:
    from capture.scanner.duplex import position, turn_back
    from capture.scanner.options import set_checked
    from capture.scanner.profiles import ScanProfile, apply_profile

    profile = ScanProfile.from_dict(req["profile"])
    spool = Path(req["spool_dir"])
    spool.mkdir(parents=True, exist_ok=True)
    prefix = req.get("prefix", "scan")
    faults: dict[str, dict[str, Any]] = req.get("faults") or {}
    _, dev = _open(req)
    try:
        try:
            applied = apply_profile(profile, dev)
        except ScanFailure as f:
            f.device = f.device or dev.name
            raise
        ch.send(
            t="opened",
            device=dev.name,
            source=applied.source,
            feeder=applied.feeder,
            duplex=applied.duplex,
            mode=applied.mode,
            resolution=applied.resolution,
            settings=applied.settings,
        )
        last = time.time()
        n = 0
        for image in dev.pages(applied.feeder):
            ended = time.time()
            sheet, side = position(n, applied.duplex)
            image = turn_back(image, side, profile.back_rotation)
            n += 1
            path = spool / f"{prefix}-to{sheet:03d}-{side.slug}.png"
            sidecar = {
                "batch": req.get("batch"),
                "device": dev.name,
                "profile": profile.name,
                "index": n,
                "sheet": sheet,
                "side": side.value,
                "dpi": applied.dpi,
            }
            write_page(image, path, applied.dpi, sidecar)
            ch.send(
                t="page",
                path=str(path),
                index=n,
                sheet=sheet,
                side=side.value,
                width=image.width,
                height=image.height,
                dpi=applied.dpi,
                mode=image.mode,
                scanned_at=ended,
                seconds=round(ended - last, 3),
            )
            last = time.time()
            # Options to change after page n: the SANE test backend's error injection (tests, benchmark).
            for name, value in (faults.get(str(n)) or {}).items():
                set_checked(dev, name, value, profile=profile.name)
        ch.send(t="end", pages=n)
    except ScanFailure as f:
        f.device = f.device or dev.name
        ch.send(t="error", **f.to_dict())  # report first: cancelling a failed driver may hang
        raise _Reported() from None
    finally:
        try:
            dev.cancel()
            dev.close()
        except Exception:  # the process is about to end anyway
            pass


class _Reported(Exception):
    pass


def main() -> int:
    # The protocol owns the original stdout; anything else printed to fd 1 (drivers, pyinsane2's
    # warnings) goes to stderr, which the parent keeps in a log.
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    ch = Channel(proto)
    try:
        req = json.loads(sys.stdin.read() or "{}")
        action = req.get("action")
        if action == "list":
            do_list(ch)
        elif action == "describe":
            do_describe(ch, req)
        elif action == "scan":
            do_scan(ch, req)
        else:
            raise ScanFailure(Problem.SCAN_ERROR, f"unknown action {action!r}")
    except _Reported:
        return 0
    except ScanFailure as f:
        ch.send(t="error", **f.to_dict())
    except BrokenPipeError:
        return 3  # the parent is gone
    except Exception as exc:
        ch.send(
            t="error",
            problem=Problem.SCAN_ERROR.value,
            detail=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

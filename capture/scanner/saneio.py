"""pyinsane2 made solid: the only module that touches libsane. Import it only in the scan child
(:mod:`capture.scanner.child`), a process sohoa owns and may kill.

What pyinsane2 2.0.13 gets wrong, and what this wrapper does instead (see stack-facts.md):

* Its default Linux mode runs SANE in a daemon and reads each reply pipe once: any real page
  (> 64 KiB) fails, and a daemon that does not start hangs ``init()``. We run SANE in-process
  (``PYINSANE_SINGLE_THREAD=1``, set before pyinsane2 is imported) inside the child.
* It passes SANE fixed-point values through raw: resolution 300 would mean 300/65536 dpi, and
  ranges come back as 19660800 for 300 mm. Here every value, range and word list of a FIXED
  option is converted at the boundary, so callers only ever see millimetres and dpi.
* After a failed read (jam, cover open) it does not cancel the scan, and every later option
  change fails with "invalid". Here a scan that ended — failed, feeder empty, flatbed page done —
  marks the device *dirty*; :meth:`cancel` (or the next :meth:`SaneDevice.set`) cancels it
  first. The cancel is left to the caller so that the outcome can be reported before touching a
  driver that may hang: the ``test`` backend sometimes never returns from ``sane_cancel`` or from
  the ``sane_start`` after it (a futex wait, about one run in ten after an injected status).
* The end of a page is ``EOFError`` and an empty feeder ``StopIteration`` — raised from inside
  our generators that would become ``RuntimeError`` (PEP 479), and pyinsane2's own
  ``MultipleScan`` turns a "no docs" *read* into a fake end of page without an image. Here the
  raw calls are wrapped into return values, and a page exists only when it has data.
* ``ScanSession.images`` keeps (and in daemon mode re-pickles) every page; pages here are
  yielded one by one as they end and never kept. Its 1-bit unpacking is a per-bit Python loop and
  16-bit samples are decoded as 8-bit; frames here are assembled with numpy, for 1, 8 and 16 bits,
  grey, RGB and three-pass colour.
* String options are passed in a buffer the size of the string; drivers may read the option's
  full size. Here the buffer is the option's size.
* Options changed by a driver (``SANE_INFO_RELOAD_OPTIONS``: a new source changes the geometry
  limits) are re-read: descriptors are never cached across a change.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PYINSANE_SINGLE_THREAD", "1")  # before pyinsane2 is imported

import numpy as np
from PIL import Image

from capture.scanner.errors import SANE_STATUS_NAMES, Problem, ScanFailure, problem_for_status
from capture.scanner.options import OptionInfo, Range

FIXED_SCALE = 65536.0
READ_CHUNK = 512 * 1024
_TYPES = {0: "bool", 1: "int", 2: "fixed", 3: "string", 4: "button", 5: "group"}
_UNITS = {0: "", 1: "px", 2: "bit", 3: "mm", 4: "dpi", 5: "%", 6: "us"}
CAP_SOFT_SELECT = 1
CAP_INACTIVE = 1 << 5
INFO_RELOAD_OPTIONS = 1 << 1
ACTION_GET, ACTION_SET = 0, 1
FRAME_GRAY, FRAME_RGB, FRAME_RED, FRAME_GREEN, FRAME_BLUE = 0, 1, 2, 3, 4
STATUS_GOOD, STATUS_INVAL, STATUS_NO_DOCS = 0, 4, 7


def _rawapi() -> Any:
    try:
        from pyinsane2.sane import rawapi
    except Exception as exc:  # not installed, or libsane missing its symbols
        raise ScanFailure(Problem.SANE_UNAVAILABLE, f"pyinsane2: {exc}") from None
    if not rawapi.is_sane_available():
        raise ScanFailure(Problem.SANE_UNAVAILABLE, "libsane.so.1 not found")
    return rawapi


def _text(b: Any) -> str:
    if b is None:
        return ""
    return b.decode("utf-8", "replace") if isinstance(b, (bytes, bytearray)) else str(b)


@dataclass(frozen=True)
class DeviceInfo:
    name: str
    vendor: str = ""
    model: str = ""
    type: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "vendor": self.vendor, "model": self.model, "type": self.type}


class SaneIO:
    """libsane, initialised once per process (it reads SANE_CONFIG_DIR once, at init)."""

    def __init__(self) -> None:
        self.raw = _rawapi()
        try:
            self.raw.sane_init()
        except self.raw.SaneException as exc:
            raise ScanFailure(Problem.SANE_UNAVAILABLE, f"sane_init: {exc}") from None

    def devices(self, local_only: bool = False) -> list[DeviceInfo]:
        try:
            devs = self.raw.sane_get_devices(local_only)
        except self.raw.SaneException as exc:
            raise ScanFailure(problem_for_status(int(exc.status)), f"sane_get_devices: {exc}") from None
        return [DeviceInfo(_text(d.name), _text(d.vendor), _text(d.model), _text(d.type)) for d in devs]

    def open(self, name: str) -> SaneDevice:
        try:
            handle = self.raw.sane_open(name)
        except self.raw.SaneException as exc:
            status = int(exc.status)
            known = [d.name for d in self.devices()]
            if status in (STATUS_INVAL, 9) or name not in known:
                raise ScanFailure(
                    Problem.DEVICE_NOT_FOUND,
                    f"sane_open({name}): {SANE_STATUS_NAMES.get(status)}",
                    device=name,
                    valid=known,
                    status=status,
                ) from None
            raise ScanFailure(
                problem_for_status(status),
                f"sane_open({name}): {SANE_STATUS_NAMES.get(status)}",
                device=name,
                status=status,
            ) from None
        return SaneDevice(self.raw, name, handle)


class SaneDevice:
    """One open scanner. Values are in user units (dpi, mm); see the module docstring."""

    def __init__(self, raw: Any, name: str, handle: Any) -> None:
        self.raw = raw
        self.name = name
        self.handle = handle
        self.dirty = False  # a scan failed and has not been cancelled yet
        self._index: dict[str, tuple[int, OptionInfo]] | None = None

    # -- options --------------------------------------------------------------------------------
    def _options(self) -> dict[str, tuple[int, OptionInfo]]:
        if self._index is None:
            raw = self.raw
            count = int(raw.sane_get_option_value(self.handle, 0))
            index: dict[str, tuple[int, OptionInfo]] = {}
            for i in range(1, count):
                d = raw.sane_get_option_descriptor(self.handle, i)
                name = _text(d.name)
                kind = _TYPES.get(d.type, "group")
                if not name or kind in ("group", "button"):
                    continue
                constraint = raw.SaneConstraintType(d.constraint_type).get_pyobj_constraint(d.constraint)
                if isinstance(constraint, tuple):
                    lo, hi, q = constraint
                    if kind == "fixed":
                        lo, hi, q = lo / FIXED_SCALE, hi / FIXED_SCALE, q / FIXED_SCALE
                    constraint = Range(float(lo), float(hi), float(q))
                elif isinstance(constraint, list):
                    constraint = [
                        (v / FIXED_SCALE if kind == "fixed" else v) if not isinstance(v, str) else v for v in constraint
                    ]
                index[name] = (
                    i,
                    OptionInfo(
                        name=name,
                        title=_text(d.title),
                        type=kind,
                        unit=_UNITS.get(d.unit, ""),
                        constraint=constraint,
                        active=not (d.cap & CAP_INACTIVE),
                        settable=bool(d.cap & CAP_SOFT_SELECT),
                        size=int(d.size),
                    ),
                )
            self._index = index
        return self._index

    def names(self) -> list[str]:
        return list(self._options())

    def describe(self, option: str) -> OptionInfo | None:
        entry = self._options().get(option)
        return entry[1] if entry else None

    def describe_all(self) -> list[OptionInfo]:
        return [info for _, info in self._options().values()]

    def get(self, option: str) -> Any:
        idx, info = self._options()[option]
        if not info.active:
            return None
        buf = ctypes.create_string_buffer(max(4, info.size))
        status = self.raw.SANE_LIB.sane_control_option(self.handle, idx, ACTION_GET, buf, ctypes.byref(ctypes.c_int()))
        if status != STATUS_GOOD:
            raise ScanFailure(
                problem_for_status(status),
                f"get {option}: {SANE_STATUS_NAMES.get(status)}",
                device=self.name,
                status=status,
            )
        if info.type == "string":
            return _text(buf.value)
        word = ctypes.c_int.from_buffer(buf).value
        if info.type == "fixed":
            return word / FIXED_SCALE
        if info.type == "bool":
            return bool(word)
        return word

    def set(self, option: str, value: Any) -> Any:
        """Set a value already checked against the option (:func:`capture.scanner.options.coerce`);
        returns what the device took (drivers round: ``SANE_INFO_INEXACT``)."""
        if self.dirty:
            self.cancel()  # pyinsane2 would leave the failed scan open: every set would fail
        idx, info = self._options()[option]
        if info.type == "string":
            data = str(value).encode("utf-8")
            buf: Any = ctypes.create_string_buffer(data, max(info.size, len(data) + 1))
        elif info.type == "fixed":
            buf = ctypes.c_int(int(round(float(value) * FIXED_SCALE)))
        elif info.type == "bool":
            buf = ctypes.c_int(1 if value else 0)
        else:
            buf = ctypes.c_int(int(value))
        flags = ctypes.c_int()
        status = self.raw.SANE_LIB.sane_control_option(
            self.handle, idx, ACTION_SET, ctypes.byref(buf), ctypes.byref(flags)
        )
        self._index = None  # a set may change other options' limits or activity; re-read them
        if status != STATUS_GOOD:
            problem = Problem.INVALID_OPTION if status == STATUS_INVAL else problem_for_status(status)
            raise ScanFailure(
                problem,
                f"set {option}={value!r}: {SANE_STATUS_NAMES.get(status)}",
                device=self.name,
                option=option,
                value=value,
                valid=info.valid_values(),
                status=status,
            )
        return self.get(option)

    # -- scanning -------------------------------------------------------------------------------------
    def cancel(self) -> None:
        self.raw.SANE_LIB.sane_cancel(self.handle)
        self.dirty = False

    def close(self) -> None:
        if self.handle is not None:
            self.raw.SANE_LIB.sane_close(self.handle)
            self.handle = None

    def _fail(self, status: int, what: str, pages: int) -> ScanFailure:
        self.dirty = True
        return ScanFailure(
            problem_for_status(status),
            f"{what}: SANE_STATUS_{SANE_STATUS_NAMES.get(status, status)} after {pages} page(s)",
            device=self.name,
            status=status,
        )

    def _start(self, pages: int) -> bool:
        """sane_start; False when the feeder has no (more) documents."""
        status = self.raw.SANE_LIB.sane_start(self.handle)
        if status == STATUS_NO_DOCS:
            return False
        if status != STATUS_GOOD:
            raise self._fail(status, "sane_start", pages)
        return True

    def _parameters(self, pages: int) -> Any:
        params = self.raw.SaneParameters()
        status = self.raw.SANE_LIB.sane_get_parameters(self.handle, ctypes.byref(params))
        if status != STATUS_GOOD:
            raise self._fail(status, "sane_get_parameters", pages)
        return params

    def _read_frame(self, pages: int) -> tuple[bytes, bool]:
        """All the bytes of one frame; (data, no_docs)."""
        lib = self.raw.SANE_LIB
        chunk = ctypes.create_string_buffer(READ_CHUNK)
        got = ctypes.c_int()
        out = bytearray()
        while True:
            status = lib.sane_read(self.handle, chunk, READ_CHUNK, ctypes.byref(got))
            if status == STATUS_GOOD:
                out += chunk.raw[: got.value]
                continue
            if status == 5:  # SANE_STATUS_EOF: the frame is complete
                return bytes(out), False
            if status == STATUS_NO_DOCS and not out:
                return b"", True
            raise self._fail(status, "sane_read", pages)

    def pages(self, feeder: bool) -> Iterator[Image.Image]:
        """Scan page after page: one from the flatbed, or until the feeder is empty. Each page is
        yielded as soon as it ends. However the scan ends, the device is left dirty: report the
        outcome first, then :meth:`cancel`."""
        count = 0
        while True:
            if not self._start(count):
                self.dirty = True  # cancelled by the caller, after it has reported the end
                if count == 0:
                    raise ScanFailure(
                        Problem.FEEDER_EMPTY, "SANE_STATUS_NO_DOCS at the first sheet", device=self.name, status=7
                    )
                return
            frames: list[tuple[Any, bytes]] = []
            while True:
                params = self._parameters(count)
                data, no_docs = self._read_frame(count)
                if no_docs:
                    break
                frames.append((params, data))
                if params.last_frame:
                    break
                if not self._start(count):  # the next colour frame of a three-pass scanner
                    break
            if not frames:
                self.dirty = True
                if count == 0:
                    raise ScanFailure(
                        Problem.FEEDER_EMPTY, "SANE_STATUS_NO_DOCS at the first read", device=self.name, status=7
                    )
                return
            image = assemble(frames)
            if image is None:
                self.dirty = True
                raise ScanFailure(Problem.SCAN_ERROR, f"empty page after {count} page(s)", device=self.name)
            count += 1
            yield image
            if not feeder:
                self.dirty = True
                return


def _samples(data: bytes, p: Any) -> np.ndarray | None:
    """One frame as an array (lines, pixels, channels) of uint8."""
    channels = 3 if p.format == FRAME_RGB else 1
    bpl, ppl, depth = int(p.bytes_per_line), int(p.pixels_per_line), int(p.depth)
    if bpl <= 0 or ppl <= 0:
        return None
    lines = len(data) // bpl  # hand scanners report -1 lines: count what came
    if p.lines > 0:
        lines = min(lines, int(p.lines))
    if lines <= 0:
        return None
    rows = np.frombuffer(data, dtype=np.uint8, count=lines * bpl).reshape(lines, bpl)
    if depth == 8:
        arr = rows[:, : ppl * channels]
    elif depth == 16:
        arr = rows[:, : ppl * channels * 2].copy().view("=u2")  # SANE: native byte order
        arr = (arr >> 8).astype(np.uint8)
    elif depth == 1:
        bits = np.unpackbits(rows, axis=1)[:, : ppl * channels]
        arr = np.where(bits == 1, 0, 255).astype(np.uint8)  # SANE: a set bit is black
    else:
        return None
    return arr.reshape(lines, ppl, channels)


def assemble(frames: list[tuple[Any, bytes]]) -> Image.Image | None:
    if len(frames) == 1 or frames[0][0].format in (FRAME_GRAY, FRAME_RGB):
        arr = _samples(frames[-1][1], frames[-1][0])
        if arr is None:
            return None
        if arr.shape[2] == 1:
            return Image.fromarray(np.ascontiguousarray(arr[:, :, 0]), "L")
        return Image.fromarray(np.ascontiguousarray(arr), "RGB")
    planes: dict[int, np.ndarray] = {}
    for params, data in frames:
        arr = _samples(data, params)
        if arr is not None:
            planes[int(params.format)] = arr[:, :, 0]
    if set(planes) != {FRAME_RED, FRAME_GREEN, FRAME_BLUE}:
        return None
    h = min(a.shape[0] for a in planes.values())
    rgb = np.dstack([planes[FRAME_RED][:h], planes[FRAME_GREEN][:h], planes[FRAME_BLUE][:h]])
    return Image.fromarray(np.ascontiguousarray(rgb), "RGB")

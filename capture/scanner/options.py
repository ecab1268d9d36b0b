"""SANE options as plain data, and checking a value against an option before the driver sees it.

Values here are always in *user units*: a SANE fixed-point option (resolution, geometry in mm)
holds 300.0, never 300 * 65536; :mod:`capture.scanner.saneio` converts at the ctypes boundary.
Nothing here needs libsane, so profiles can be checked and tested without a scanner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from capture.scanner.errors import Problem, ScanFailure

TYPES = ("bool", "int", "fixed", "string", "button", "group")
UNITS = ("", "px", "bit", "mm", "dpi", "%", "us")


@dataclass(frozen=True)
class Range:
    min: float
    max: float
    quant: float = 0.0

    def __str__(self) -> str:
        step = f" (bước {_num(self.quant)})" if self.quant else ""
        return f"từ {_num(self.min)} đến {_num(self.max)}{step}"


@dataclass(frozen=True)
class OptionInfo:
    name: str
    title: str = ""
    type: str = "int"  # one of TYPES
    unit: str = ""  # one of UNITS
    constraint: Range | list[Any] | None = None
    active: bool = True
    settable: bool = True
    size: int = 4

    def valid_values(self) -> list[Any]:
        """What a clerk may choose, for an error message."""
        if isinstance(self.constraint, Range):
            return [str(self.constraint)]
        if isinstance(self.constraint, list):
            return [_num(v) if isinstance(v, float) else v for v in self.constraint]
        if self.type == "bool":
            return ["true", "false"]
        return [{"int": "số nguyên", "fixed": "số", "string": "chuỗi ký tự"}.get(self.type, self.type)]

    def to_dict(self) -> dict[str, Any]:
        c: Any = self.constraint
        if isinstance(c, Range):
            c = {"min": c.min, "max": c.max, "quant": c.quant}
        return {
            "name": self.name,
            "title": self.title,
            "type": self.type,
            "unit": self.unit,
            "constraint": c,
            "active": self.active,
            "settable": self.settable,
            "size": self.size,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OptionInfo:
        c = d.get("constraint")
        if isinstance(c, dict):
            c = Range(c["min"], c["max"], c.get("quant", 0.0))
        return cls(
            d["name"],
            d.get("title", ""),
            d.get("type", "int"),
            d.get("unit", ""),
            c,
            d.get("active", True),
            d.get("settable", True),
            d.get("size", 4),
        )


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


class OptionAccess(Protocol):
    """An open device as profiles see it (the real one is :class:`capture.scanner.saneio.SaneDevice`)."""

    name: str

    def describe(self, option: str) -> OptionInfo | None:
        """The option's current descriptor (constraints change when e.g. the source changes)."""
        ...

    def names(self) -> list[str]: ...

    def get(self, option: str) -> Any: ...

    def set(self, option: str, value: Any) -> Any:
        """Set a checked value; returns the value the device actually took."""
        ...


@dataclass
class Applied:
    """What a profile turned into on one device."""

    source: str | None = None  # the SANE source value chosen, None if the device has no choice
    feeder: bool = False
    duplex: bool = False
    mode: str | None = None
    resolution: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # every option set, in order

    @property
    def dpi(self) -> int:
        return int(round(self.resolution)) if self.resolution else 0


def coerce(opt: OptionInfo, value: Any, *, device: str = "", profile: str = "") -> Any:
    """``value`` checked against ``opt`` and converted to the option's type, or INVALID_OPTION."""

    def bad(detail: str = "") -> ScanFailure:
        return ScanFailure(
            Problem.INVALID_OPTION,
            detail,
            device=device,
            option=opt.name,
            value=value,
            valid=opt.valid_values(),
            profile=profile,
        )

    if opt.type == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
            return value.strip().lower() in ("true", "yes", "on", "1")
        raise bad("not a boolean")
    if opt.type in ("int", "fixed"):
        try:
            num = float(value) if not isinstance(value, bool) else float("nan")
        except (TypeError, ValueError):
            raise bad("not a number") from None
        if num != num:
            raise bad("not a number")
        if opt.type == "int":
            if not num.is_integer():
                raise bad("not an integer")
            num = int(num)
        c = opt.constraint
        if isinstance(c, Range):
            eps = 1e-6 * max(1.0, abs(c.max))
            if num < c.min - eps or num > c.max + eps:
                raise bad("out of range")
            if c.quant and abs(((num - c.min) / c.quant) - round((num - c.min) / c.quant)) > 1e-4:
                raise bad("not on the range's step")
        elif isinstance(c, list) and c:
            match = [v for v in c if abs(float(v) - num) < 1e-4]
            if not match:
                raise bad("not in the list")
            num = match[0]
        return num
    if opt.type == "string":
        text = str(value)
        c = opt.constraint
        if isinstance(c, list) and c:
            exact = [v for v in c if v == text]
            if exact:
                return exact[0]
            folded = [v for v in c if str(v).lower() == text.lower()]
            if folded:
                return folded[0]
            raise bad("not in the list")
        if len(text.encode("utf-8")) >= max(opt.size, 1) and opt.size > 1:
            raise bad(f"longer than {opt.size - 1} bytes")
        return text
    raise bad(f"option type {opt.type} cannot be set")


def set_checked(dev: OptionAccess, name: str, value: Any, *, profile: str = "") -> Any:
    """Set one raw device option by name, checked first; unknown or inactive options list the valid ones."""
    opt = dev.describe(name)
    if opt is None:
        raise ScanFailure(
            Problem.INVALID_OPTION,
            "unknown option",
            device=dev.name,
            option=name,
            value=value,
            valid=sorted(dev.names()),
            profile=profile,
        )
    if not opt.active:
        raise ScanFailure(
            Problem.INVALID_OPTION,
            "option inactive",
            device=dev.name,
            option=name,
            value=value,
            valid=["(tùy chọn này đang tắt với các thiết lập hiện tại)"],
            profile=profile,
        )
    if not opt.settable:
        raise ScanFailure(
            Problem.INVALID_OPTION,
            "option read-only",
            device=dev.name,
            option=name,
            value=value,
            valid=["(tùy chọn chỉ đọc)"],
            profile=profile,
        )
    checked = coerce(opt, value, device=dev.name, profile=profile)
    return dev.set(name, checked)

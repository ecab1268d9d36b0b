"""Scan profiles: what a clerk asks for (``intake``: 300 dpi grey from the feeder, both sides when
the device can), turned into the options of whatever scanner is at the counter.

Device drivers name the same thing differently (``Gray``/``Grayscale``/``True Gray``, ``ADF``/
``Automatic Document Feeder``/``ADF Duplex``); :func:`apply_profile` matches by meaning, sets the
options in the order drivers expect (source first: it changes the geometry limits; then mode,
depth, resolution, scan area; the profile's raw options last), and stops with INVALID_OPTION and
the valid values when the device cannot do what the profile says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.options import Applied, OptionAccess, OptionInfo, Range, coerce, set_checked


class Source(StrEnum):
    FEEDER = "feeder"
    FLATBED = "flatbed"
    AUTO = "auto"  # the feeder when the device has one, else the flatbed


class Duplex(StrEnum):
    AUTO = "auto"  # both sides when the device can, else one
    ON = "on"  # both sides, or stop with INVALID_OPTION
    OFF = "off"


class Mode(StrEnum):
    GRAY = "gray"
    COLOR = "color"
    LINEART = "lineart"


PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "B5": (176.0, 250.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
}
PAGE_SIZES = (*PAGE_SIZES_MM, "max")


@dataclass(frozen=True)
class ScanProfile:
    name: str
    source: Source = Source.FEEDER
    duplex: Duplex = Duplex.AUTO
    mode: Mode = Mode.GRAY
    resolution: int = 300
    page_size: str = "A4"
    back_rotation: int = 0  # degrees clockwise that back sides are turned to read upright
    drop_blank_backs: bool = True
    split_on_separator: bool = True
    options: dict[str, Any] = field(default_factory=dict)  # raw device options, set last, in order

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source.value,
            "duplex": self.duplex.value,
            "mode": self.mode.value,
            "resolution": self.resolution,
            "page_size": self.page_size,
            "back_rotation": self.back_rotation,
            "drop_blank_backs": self.drop_blank_backs,
            "split_on_separator": self.split_on_separator,
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScanProfile:
        return cls(
            name=d["name"],
            source=Source(d.get("source", "feeder")),
            duplex=Duplex(d.get("duplex", "auto")),
            mode=Mode(d.get("mode", "gray")),
            resolution=int(d.get("resolution", 300)),
            page_size=d.get("page_size", "A4"),
            back_rotation=int(d.get("back_rotation", 0)),
            drop_blank_backs=bool(d.get("drop_blank_backs", True)),
            split_on_separator=bool(d.get("split_on_separator", True)),
            options=dict(d.get("options") or {}),
        )


# How drivers spell things, lower-cased. Order matters: the first pattern that matches wins.
_FEEDER = re.compile(r"adf|feeder|document|automatic|\bfront\b|simplex")
_DUPLEX = re.compile(r"duplex|both sides|two.sided")
_FLATBED = re.compile(r"flatbed|platen|glass|normal")
_MODES = {
    Mode.GRAY: re.compile(r"gr[ae]y"),
    Mode.COLOR: re.compile(r"colou?r|rgb"),
    Mode.LINEART: re.compile(r"lineart|line art|binary|black ?& ?white|bw|monochrome|halftone"),
}
SOURCE_OPTIONS = ("source", "doc-source", "scan-source")
RESOLUTION_OPTIONS = ("resolution", "scan-resolution", "x-resolution")


def _first(dev: OptionAccess, names: tuple[str, ...]) -> OptionInfo | None:
    for n in names:
        opt = dev.describe(n)
        if opt is not None and opt.active:
            return opt
    return None


def _choices(opt: OptionInfo | None) -> list[str]:
    if opt is None or not isinstance(opt.constraint, list):
        return []
    return [str(v) for v in opt.constraint]


def _bad(
    dev: OptionAccess, profile: ScanProfile, option: str, value: Any, valid: list[Any], detail: str = ""
) -> ScanFailure:
    return ScanFailure(
        Problem.INVALID_OPTION,
        detail,
        device=dev.name,
        option=option,
        value=value,
        valid=valid or ["(máy quét không có lựa chọn này)"],
        profile=profile.name,
    )


def choose_source(profile: ScanProfile, choices: list[str]) -> tuple[str | None, bool, bool]:
    """(source value, feeder?, duplex?) for the profile among a device's source values.

    Raises ValueError (turned into INVALID_OPTION by the caller) when the device cannot."""
    low = [c.lower() for c in choices]
    flatbed = [c for c, l in zip(choices, low) if _FLATBED.search(l)]
    duplex = [c for c, l in zip(choices, low) if _DUPLEX.search(l) and not _FLATBED.search(l)]
    simplex = [c for c, l in zip(choices, low) if _FEEDER.search(l) and c not in duplex and c not in flatbed]
    want = profile.source
    if want is Source.FLATBED or (want is Source.AUTO and not (simplex or duplex)):
        if not choices:
            return None, False, False  # a flatbed-only device has no source option
        if flatbed:
            return flatbed[0], False, False
        if want is Source.AUTO and len(choices) == 1:
            return choices[0], False, False
        raise ValueError("flatbed")
    # the feeder
    if profile.duplex is Duplex.ON:
        if duplex:
            return duplex[0], True, True
        raise ValueError("duplex")
    if profile.duplex is Duplex.AUTO and duplex:
        return duplex[0], True, True
    if simplex:
        return simplex[0], True, False
    if duplex and profile.duplex is Duplex.OFF:
        raise ValueError("simplex")
    raise ValueError("feeder")


def apply_profile(profile: ScanProfile, dev: OptionAccess) -> Applied:
    applied = Applied()

    def put(name: str, value: Any) -> Any:
        got = dev.set(name, value)
        applied.settings[name] = got
        return got

    # 1. Source (feeder or flatbed; duplex when wanted and possible).
    src_opt = _first(dev, SOURCE_OPTIONS)
    choices = _choices(src_opt)
    try:
        value, feeder, duplex = choose_source(profile, choices)
    except ValueError as exc:
        shown = {"flatbed": Source.FLATBED.value, "duplex": "feeder (duplex)", "simplex": "feeder (một mặt)"}
        raise _bad(
            dev,
            profile,
            src_opt.name if src_opt else "source",
            shown.get(str(exc), profile.source.value),
            choices,
            f"no {exc} source",
        ) from None
    if src_opt is not None and value is not None:
        if src_opt.settable and len(choices) > 1:
            applied.source = put(src_opt.name, value)
        else:
            applied.source = value
    applied.feeder, applied.duplex = feeder, duplex
    # Some drivers keep the feeder's sides in a separate option (epson2: adf-mode Simplex/Duplex).
    adf_mode = dev.describe("adf-mode")
    if (
        feeder
        and adf_mode is not None
        and adf_mode.active
        and adf_mode.settable
        and isinstance(adf_mode.constraint, list)
    ):
        want = [c for c in adf_mode.constraint if (_DUPLEX.search(str(c).lower()) is not None) == duplex]
        if profile.duplex is Duplex.AUTO and not duplex:
            want = [c for c in adf_mode.constraint if _DUPLEX.search(str(c).lower())] or want
        if want:
            put("adf-mode", want[0])
            applied.duplex = bool(_DUPLEX.search(str(want[0]).lower()))
        elif profile.duplex is Duplex.ON:
            raise _bad(dev, profile, "adf-mode", "Duplex", _choices(adf_mode))
    duplex_opt = dev.describe("duplex")
    if feeder and duplex_opt is not None and duplex_opt.type == "bool" and duplex_opt.active and duplex_opt.settable:
        on = profile.duplex is not Duplex.OFF
        put("duplex", on)
        applied.duplex = applied.duplex or on

    # 2. Mode.
    mode_opt = _first(dev, ("mode",))
    if mode_opt is not None:
        modes = _choices(mode_opt)
        pattern = _MODES[profile.mode]
        match = [m for m in modes if pattern.search(m.lower())]
        if profile.mode is Mode.GRAY:
            # "Gray" over "Gray16"/"Gray 16bit": 8 bits is what OCR and storage want.
            match.sort(key=lambda m: ("16" in m, len(m)))
        if not match:
            raise _bad(dev, profile, "mode", profile.mode.value, modes)
        applied.mode = put("mode", match[0]) if mode_opt.settable and len(modes) > 1 else match[0]

    # 3. Depth: 8 bits per sample (1 for line art) when the device lets us choose.
    depth = dev.describe("depth")
    if depth is not None and depth.active and depth.settable and isinstance(depth.constraint, list):
        want_depth = 1 if profile.mode is Mode.LINEART else 8
        if want_depth in [int(v) for v in depth.constraint]:
            put("depth", want_depth)

    # 4. Resolution.
    res_opt = _first(dev, RESOLUTION_OPTIONS)
    if res_opt is not None:
        try:
            value = coerce(res_opt, profile.resolution, device=dev.name, profile=profile.name)
        except ScanFailure as f:
            f.option = "resolution"
            raise
        applied.resolution = float(put(res_opt.name, value))
        y_res = dev.describe("y-resolution")
        if res_opt.name == "x-resolution" and y_res is not None and y_res.active and y_res.settable:
            put("y-resolution", coerce(y_res, profile.resolution, device=dev.name, profile=profile.name))
    else:
        applied.resolution = float(profile.resolution)

    # 5. Scan area: the page size from the top-left corner, clipped to what the device reaches.
    _apply_geometry(profile, dev, put)

    # 6. The profile's raw options, in the order written (some activate others).
    for name, val in profile.options.items():
        applied.settings[name] = set_checked(dev, name, val, profile=profile.name)
    res_after = _first(dev, RESOLUTION_OPTIONS)
    if res_after is not None and res_after.name in profile.options:
        applied.resolution = float(dev.get(res_after.name))
    return applied


def _apply_geometry(profile: ScanProfile, dev: OptionAccess, put: Any) -> None:
    size = PAGE_SIZES_MM.get(profile.page_size)
    for name, want in (
        ("tl-x", 0.0),
        ("tl-y", 0.0),
        ("br-x", size[0] if size else None),
        ("br-y", size[1] if size else None),
        ("page-width", size[0] if size else None),
        ("page-height", size[1] if size else None),
    ):
        opt = dev.describe(name)
        if opt is None or not opt.active or not opt.settable or opt.type not in ("int", "fixed"):
            continue
        c = opt.constraint
        if isinstance(c, Range):
            target = c.max if want is None else min(max(want, c.min), c.max)
            if name.startswith("tl-"):
                target = c.min if want is None else max(want, c.min)
        elif isinstance(c, list) and c:
            nums = [float(v) for v in c]
            target = max(nums) if want is None else min(nums, key=lambda v: abs(v - want))
        else:
            if want is None:
                continue
            target = want
        if opt.unit == "px":  # rare: geometry in pixels; leave the driver's default
            continue
        put(name, int(round(target)) if opt.type == "int" else float(target))

"""The typed values the OCR stages pass along."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np


class OcrFailure(StrEnum):
    """Why a page failed. ``BAD_INPUT`` is permanent (quarantine); the others are retried."""

    BAD_INPUT = "bad_input"
    ENGINE_ERROR = "engine_error"
    TIMEOUT = "timeout"
    WORKER_CRASHED = "worker_crashed"
    OUTPUT_ERROR = "output_error"


class PageError(Exception):
    def __init__(self, kind: OcrFailure, detail: str) -> None:
        super().__init__(f"{kind.value}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class PageSource:
    """Where a page comes from: an image file (frame ``index`` of a TIFF) or a PDF page."""

    path: Path
    media_type: str
    index: int = 0  # 0-based


@dataclass
class LoadedPage:
    image: np.ndarray  # uint8, H×W (grey) or H×W×3 (RGB)
    dpi: int
    dpi_guessed: bool = False
    # Where ``dpi`` came from: "given" (the scanner or caller knows it: believed), "tag" (the
    # file's DPI tag: checked against the text size), "none" (no usable tag), "pdf" (rendered).
    dpi_source: str = "given"

    @property
    def gray(self) -> np.ndarray:
        if self.image.ndim == 2:
            return self.image
        import cv2

        return cv2.cvtColor(self.image, cv2.COLOR_RGB2GRAY)


@dataclass(frozen=True)
class BlankResult:
    blank: bool
    ink_ratio: float
    text_components: int
    large_marks: int = 0  # signature-, stamp- or drawing-sized marks (``ocr.blank``)
    # lines of character-sized blobs none of which is dark like ink: faint print, or the other
    # side's print showing through — only a reading can tell (``ocr.pipeline``)
    faint_lines: bool = False


@dataclass(frozen=True)
class Orientation:
    rotation: int  # 0/90/180/270: content turned clockwise by this much
    confidence: float | None
    applied: bool  # False when the confidence was too low to act on
    method: str = "osd"  # "geometry" (own estimate) or "osd" (Tesseract)
    skew_hint: float | None = None  # coarse tilt seen while judging, degrees CCW


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0..100
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    def as_row(self) -> list[object]:
        return [
            self.text,
            round(self.conf, 1),
            self.left,
            self.top,
            self.width,
            self.height,
            self.block,
            self.par,
            self.line,
        ]


@dataclass(frozen=True)
class Osd:
    """An engine's orientation guess for a page."""

    rotation: int  # clockwise turn of the content, as in the bench's truth
    confidence: float


@dataclass
class Recognition:
    words: list[Word]
    text: str
    mean_conf: float | None
    engine: str


@dataclass
class PageResult:
    text: str
    words: list[Word]
    mean_conf: float | None
    rotation: int
    rotation_conf: float | None
    skew_deg: float
    blank: bool
    width: int
    height: int
    dpi: int
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    # What was assumed about the page's resolution (``ocr.resolution``) and how it was read.
    dpi_source: str = "given"  # "given", "tag", "measured" (tag missing or disbelieved), "size", "pdf"
    dpi_tag: int | None = None  # the file's own tag, when it had one
    x_height_px: float | None = None  # measured body-text x-height, pixels at ``dpi``
    ocr_dpi: float | None = None  # resolution the page was recognised at
    passes: list[str] = field(default_factory=list)  # recognition passes tried, the kept one first
    quality: dict[str, float] = field(default_factory=dict)  # measures of the kept reading
    # Non-text marks kept out of the text: {"kind": "red"|"blue"|..., "left", "top", "width",
    # "height"} in page pixels (upright, deskewed).
    marks: list[dict[str, object]] = field(default_factory=list)
    # Words read but kept out of ``text`` and ``words`` (``ocr.doubt``): {"text", "conf", box,
    # "reason": "junk"|"handwriting"}; boxes in page pixels.
    set_aside: list[dict[str, object]] = field(default_factory=list)
    # sha256 of each archive file written for the page (its PDF, thumbnail) by file name, hashed
    # from the bytes as they were written.
    archive_sha256: dict[str, str] = field(default_factory=dict)

    @property
    def handwritten(self) -> list[dict[str, object]]:
        """Regions read as handwriting (boxes in page pixels): shown, never indexed as text."""
        return [a for a in self.set_aside if a.get("reason") == "handwriting"]

    def prediction(self) -> dict[str, object]:
        """The benchmark's prediction format (../shared/bench/README.md)."""
        return {
            "text": self.text,
            "rotation": self.rotation,
            "skew_deg": round(self.skew_deg, 3),
            "blank": self.blank,
            "mean_conf": None if self.mean_conf is None else round(self.mean_conf, 1),
            "dpi": self.dpi,
            "dpi_source": self.dpi_source,
            "dpi_tag": self.dpi_tag,
            "x_height_px": None if self.x_height_px is None else round(self.x_height_px, 1),
            "ocr_dpi": None if self.ocr_dpi is None else round(self.ocr_dpi),
            "passes": self.passes,
            "quality": self.quality,
            "marks": self.marks,
            "set_aside": self.set_aside,
        }

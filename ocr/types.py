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

    def prediction(self) -> dict[str, object]:
        """The benchmark's prediction format (../shared/bench/README.md)."""
        return {
            "text": self.text,
            "rotation": self.rotation,
            "skew_deg": round(self.skew_deg, 3),
            "blank": self.blank,
            "mean_conf": None if self.mean_conf is None else round(self.mean_conf, 1),
        }

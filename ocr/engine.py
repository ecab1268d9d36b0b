"""The OCR engine interface, and the one place that chooses an engine.

Every stage that needs recognition or an orientation guess takes an :class:`OcrEngine`; only
:func:`make_engine` names a concrete engine. Two engines stand behind it, both Tesseract
(``ocr.tesseract``): ``tesserocr`` (in process, one API object reused; faster) and
``pytesseract`` (runs the ``tesseract`` program). Tests that only need words hand the stages an
engine of their own (``tests/fakeengine.py``).

An engine never changes the image it is given and never writes files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ocr.types import Osd, Recognition

ENGINES = ("tesserocr", "pytesseract")


class OcrEngine(Protocol):
    @property
    def name(self) -> str:
        """What the results record as their engine, e.g. ``tesserocr:vie``."""
        ...

    def recognise(self, gray: np.ndarray, dpi: int, psm: int = 3) -> Recognition:
        """Words with boxes (image pixels) and confidences; raises ``PageError(ENGINE_ERROR)``."""
        ...

    def orientation(self, gray: np.ndarray, dpi: int) -> Osd | None:
        """Which way the text is turned, or None when there is too little text to judge."""
        ...

    def close(self) -> None:
        """Release what the engine holds (it may be used again afterwards)."""
        ...


def make_engine(kind: str = "tesserocr", languages: str = "vie", tessdata: Path | None = None) -> OcrEngine:
    """The engine named ``kind`` (one of :data:`ENGINES`) for ``languages``."""
    from ocr.tesseract import TesseractCli, Tesserocr

    if kind == "tesserocr":
        return Tesserocr(languages, tessdata)
    if kind == "pytesseract":
        return TesseractCli(languages, tessdata)
    raise ValueError(f"unknown OCR engine {kind!r}: one of {', '.join(ENGINES)}")

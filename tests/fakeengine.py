"""An OCR engine for tests that need words, not reading (``ocr.engine.OcrEngine``): it answers
every recognition with the words it was given — hand-built, or recorded from a real run — scaled
to the image it is handed, and every orientation question with the answer it was given. It
records what it was asked, so a test can prove a stage did (or did not) call the engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ocr.tesseract import mean_conf, words_to_text
from ocr.types import Osd, Recognition, Word


@dataclass
class WordsEngine:
    words: list[Word] = field(default_factory=list)
    width: int | None = None  # the width of the page the words' boxes are on; None: the image's own
    osd: Osd | None = None  # the answer to every orientation question (None: too little text)
    calls: list[tuple[str, tuple[int, ...], int]] = field(default_factory=list)  # (what, image shape, dpi)
    closed: bool = False

    @property
    def name(self) -> str:
        return "fake:words"

    def recognise(self, gray: np.ndarray, dpi: int, psm: int = 3) -> Recognition:
        self.calls.append(("recognise", tuple(gray.shape), dpi))
        k = gray.shape[1] / self.width if self.width else 1.0
        words = [
            replace(
                w,
                left=round(w.left * k),
                top=round(w.top * k),
                width=round(w.width * k),
                height=round(w.height * k),
            )
            for w in self.words
        ]
        return Recognition(words, words_to_text(words), mean_conf(words), self.name)

    def orientation(self, gray: np.ndarray, dpi: int) -> Osd | None:
        self.calls.append(("orientation", tuple(gray.shape), dpi))
        return self.osd

    def close(self) -> None:
        self.closed = True

    def asked(self, what: str) -> int:
        return sum(1 for c in self.calls if c[0] == what)

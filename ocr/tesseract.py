"""The one wrapper around Tesseract: recognition (words, boxes, confidences) and OSD.

Two engines behind the :class:`ocr.engine.OcrEngine` interface (``ocr.engine.make_engine``
chooses): :class:`Tesserocr` (in-process, one API object reused per worker process; faster) and
:class:`TesseractCli` (runs the ``tesseract`` program through pytesseract). Both return
Tesseract's TSV, parsed the same way. Nothing else in sohoa calls Tesseract.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ocr.types import OcrFailure, Osd, PageError, Recognition, Word

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

DEBIAN_TESSDATA = (Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tesseract-ocr/4.00/tessdata"))


def default_tessdata() -> Path:
    for p in DEBIAN_TESSDATA:
        if (p / "osd.traineddata").exists() or (p / "vie.traineddata").exists():
            return p
    return DEBIAN_TESSDATA[0]


# Characters Tesseract sometimes puts for a plainer one that this paperwork prints.
LOOKALIKES = str.maketrans({"\u2044": "/", "\u2215": "/"})  # fraction slash, division slash


def parse_tsv(tsv: str) -> list[Word]:
    words: list[Word] = []
    for line in tsv.splitlines():
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cols[11]).strip().translate(LOOKALIKES)
        if not text:
            continue
        try:
            conf = float(cols[10])
            left, top, width, height = (int(c) for c in cols[6:10])
            block, par, ln = int(cols[2]), int(cols[3]), int(cols[4])
        except ValueError:
            continue
        words.append(Word(text, max(conf, 0.0), left, top, width, height, block, par, ln))
    return words


def words_to_text(words: list[Word]) -> str:
    lines: list[str] = []
    current: tuple[int, int, int] | None = None
    for w in words:
        key = (w.block, w.par, w.line)
        if key != current:
            lines.append(w.text)
            current = key
        else:
            lines[-1] += " " + w.text
    return "\n".join(lines)


def mean_conf(words: list[Word]) -> float | None:
    if not words:
        return None
    total = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / max(total, 1)


def _recognition(read_tsv: Callable[[Image.Image], str], gray: np.ndarray, name: str) -> Recognition:
    """``read_tsv`` on the image, its words parsed; any engine failure is a ``PageError``."""
    try:
        tsv = read_tsv(Image.fromarray(gray))
    except PageError:
        raise
    except Exception as exc:  # the engines raise RuntimeError, TesseractError, OSError...
        raise PageError(OcrFailure.ENGINE_ERROR, f"{type(exc).__name__}: {exc}") from None
    words = parse_tsv(tsv)
    return Recognition(words=words, text=words_to_text(words), mean_conf=mean_conf(words), engine=name)


class Tesserocr:
    """Tesseract in process (tesserocr): one recognition API and one OSD API, made on first use."""

    def __init__(self, languages: str = "vie", tessdata: Path | None = None) -> None:
        self.languages = languages
        self.tessdata = tessdata or default_tessdata()
        # tesserocr ships no type information: its API objects are Any to the checker.
        self._api: Any = None
        self._osd_api: Any = None

    @property
    def name(self) -> str:
        return f"tesserocr:{self.languages}"

    def recognise(self, gray: np.ndarray, dpi: int, psm: int = 3) -> Recognition:
        return _recognition(lambda image: self._tsv(image, dpi, psm), gray, self.name)

    def _tsv(self, image: Image.Image, dpi: int, psm: int) -> str:
        import tesserocr

        if self._api is None:
            self._api = tesserocr.PyTessBaseAPI(path=str(self.tessdata) + "/", lang=self.languages)
        api = self._api
        api.SetPageSegMode(psm)
        api.SetImage(image)
        api.SetSourceResolution(int(dpi))
        if not api.Recognize():
            raise PageError(OcrFailure.ENGINE_ERROR, "tesseract Recognize() failed")
        tsv = api.GetTSVText(0)
        api.Clear()
        return tsv

    def orientation(self, gray: np.ndarray, dpi: int) -> Osd | None:
        """Tesseract's orientation guess, or None when it finds too little text to judge."""
        try:
            import tesserocr

            if self._osd_api is None:
                self._osd_api = tesserocr.PyTessBaseAPI(
                    path=str(self.tessdata) + "/", lang="osd", psm=tesserocr.PSM.OSD_ONLY
                )
            self._osd_api.SetImage(Image.fromarray(gray))
            self._osd_api.SetSourceResolution(int(dpi))
            res = self._osd_api.DetectOrientationScript()
            self._osd_api.Clear()
        except Exception:
            return None  # too few characters: Tesseract refuses to guess
        if not res:
            return None
        return Osd(int(res["orient_deg"]) % 360, float(res["orient_conf"]))

    def close(self) -> None:
        for api in (self._api, self._osd_api):
            if api is not None:
                api.End()
        self._api = self._osd_api = None


class TesseractCli:
    """The ``tesseract`` program, one run per call (pytesseract)."""

    def __init__(self, languages: str = "vie", tessdata: Path | None = None) -> None:
        self.languages = languages
        self.tessdata = tessdata or default_tessdata()

    @property
    def name(self) -> str:
        return f"pytesseract:{self.languages}"

    def recognise(self, gray: np.ndarray, dpi: int, psm: int = 3) -> Recognition:
        import pytesseract

        def tsv(image: Image.Image) -> str:
            return str(
                pytesseract.image_to_data(
                    image,
                    lang=self.languages,
                    config=f"--psm {psm} --dpi {int(dpi)} --tessdata-dir {self.tessdata}",
                )
            )

        return _recognition(tsv, gray, self.name)

    def orientation(self, gray: np.ndarray, dpi: int) -> Osd | None:
        """Tesseract's orientation guess, or None when it finds too little text to judge."""
        import pytesseract

        try:
            out = pytesseract.image_to_osd(
                Image.fromarray(gray),
                config=f"--psm 0 --dpi {int(dpi)} --tessdata-dir {self.tessdata}",
                output_type=pytesseract.Output.DICT,
            )
            return Osd(int(out["orientation"]) % 360, float(out["orientation_conf"]))
        except Exception:
            return None  # too few characters: Tesseract refuses to guess

    def close(self) -> None:
        pass  # nothing held between runs

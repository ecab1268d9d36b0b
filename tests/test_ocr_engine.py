"""The two Tesseract engines behind ``ocr.engine.OcrEngine``, chosen by ``make_engine`` alone:
the same words and boxes from the in-process and the command-line engine on a page drawn here
(real Tesseract ``vie``), the same orientation answer, and an unknown engine refused."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engine import ENGINES, make_engine

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _line(text: str, dpi: int = 200) -> np.ndarray:
    im = Image.new("L", (1400, 140), 255)
    ImageDraw.Draw(im).text((40, 40), text, font=ImageFont.truetype(SANS, round(12 / 72 * dpi)), fill=0)
    return np.asarray(im).copy()


def test_both_engines_read_the_same_words() -> None:
    gray = _line("Họ và tên: Nguyễn Thị Hương")
    got = {}
    for kind in ENGINES:
        engine = make_engine(kind, "vie")
        try:
            rec = engine.recognise(gray, 200, psm=7)
            assert rec.engine == engine.name == f"{kind}:vie"
            got[kind] = [(w.text, w.left, w.top, w.width, w.height) for w in rec.words]
            assert engine.orientation(_line("Trang 2"), 200) is None  # too little text to judge
        finally:
            engine.close()
    assert [w[0] for w in got["tesserocr"]] == ["Họ", "và", "tên:", "Nguyễn", "Thị", "Hương"]
    assert got["tesserocr"] == got["pytesseract"]


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="tesserocr"):
        make_engine("easyocr")

"""What a print-scan copy does to a drawn letter (``bench.realscan_pages``), undone before
recognition: blurred print sharpened (``ocr.sharpen``), rippled lines straightened
(``ocr.dewarp``). Real Tesseract vie, no mocks of the OCR."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

import ocr.pipeline
from ocr.dewarp import find_warp
from ocr.engine import OcrEngine, make_engine
from ocr.imageops import downscale
from ocr.pipeline import OcrOptions, process_loaded, upright
from ocr.sharpen import BLURRED_RIM, rim_ratio
from ocr.types import LoadedPage
from tests.test_ocr_streaks import SEED, _kept, _page_200

DPI = 200


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    e = make_engine()
    yield e
    e.close()


def _soft_print(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Print gone soft and grey on mottled paper, as a print-scan copy has it."""
    g = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), sigma)
    g = 255 - (255 - g) * 0.75
    g += cv2.GaussianBlur(np.random.default_rng(5).normal(0, 25, g.shape).astype(np.float32), (0, 0), 3)
    return np.clip(g, 0, 255).astype(np.uint8)


def _rim(gray: np.ndarray, dpi: int) -> float | None:
    small, f = downscale(gray, dpi, 150)
    return rim_ratio(small, round(dpi * f))


def test_blurred_print_is_sharpened_and_read_better(engine: OcrEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    gray, truth = _page_200(SEED)
    rim = _rim(gray, 200)
    assert rim is not None and rim < BLURRED_RIM  # print in focus is left alone
    soft = _soft_print(gray, 3.0)  # about 0.4 mm of blur
    rim = _rim(soft, 200)
    assert rim is not None and rim > BLURRED_RIM
    res = process_loaded(LoadedPage(soft, 200), OcrOptions(thumbnail=False), engine)
    assert res.passes[0].endswith("+unsharp")  # read sharpened too, and that reading kept
    monkeypatch.setattr(ocr.pipeline, "is_blurred", lambda *_: False)
    plain = process_loaded(LoadedPage(soft, 200), OcrOptions(thumbnail=False), engine)
    assert _kept(truth, res.text) >= _kept(truth, plain.text) + 10, (res.text, plain.text)


def _rippled(gray: np.ndarray, amplitude_mm: float, period_mm: float) -> np.ndarray:
    """The page with its rows moved up and down along the page, as a rippled sheet copies."""
    h, w = gray.shape
    mm = DPI / 25.4
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    wave = amplitude_mm * mm * np.sin(2 * np.pi * xs / (period_mm * mm) + ys / (60 * mm))
    return cv2.remap(gray, xs, ys + wave.astype(np.float32), cv2.INTER_LINEAR, borderValue=255)


def test_rippled_lines_straightened_and_read(engine: OcrEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    gray, truth = _page_200(SEED)
    assert find_warp(gray, DPI) is None  # straight lines are left alone
    wavy = _rippled(gray, 2.5, 70)
    assert find_warp(wavy, DPI) is not None
    res = process_loaded(LoadedPage(wavy, DPI), OcrOptions(thumbnail=False), engine)
    assert "dewarp" in res.passes
    # The words' boxes are on the page as it is (rippled, upright): each box holds ink.
    ink = upright(wavy, res.rotation, res.skew_deg) < 128
    inked = [ink[w.top : w.top + w.height, w.left : w.left + w.width].mean() for w in res.words if len(w.text) >= 3]
    assert np.mean([v > 0.05 for v in inked]) > 0.95
    monkeypatch.setattr(ocr.pipeline, "find_warp", lambda *_: None)
    plain = process_loaded(LoadedPage(wavy, DPI), OcrOptions(thumbnail=False), engine)
    assert _kept(truth, res.text) >= _kept(truth, plain.text) + 40, (res.text, plain.text)

"""Roller streaks (``ocr.streaks``) on a drawn letter (``bench.realscan_pages``), real Tesseract
vie, no mocks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from bench.realscan_pages import draw_page
from ocr.engine import OcrEngine, make_engine
from ocr.pipeline import OcrOptions, process_loaded
from ocr.streaks import find_streaks, remove_streaks
from ocr.types import LoadedPage

SEED = 77  # a seed the bench does not draw (its pages are 1..--pages)


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    e = make_engine()
    yield e
    e.close()


def _kept(truth: str, text: str) -> int:
    return sum((Counter(truth.split()) & Counter(text.split())).values())


def _page_200(seed: int) -> tuple[np.ndarray, str]:
    page = draw_page("tune", seed)
    im = page.image.resize((page.image.width * 2 // 3, page.image.height * 2 // 3), Image.LANCZOS)  # 200 dpi
    return np.asarray(im.convert("L")).copy(), page.truth


def _dotted_streak(gray: np.ndarray, x: int, width: int, seed: int) -> np.ndarray:
    """A copier's grey roller streak as a bilevel copy shows it: half its pixels black, top to
    bottom of the sheet."""
    out = gray.copy()
    rng = np.random.default_rng(seed)
    band = rng.random((gray.shape[0], width)) < 0.5
    out[:, x : x + width][band] = 0
    return out


def test_dotted_roller_streak_found_and_the_words_it_crosses_read(engine: OcrEngine) -> None:
    gray, truth = _page_200(SEED)
    clean = process_loaded(LoadedPage(gray, 200), OcrOptions(thumbnail=False), engine)
    assert find_streaks(gray < 128, 200) == []  # print alone is no streak
    ruled = gray.copy()
    h = ruled.shape[0]
    ruled[int(0.05 * h) : int(0.95 * h), 700:703] = 0  # a ledger's column rule: stops in the margins
    assert find_streaks(ruled < 128, 200) == []
    # Three streaks through the body text, where they join letters of many words.
    streaked = gray
    for i, x in enumerate((260, 700, 1150)):
        streaked = _dotted_streak(streaked, x, 3, i)
    found = find_streaks(streaked < 128, 200)
    assert [a for a, _ in found] == pytest.approx([260, 700, 1150], abs=2)
    out, _ = remove_streaks(streaked, 200)
    assert (out[:, 700:703] < 128).mean() < 0.1  # the streak's speckle is gone, letters stay
    res = process_loaded(LoadedPage(streaked, 200), OcrOptions(thumbnail=False), engine)
    assert _kept(truth, res.text) >= _kept(truth, clean.text) - 6, res.text

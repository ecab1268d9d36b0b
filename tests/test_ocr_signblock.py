"""The foot of a letter (``ocr.signblock``): recipients, then the signer, as the page reads.

A drawn công văn (``bench.realscan_pages``: "Nơi nhận:" and its list bottom left, "TM. ỦY BAN
NHÂN DÂN / CHỦ TỊCH / name" bottom right) through the whole OCR stage with real Tesseract vie.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from bench.realscan_degrade import degrade
from bench.realscan_pages import draw_page
from ocr.engine import OcrEngine, make_engine
from ocr.pipeline import OcrOptions, process_loaded
from ocr.signblock import is_anchor, recipients_first
from ocr.types import LoadedPage, Word


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    e = make_engine()
    yield e
    e.close()


def _foot(truth: str) -> list[str]:
    lines = truth.splitlines()
    return lines[next(i for i, ln in enumerate(lines) if ln.startswith("Nơi nhận")) :]


@pytest.mark.parametrize("kind", ["clean300", "photocopy"])
def test_letter_foot_read_block_by_block(kind: str, engine: OcrEngine) -> None:
    import io

    from PIL import Image

    page = draw_page("tune", 77)  # a seed the bench does not draw (1..--pages)
    damaged = degrade(page, kind, 77)
    image = np.asarray(Image.open(io.BytesIO(damaged.data)).convert("L"))
    res = process_loaded(LoadedPage(image, damaged.dpi), OcrOptions(thumbnail=False), engine)
    got = res.text.splitlines()
    want = _foot(page.truth)
    anchor = next(i for i, ln in enumerate(got) if "nhận:" in ln)
    # The recipients' heading stands alone (not fused with the signer's title) and the signer's
    # block follows the whole list.
    assert "BAN" not in got[anchor], got[anchor:]
    signer = next(i for i, ln in enumerate(got) if "TỊCH" in ln)
    recipients = len(want) - 4  # the heading, then the list; the signer's three lines last
    assert signer - anchor - 1 >= recipients - 1, (want, got[anchor:])
    assert "NHÂN" in got[signer - 1], (want, got[anchor:])


def _w(text: str, left: int, top: int, line: int) -> Word:
    return Word(text, 95.0, left, top, 20 * len(text), 30, 1, 1, line)


def test_only_a_foot_anchored_on_noi_nhan_is_reordered() -> None:
    page_w = 1654
    row1 = [_w("Người", 150, 100, 1), _w("đi", 280, 100, 1), _w("khai", 330, 100, 1), _w("Cán", 1000, 100, 1)]
    row2 = [_w("(Ký,", 150, 150, 2), _w("ghi", 260, 150, 2), _w("(Ký,", 1000, 150, 2)]
    assert recipients_first([row1, row2], page_w, 200 / 25.4) == [row1, row2]
    foot = [_w("Nơi", 150, 100, 1), _w("nhận:", 230, 100, 1), _w("GIÁM", 1000, 100, 1), _w("ĐỐC", 1100, 100, 1)]
    assert is_anchor(foot, page_w, 4 * 200 / 25.4)
    lines = recipients_first([foot, row2], page_w, 200 / 25.4)
    assert [[w.text for w in ln] for ln in lines] == [["Nơi", "nhận:"], ["(Ký,", "ghi"], ["GIÁM", "ĐỐC"], ["(Ký,"]]

"""A form filled in by hand is told from a typed one by its values' ink (``ocr.handprint``: the
letters' bottoms stray from a straight baseline), and then every field of it is marked "viết tay —
cần nhập" (``indexer.fields.handwriting.mark_hand_filled``); a typed form, skewed or photocopied,
is not. Real Tesseract on generated pages of the tune families (the hold-out ones stay for the
bench)."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.formgen import degrade, families
from bench.formgen.generate import build
from indexer.fields import DocumentReading, FieldReading
from indexer.fields.handwriting import HANDWRITTEN, hand_filled, mark_hand_filled
from ocr.engine import make_engine
from ocr.handprint import HAND_SPREAD, baseline_spread
from ocr.pipeline import OcrOptions, ocr_page
from ocr.types import PageSource
from sohoa.tasks import read_page

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TEXT = "Nguyễn Thị Hồng Nhung, xã Tam Lư"


def _line(jitter: float = 0.0, angle: float = 0.0, seed: int = 1) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A grey line of ``TEXT`` at 40 px; each glyph lifted or dropped by up to ``jitter`` × size."""
    f = ImageFont.truetype(FONT, 40)
    im = Image.new("L", (1100, 160), 255)
    d = ImageDraw.Draw(im)
    r = random.Random(seed)
    x = 20.0
    for ch in TEXT:
        d.text((x, 100 + r.uniform(-jitter, jitter) * 40), ch, font=f, fill=0, anchor="ls")
        x += f.getlength(ch)
    if angle:
        im = im.rotate(angle, fillcolor=255, resample=Image.BICUBIC)
    a = np.asarray(im)
    ys, xs = np.nonzero(a < 128)
    return a, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def test_a_printed_line_sits_on_its_baseline_even_skewed_and_a_wavering_one_does_not() -> None:
    for angle in (0.0, 2.5, -3.0):
        g, box = _line(angle=angle)
        s = baseline_spread(g, [box])
        assert s is not None and s < 0.03, (angle, s)
    g, box = _line(jitter=0.15)
    s = baseline_spread(g, [box])
    assert s is not None and s > HAND_SPREAD
    g, box = _line()
    assert baseline_spread(g, [(box[0], box[1], 60, box[3])]) is None  # two letters: too little to judge
    assert baseline_spread(np.full((100, 100), 255, np.uint8), [(10, 10, 80, 30)]) is None  # no ink


def test_a_page_is_hand_filled_only_when_most_values_waver() -> None:
    typed = {f"f{i}": 0.0 for i in range(10)} | {"long": 0.11, "wrapped": 0.06, "short": None}
    assert not hand_filled(typed)  # a few long typed values stray; the page does not
    hand = {f"f{i}": 0.04 + 0.005 * i for i in range(8)} | {"name": 0.0, "sex": None}
    assert hand_filled(hand)
    assert not hand_filled({"a": 0.09, "b": 0.08, "c": None})  # too few values to judge a page


def test_a_copy_that_bends_the_printed_labels_as_much_as_the_values_is_no_hand() -> None:
    # spreads measured on augraphy copies of typed tune forms and on hand_elastic pages
    folded = {f"f{i}": 0.073 + 0.002 * i for i in range(10)}
    assert hand_filled(folded)  # the values alone look like a hand's
    assert not hand_filled(folded, {f"l{i}": 0.070 + 0.002 * i for i in range(10)})  # the labels bend alike
    hand = {f"f{i}": 0.042 + 0.002 * i for i in range(10)}
    assert hand_filled(hand, {f"l{i}": 0.0 for i in range(10)})  # printed labels straight: a hand
    assert hand_filled(hand, {"l0": 0.05, "l1": None})  # too few labels to judge: the values decide


def test_on_a_hand_filled_page_every_field_is_marked_and_its_reading_kept() -> None:
    r = DocumentReading("to_khai_dang_ky_khai_sinh")
    r.fields = {
        "child_name": FieldReading("child_name", "HẦU THỊ MAI", "HẦU THỊ MAI", confidence=0.95),
        "child_sex": FieldReading("child_sex", "Nữ", "Nữ", confidence=0.95),
    }
    assert mark_hand_filled(r, {"child_name": 0.01, "child_sex": None}) == []
    assert not r.fields["child_name"].needs_review
    spreads = {f"v{i}": 0.05 for i in range(6)}
    assert mark_hand_filled(r, spreads) == ["child_name", "child_sex"]
    assert all(HANDWRITTEN in f.review_reasons and f.parsed["handwritten"] for f in r.fields.values())
    assert r.fields["child_name"].value == "HẦU THỊ MAI"  # the reading stays as read


@pytest.fixture(scope="module")
def engine():
    e = make_engine()
    yield e
    e.close()


def _page(tmp: Path, family: str, index: int, kind: str) -> Path:
    pg = build(families.BY_NAME[family], index)
    data, meta = degrade.apply(pg.image, kind, random.Random(index), pg.dpi, 1.2)  # type: ignore[arg-type]
    path = tmp / f"{family}_{index}.{'jpg' if meta['format'] == 'jpeg' else 'png'}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("family", "index", "kind", "hand"),
    [
        ("hand_elastic", 0, "scan", True),
        ("hand_elastic", 1, "photocopy", True),
        ("standard", 0, "scan", False),
        ("vendor_a", 0, "photocopy", False),
    ],
)
def test_generated_forms_typed_or_filled_by_hand(tmp_path, engine, family, index, kind, hand) -> None:
    path = _page(tmp_path, family, index, kind)
    media = "image/jpeg" if path.suffix == ".jpg" else "image/png"
    done = ocr_page(PageSource(path, media), OcrOptions(thumbnail=False), engine)
    reading = read_page(done.result, done.upright_gray)
    assert reading is not None and len(reading.fields) >= 8
    marked = [fid for fid, f in reading.fields.items() if HANDWRITTEN in f.review_reasons]
    if hand:
        assert marked == list(reading.fields)
    else:
        assert marked == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_on_a_hand_filled_form_the_unsure_value_words_stay_out_of_the_text_and_the_pdf(tmp_path) -> None:
    from sohoa.tasks import HAND_FILLED_NOTE, PageTask, run_page_task

    path = _page(tmp_path, "hand_elastic", 2, "photocopy")
    pdf = tmp_path / "page.pdf"
    out = run_page_task(
        PageTask(
            PageSource(path, "image/jpeg" if path.suffix == ".jpg" else "image/png"), OcrOptions(thumbnail=False), pdf
        )
    )
    assert out.reading is not None and HAND_FILLED_NOTE in out.reading.notes
    boxes = [b for f in out.reading.fields.values() for b in f.boxes]

    def inside(w) -> bool:
        return any(
            min(w.left + w.width, x + bw) - max(w.left, x) > 0.5 * w.width
            and min(w.top + w.height, y + bh) - max(w.top, y) > 0.5 * w.height
            for x, y, bw, bh in boxes
        )

    assert all(w.conf >= 70 for w in out.result.words if inside(w))  # only sure hand words are text
    aside = [a for a in out.result.set_aside if a["reason"] == "handwriting"]
    assert aside  # the unsure ones are kept as handwriting regions, not lost
    assert out.reading.fields  # and the fields keep their readings
    # The PDF's invisible text is the text's words, no hand word set aside: its characters
    # (word breaks aside: pdftotext joins words whose boxes touch) are the kept words' own.
    layer = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert Counter("".join(layer.split())) == Counter("".join(w.text for w in out.result.words))
    assert out.result.archive_sha256 == {pdf.name: hashlib.sha256(pdf.read_bytes()).hexdigest()}
    typed_path = _page(tmp_path, "standard", 1, "scan")
    media = "image/jpeg" if typed_path.suffix == ".jpg" else "image/png"
    typed = run_page_task(PageTask(PageSource(typed_path, media), OcrOptions(thumbnail=False)))
    assert typed.reading is not None and HAND_FILLED_NOTE not in typed.reading.notes

"""Real-scan quirks, with real Tesseract on small pages drawn here: a wrong DPI tag, a low
resolution, a red seal over black text, a first reading that fails. Each test would fail on the
pipeline before these were handled (fixed 200-dpi recognition, tags believed, colour dropped to
grey, one pass only)."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.colour import drop_colour_ink
from ocr.engine import OcrEngine, make_engine
from ocr.pipeline import OcrOptions, ocr_page, process_loaded
from ocr.quality import Quality, assess, needs_retry, word_kind
from ocr.resolution import decide_dpi, measure_text
from ocr.syllables import is_valid
from ocr.types import LoadedPage, PageSource, Word

SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
LIGHT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf"

LINES = [
    "Ủy ban nhân dân xã Phú Lộc đã tiếp nhận hồ sơ đăng ký khai sinh",
    "của công dân Nguyễn Thị Hương, sinh ngày 12 tháng 3 năm 2021,",
    "tại Bệnh viện Đa khoa tỉnh Đồng Tháp. Người yêu cầu là mẹ đẻ,",
    "có giấy tờ tùy thân hợp lệ theo quy định của pháp luật hiện hành.",
    "Việc đăng ký được thực hiện đúng trình tự, thủ tục và thời hạn;",
    "hồ sơ được lưu trữ tại bộ phận một cửa của Ủy ban nhân dân xã.",
    "Những người có liên quan đã được thông báo kết quả giải quyết.",
    "Quyển số 01/2024, số đăng ký 125, ngày đăng ký 20/03/2024.",
]


def draw(lines: list[str], dpi: int, pt: float = 13, size_mm: tuple[float, float] = (175, 110), font: str = SERIF):
    """Black text on white, 1.5 line spacing, 10 mm margins, at ``dpi``."""
    mm = dpi / 25.4
    im = Image.new("L", (round(size_mm[0] * mm), round(size_mm[1] * mm)), 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(font, round(pt / 72 * dpi))
    y = 10 * mm
    for t in lines:
        d.text((10 * mm, y), t, font=f, fill=15)
        y += pt / 72 * dpi * 1.5
    return im


def words_of(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def cer(truth: str, pred: str) -> float:
    a, b = " ".join(truth.split()), " ".join(pred.split())
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))


def kept(truth: str, pred: str) -> float:
    t = Counter(words_of(truth))
    return sum((t & Counter(words_of(pred))).values()) / max(1, sum(t.values()))


@pytest.fixture(scope="module")
def engine():
    e = make_engine()
    yield e
    e.close()


TRUTH = "\n".join(LINES)


def test_wrong_dpi_tag_costs_nothing(tmp_path: Path, engine: OcrEngine) -> None:
    page = draw(LINES, 300)
    right, wrong = tmp_path / "right.png", tmp_path / "wrong.png"
    page.save(right, dpi=(300, 300))
    page.save(wrong, dpi=(72, 72))  # what office scanners write into PDFs
    a = ocr_page(PageSource(right, "image/png"), OcrOptions(thumbnail=False), engine).result
    b = ocr_page(PageSource(wrong, "image/png"), OcrOptions(thumbnail=False), engine).result
    assert a.dpi_source == "tag" and a.dpi == 300
    assert b.dpi_source == "measured" and b.dpi_tag == 72 and 240 <= b.dpi <= 400
    assert cer(TRUTH, a.text) <= 0.02
    assert cer(a.text, b.text) <= 0.01  # the same reading, whatever the tag said
    assert b.prediction()["dpi_source"] == "measured"


def test_tag_that_agrees_is_believed_and_phone_size_is_measured() -> None:
    size = measure_text(np.asarray(draw(LINES, 200)))
    assert size.x_height is not None and 12 <= size.x_height <= 20  # 13 pt at 200 dpi: ~16 px
    assert decide_dpi(200, None, size).source == "tag"
    assert decide_dpi(72, None, size).source == "measured"
    # A 576-px-wide image of an A4 page: ~70 dpi, not the 150 the nearest standard would say.
    r = decide_dpi(None, 70, measure_text(np.asarray(draw(LINES, 70, size_mm=(210, 110)))))
    assert r.source in ("size", "measured") and 55 <= r.dpi <= 90


def test_low_resolution_page_is_enlarged_and_read(tmp_path: Path, engine: OcrEngine) -> None:
    src = tmp_path / "low.jpg"
    draw(LINES, 300).resize((round(175 / 25.4 * 75), round(110 / 25.4 * 75)), Image.LANCZOS).save(
        src, dpi=(75, 75), quality=85
    )
    r = ocr_page(PageSource(src, "image/jpeg"), OcrOptions(thumbnail=False), engine).result
    assert r.dpi == 75 and r.ocr_dpi is not None and r.ocr_dpi >= 150  # read enlarged, not at 75
    assert kept(TRUTH, r.text) >= 0.95
    assert cer(TRUTH, r.text) <= 0.04


def _red_seal(rgb: Image.Image, cx: float, cy: float, r: float) -> Image.Image:
    """A red round seal (ring, lettering, star) multiplied over the page: black stays black."""
    layer = Image.new("L", rgb.size, 0)
    d = ImageDraw.Draw(layer)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=6)
    d.ellipse((cx - 0.7 * r, cy - 0.7 * r, cx + 0.7 * r, cy + 0.7 * r), outline=255, width=3)
    f = ImageFont.truetype(SERIF_BOLD, round(r * 0.2))
    d.text((cx - 0.55 * r, cy - 0.15 * r), "ỦY BAN", font=f, fill=255)
    star = [
        (cx + (0.3 if k % 2 == 0 else 0.12) * r * math.cos(-math.pi / 2 + k * math.pi / 5),
         cy + 0.45 * r + (0.3 if k % 2 == 0 else 0.12) * r * math.sin(-math.pi / 2 + k * math.pi / 5))
        for k in range(10)
    ]  # fmt: skip
    d.polygon(star, fill=255)
    a = np.asarray(rgb).astype(np.float32)
    m = np.asarray(layer).astype(np.float32)[..., None] / 255.0 * 0.85
    out = a * (1 - m + m * np.array([200, 30, 40], np.float32) / 255.0)
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def test_red_seal_over_black_text_adds_nothing_and_keeps_the_text(engine: OcrEngine) -> None:
    dpi = 200
    mm = dpi / 25.4
    page = draw(LINES, dpi).convert("RGB")
    sealed = _red_seal(page, 95 * mm, 45 * mm, 19 * mm)  # over lines 3-6
    plain = process_loaded(LoadedPage(np.asarray(page.convert("L")), dpi), OcrOptions(thumbnail=False), engine)
    res = process_loaded(LoadedPage(np.asarray(sealed), dpi), OcrOptions(thumbnail=False), engine)
    extra = Counter(words_of(res.text)) - Counter(words_of(TRUTH))
    assert sum(extra.values()) <= 1, extra  # the seal's ring, star and lettering are not text
    assert kept(TRUTH, res.text) >= kept(TRUTH, plain.text) - 0.02  # the print under it is kept
    assert cer(TRUTH, res.text) <= 0.03
    assert any(m["kind"] == "red" and m["width"] >= 30 * mm for m in res.marks)
    # Black print under the seal stays black; the seal's own ink goes white.
    gray, mask = drop_colour_ink(np.asarray(sealed))
    assert mask is not None
    ink_before = np.asarray(page.convert("L")) < 128
    assert (gray[ink_before] < 128).mean() >= 0.97


def test_fallback_reads_a_page_the_first_pass_fails(engine: OcrEngine) -> None:
    # A notice in large, hair-thin capitals: cleaning takes the long thin strokes for signature
    # and stamp ink and erases them, so the first (cleaned) reading is mostly nonsense.
    lines = ["CÔNG DÂN CHÚ Ý", "MỖI NGƯỜI CHỈ ĐƯỢC", "ĐĂNG KÝ MỘT LẦN", "GIỜ LÀM VIỆC TỪ", "THỨ HAI ĐẾN THỨ SÁU"]
    lines.append("SÁNG 7 GIỜ 30 PHÚT")
    page = LoadedPage(np.asarray(draw(lines, 150, pt=40, size_mm=(200, 200), font=LIGHT)), 150)
    truth = "\n".join(lines)
    once = process_loaded(page, OcrOptions(thumbnail=False, retry=False), engine)
    assert kept(truth, once.text) < 0.5  # the page this test is about
    res = process_loaded(page, OcrOptions(thumbnail=False), engine)
    assert res.passes[0].startswith("raw-") and len(res.passes) >= 2  # a second pass was kept
    assert kept(truth, res.text) >= 0.7
    assert res.quality["valid_share"] > once.quality["valid_share"]


def test_no_extra_pass_on_a_page_read_well(engine: OcrEngine) -> None:
    res = process_loaded(LoadedPage(np.asarray(draw(LINES, 200)), 200), OcrOptions(thumbnail=False), engine)
    assert len(res.passes) == 1 and res.passes[0].startswith("clean-")


def test_reading_measures_without_truth() -> None:
    assert is_valid("Hương") and is_valid("nghiệp") and not is_valid("Tentilá") and not is_valid("triểnn")
    assert [word_kind(t) for t in ("nhận:", "1899/SGDĐT-CTTT", "UBND", "/MøØ229", "—")] == [
        "valid",
        "number",
        "abbr",
        "bad",
        "punct",
    ]

    def w(t: str, conf: float = 95.0) -> Word:
        return Word(t, conf, 0, 0, 10, 10, 1, 1, 1)

    good = assess(
        [w(t) for t in ["Ủy", "ban", "nhân", "dân", "xã", "Phú", "Lộc", "đã", "tiếp", "nhận", "hồ", "sơ"]],
        ink_letters=40,
    )
    junk = assess([w(t, 40) for t in ["Tentilá", "/MøØ229", "2/24", "S22", "nhâ", "lhd", "ĩkw"]], ink_letters=40)
    assert isinstance(good, Quality) and not needs_retry(good)
    assert needs_retry(junk) and junk.score < good.score
    unread = assess([w("nhận")], ink_letters=400)  # a good word, but most of the ink unread
    assert needs_retry(unread)

"""The OCR stages on pages drawn here with PIL (DejaVu has the Vietnamese glyphs), with real
Tesseract where recognition matters. Each test asserts measured values, not just "runs"."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.blank import detect_blank
from ocr.clean import clean_page
from ocr.deskew import estimate_skew
from ocr.engine import OcrEngine, make_engine
from ocr.imageops import rotate_small
from ocr.layout import order_text
from ocr.leaders import find_leader_dots
from ocr.orient import detect_orientation, fast_orientation
from ocr.pdf import write_searchable_pdf
from ocr.pipeline import OcrOptions, process_loaded
from ocr.types import LoadedPage, Osd, Word
from tests.fakeengine import WordsEngine

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

PROSE = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Ủy ban nhân dân xã Phú Lộc đã tiếp nhận hồ sơ đăng ký khai sinh",
    "của công dân Nguyễn Thị Hương, sinh ngày 12 tháng 3 năm 2021,",
    "tại Bệnh viện Đa khoa tỉnh Đồng Tháp. Người yêu cầu là mẹ đẻ,",
    "có giấy tờ tùy thân hợp lệ theo quy định của pháp luật hiện hành.",
    "Việc đăng ký được thực hiện đúng trình tự, thủ tục và thời hạn;",
    "hồ sơ được lưu trữ tại bộ phận một cửa của Ủy ban nhân dân xã.",
    "Những người có liên quan đã được thông báo kết quả giải quyết.",
    "Quyển số 01/2024, số đăng ký 125, ngày đăng ký 20/03/2024.",
]

pytestmark = pytest.mark.skipif(not Path(SANS).exists(), reason="fonts-dejavu-core is not installed")


def mm_px(mm: float, dpi: int) -> int:
    return int(round(mm * dpi / 25.4))


def render(
    lines: list[str],
    dpi: int = 150,
    size_mm: tuple[float, float] = (210, 297),
    pt: float = 12,
    top_mm: float = 20,
    font: str = SANS,
) -> Image.Image:
    """A white page with one line of text per entry, 1.6 line spacing, 20 mm left margin."""
    w, h = mm_px(size_mm[0], dpi), mm_px(size_mm[1], dpi)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(font, max(6, int(round(pt * dpi / 72))))
    y = mm_px(top_mm, dpi)
    step = int(round(pt * 1.6 * dpi / 72))
    for line in lines:
        d.text((mm_px(20, dpi), y), line, font=f, fill=0)
        y += step
    return im


def as_array(im: Image.Image) -> np.ndarray:
    return np.asarray(im, dtype=np.uint8).copy()


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    e = make_engine()
    yield e
    e.close()


# -- skew ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("angle", [3.0, -2.0, 5.5, -0.7])
def test_skew_sign_and_accuracy(angle: float) -> None:
    page = render(PROSE, dpi=150, size_mm=(180, 150))
    # PIL's rotate turns counter-clockwise for positive angles: that is the bench's positive skew.
    tilted = as_array(page.rotate(angle, resample=Image.BICUBIC, fillcolor=255))
    est = estimate_skew(tilted, 150)
    assert est == pytest.approx(angle, abs=0.15)
    # Undoing it (clockwise by the estimate) levels the lines.
    assert abs(estimate_skew(rotate_small(tilted, est), 150)) <= 0.1
    # A coarse hint gives the same answer.
    assert estimate_skew(tilted, 150, hint=round(angle)) == pytest.approx(est, abs=0.05)


def test_skew_of_level_page_is_zero() -> None:
    assert abs(estimate_skew(as_array(render(PROSE, dpi=150, size_mm=(180, 150))), 150)) <= 0.05


# -- orientation ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def a4_page() -> Image.Image:
    return render(PROSE * 2, dpi=100, pt=12)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_orientation_geometry(a4_page: Image.Image, rotation: int) -> None:
    # The bench's rotation: content turned *clockwise* by this much; PIL turns counter-clockwise.
    turned = as_array(a4_page.rotate(-rotation, expand=True))
    est = fast_orientation(turned, 100)
    assert est.rotation == rotation  # decided by the page's geometry, no OSD needed
    assert abs(est.updown) >= 0.6
    assert (est.axis_ratio > 1.8) == (rotation in (0, 180))


@pytest.mark.parametrize("rotation", [0, 270])
def test_orientation_skewed_page(a4_page: Image.Image, rotation: int) -> None:
    tilted = a4_page.rotate(4.0, resample=Image.BICUBIC, fillcolor=255)
    turned = as_array(tilted.rotate(-rotation, expand=True))
    engine = WordsEngine(osd=Osd((rotation + 90) % 360, 99.0))  # a wrong answer, never asked for
    o = detect_orientation(turned, 100, engine, 2.0)
    assert (o.rotation, o.method) == (rotation, "geometry")
    assert engine.asked("orientation") == 0
    assert o.skew_hint == pytest.approx(4.0, abs=0.3)


def test_orientation_unsure_on_too_little_text(engine: OcrEngine) -> None:
    page = as_array(render(["Trang 2"], dpi=100))
    est = fast_orientation(page, 100)
    assert est.rotation is None  # too little to judge: OSD decides, and a refusal keeps it upright
    assert detect_orientation(page, 100, engine, 2.0).rotation == 0


# -- blank pages ---------------------------------------------------------------------------------


def _separator_sheet(dpi: int, seed: int, bleed: int = 212) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = mm_px(210, dpi), mm_px(297, dpi)
    im = Image.new("L", (w, h), 236)  # tinted paper
    if bleed:  # the other side's print, mirrored, at grey level ``bleed``
        back = render(PROSE * 3, dpi=dpi).transpose(Image.FLIP_LEFT_RIGHT)
        faint = np.where(np.asarray(back) < 128, bleed, 236).astype(np.uint8)
        im = Image.fromarray(faint)
    d = ImageDraw.Draw(im)
    for _ in range(600):  # dust and specks
        x, y = rng.integers(0, w), rng.integers(0, h)
        r = rng.uniform(0.3, 1.4) * dpi / 200
        d.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(20, 120)))
    for cy in (0.35, 0.65):  # two punch holes in the left margin, 6 mm across
        r = mm_px(3, dpi)
        x, y = mm_px(12, dpi), int(h * cy)
        d.ellipse((x - r, y - r, x + r, y + r), fill=25)
    return im


@pytest.mark.parametrize("dpi,seed,bleed", [(200, 1, 212), (300, 2, 212), (200, 4, 130), (200, 5, 0)])
def test_separator_sheet_is_blank(dpi: int, seed: int, bleed: int) -> None:
    res = detect_blank(as_array(_separator_sheet(dpi, seed, bleed)), dpi)
    assert res.blank, res


def test_faint_print_is_read_and_show_through_alone_stays_blank(engine: OcrEngine) -> None:
    """Grey print with no black anywhere (a worn toner cartridge, a light copy) was called blank
    and lost to the index: lines of grey blobs now make the page read, and it stays blank only
    when the reading finds no text — as for the other side's print showing through, mirrored."""
    dpi = 200
    page = np.asarray(render(PROSE * 2, dpi=dpi))
    faint = np.where(page < 128, 200, 246).astype(np.uint8)  # print at grey 200 on light paper
    assert detect_blank(faint, dpi).blank and detect_blank(faint, dpi).faint_lines  # no ink: only grey
    res = process_loaded(LoadedPage(faint, dpi), OcrOptions(thumbnail=False), engine)
    assert not res.blank
    assert sum(w in res.text for w in ("Ủy ban nhân dân", "hồ sơ", "khai sinh", "Bệnh viện", "pháp luật")) >= 4, (
        res.text
    )
    sheet = as_array(_separator_sheet(dpi, 1, 200))  # the same grey, mirrored: show-through
    res = process_loaded(LoadedPage(sheet, dpi), OcrOptions(thumbnail=False), engine)
    assert res.blank and res.text == "" and res.passes and res.passes[0].startswith("faint-probe")


@pytest.mark.parametrize("line", ["Trang 2", "Hết", "Ghi chú: bản sao"])
@pytest.mark.parametrize("turned", [0, 90])
def test_one_short_line_is_not_blank(line: str, turned: int) -> None:
    dpi = 200
    sheet = _separator_sheet(dpi, 3)
    ImageDraw.Draw(sheet).text((mm_px(95, dpi), mm_px(270, dpi)), line, font=ImageFont.truetype(SANS, 28), fill=0)
    res = detect_blank(as_array(sheet.rotate(turned, expand=True)), dpi)
    assert not res.blank, res


@pytest.mark.parametrize("turned", [0, 90, 180])
def test_text_page_is_not_blank(turned: int) -> None:
    assert not detect_blank(as_array(render(PROSE, dpi=150).rotate(turned, expand=True)), 150).blank


# -- dotted leaders ------------------------------------------------------------------------------


def _form_lines(dpi: int) -> Image.Image:
    """Labels followed by dotted leaders with a typed value over them, like the bench's forms.

    The leaders are the label font's full stops, the value is typed in another font. (A full
    stop of the value that falls within a pixel of a leader dot of the same size cannot be told
    from it, and goes with the leader.)"""
    rows = [
        ("Họ, chữ đệm, tên:", "NGUYỄN VĂN PHÚC"),
        ("Nơi cư trú:", "Thôn Đông, xã Quỳnh Lâm, huyện Tiền Hải"),
        ("Mã hồ sơ:", "000.17.31.H42-230515-0001"),
    ]
    im = Image.new("L", (mm_px(190, dpi), mm_px(15 + 11 * len(rows), dpi)), 255)
    d = ImageDraw.Draw(im)
    label_font = ImageFont.truetype(SERIF, int(12 * dpi / 72))
    value_font = ImageFont.truetype(SANS, int(11 * dpi / 72))
    dot_font = ImageFont.truetype(SERIF, int(12 * dpi / 72))
    y = mm_px(8, dpi)
    for label, value in rows:
        x = mm_px(10, dpi)
        d.text((x, y), label, font=label_font, fill=0)
        x_val = x + d.textlength(label + " ", font=label_font)
        # Leaders from the label to the right margin, on the value's baseline; the value on top.
        d.text(
            (x_val, y + 2),
            "." * int((im.width - x_val - mm_px(8, dpi)) / d.textlength(".", font=dot_font)),
            font=dot_font,
            fill=0,
        )
        d.text((x_val + mm_px(1, dpi), y + 2), value, font=value_font, fill=0)
        y += mm_px(11, dpi)
    return im


def test_leader_dots_found_but_not_full_stops() -> None:
    # A leader row: dots every 1.4 mm; a dossier code with full stops 3 characters apart.
    mm = 200 / 25.4
    lead_x = np.arange(40) * 1.4 * mm + 300
    code_x = np.array([10.0, 10 + 5.2 * mm, 10 + 10.4 * mm])  # 000.17.31.H42: stops ~5 mm apart
    cx = np.concatenate([lead_x, code_x])
    cy = np.full(len(cx), 100.0)
    lead = find_leader_dots(cx, cy, mm)
    assert lead[:40].all()
    assert not lead[40:].any()


def test_leader_removal_keeps_value(engine: OcrEngine) -> None:
    dpi = 200
    page = as_array(_form_lines(dpi))
    raw = engine.recognise(page, dpi, psm=4).text
    cleaned = clean_page(page, dpi)
    text = engine.recognise(cleaned.image, dpi, psm=4).text
    assert "Họ, chữ đệm, tên: NGUYỄN VĂN PHÚC" in text
    assert "Mã hồ sơ: 000.17.31.H42-230515-0001" in text  # the value's own full stops stay
    # A comma whose tail touches a leader dot may come out as a full stop: compare the words.
    assert "Nơi cư trú: Thôn Đông, xã Quỳnh Lâm, huyện Tiền Hải".replace(",", ".") in text.replace(",", ".")
    assert text.count(".") + text.count(",") <= 8  # the leaders are gone (raw OCR has dozens)
    assert raw.count(".") > 10


# -- tables --------------------------------------------------------------------------------------


def test_table_read_row_by_row(engine: OcrEngine) -> None:
    dpi = 200
    im = Image.new("L", (mm_px(180, dpi), mm_px(60, dpi)), 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(SANS, int(11 * dpi / 72))
    xs = [mm_px(v, dpi) for v in (10, 55, 115, 170)]
    ys = [mm_px(v, dpi) for v in (10, 22, 42)]
    for x in xs:
        d.line((x, ys[0], x, ys[-1]), fill=0, width=2)
    for y in ys:
        d.line((xs[0], y, xs[-1], y), fill=0, width=2)
    cells = [
        ["Thông tin", "Bên nữ", "Bên nam"],
        ["Nơi cư trú", "Ấp 2, xã Long Hiệp,|huyện Lai Vung", "Ấp 3, xã Quỳnh Lâm,|huyện Thanh Bình"],
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            for k, part in enumerate(text.split("|")):
                d.text((xs[c] + mm_px(2, dpi), ys[r] + mm_px(2 + 6 * k, dpi)), part, font=f, fill=0)
    cleaned = clean_page(as_array(im), dpi)
    assert len(cleaned.tables) == 1 and len(cleaned.tables[0].rows) == 3
    rec = engine.recognise(cleaned.image, dpi, psm=4)
    text = order_text(rec.words, cleaned.tables, im.width, dpi)
    assert text.split("\n") == [
        "Thông tin Bên nữ Bên nam",
        "Nơi cư trú Ấp 2, xã Long Hiệp, huyện Lai Vung Ấp 3, xã Quỳnh Lâm, huyện Thanh Bình",
    ]
    assert "|" not in text


def test_header_blocks_left_then_right() -> None:
    def words(text: str, x: int, y: int, line: int) -> list[Word]:
        out = []
        for t in text.split():
            out.append(Word(t, 95.0, x, y, 14 * len(t), 30, 1, 1, line))
            x += 14 * len(t) + 12
        return out

    line1 = words("UBND XÃ TÂN PHÚ", 300, 180, 1) + words("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 700, 180, 1)
    line2 = words("BỘ PHẬN TIẾP NHẬN", 260, 225, 2) + words("Độc lập - Tự do", 842, 225, 2)
    title = words("GIẤY TIẾP NHẬN HỒ SƠ", 560, 330, 3)
    text = order_text(line1 + line2 + title, [], 1654, 200)
    assert text.split("\n") == [
        "UBND XÃ TÂN PHÚ",
        "BỘ PHẬN TIẾP NHẬN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do",
        "GIẤY TIẾP NHẬN HỒ SƠ",
    ]


def _words(text: str, x: int, y: int, line: int, char_w: int = 14) -> list[Word]:
    out = []
    for t in text.split():
        out.append(Word(t, 95.0, x, y, char_w * len(t), 30, 1, 1, line))
        x += char_w * len(t) + 12
    return out


def test_centred_title_and_side_note_are_two_lines() -> None:
    page_w = 2339  # a landscape ledger page at 200 dpi
    title = _words("UBND xã Mỹ Phước - Năm 1993", 0, 228, 1)
    width = max(w.left + w.width for w in title)
    title = [Word(w.text, w.conf, w.left + (page_w - width) // 2, w.top, w.width, w.height, 1, 1, 1) for w in title]
    note = _words("Quyển số: 02", 1979, 226, 1)
    assert order_text(title + note, [], page_w, 200).split("\n") == ["UBND xã Mỹ Phước - Năm 1993", "Quyển số: 02"]
    # A row of fields that starts at the margin stays one line even if a middle part is centred.
    row = (
        _words("Giới tính: Nam", 120, 500, 2)
        + _words("Dân tộc: Kinh", 1080, 500, 2)
        + _words("Quốc tịch: Việt Nam", 1700, 500, 2)
    )
    assert order_text(row, [], page_w, 200) == "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam"


# -- searchable PDF ------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_searchable_pdf_text(tmp_path: Path, engine: OcrEngine) -> None:
    lines = ["Ủy ban nhân dân xã Phú Lộc", "Họ và tên: Nguyễn Thị Hương", "Quê quán: Đồng Tháp"]
    page = LoadedPage(as_array(render(lines, dpi=200, size_mm=(150, 60), top_mm=10)), 200)
    out = tmp_path / "p.pdf"
    res = process_loaded(page, OcrOptions(), engine, out)
    assert out.stat().st_size > 1000
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert unicodedata.is_normalized("NFC", extracted)
    got = " ".join(extracted.split())
    for line in lines:
        assert line in got
    assert " ".join(res.text.split()) == got
    # The page has the image's size at its resolution.
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    h, w = page.image.shape
    assert f"{w * 72 / 200:.2f} x {h * 72 / 200:.2f} pts" in info


def test_pdf_of_empty_word_list(tmp_path: Path) -> None:
    out = write_searchable_pdf(np.full((100, 80), 255, np.uint8), [], 100, tmp_path / "b.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_thumbnail_beside_the_pdf_is_the_upright_page(tmp_path: Path) -> None:
    from ocr.thumbnail import THUMB_WIDTH, thumbnail_path

    upright_page = render(PROSE * 2, dpi=150, size_mm=(150, 220))  # portrait
    turned = LoadedPage(as_array(upright_page.rotate(90, expand=True)), 150)  # scanned on its side
    out = tmp_path / "p0001.pdf"
    engine = WordsEngine([Word("Trang", 96.0, 120, 110, 150, 40, 1, 1, 1)])  # the words do not matter here
    res = process_loaded(turned, OcrOptions(), engine, out)
    assert engine.asked("recognise") >= 1 and res.words
    assert res.rotation in (90, 270) and not res.blank
    thumb = thumbnail_path(out)
    assert thumb == tmp_path / "p0001.thumb.jpg"
    assert not list(tmp_path.glob(".tmp-*"))  # written under a temporary name, then renamed
    with Image.open(thumb) as t:
        assert t.format == "JPEG" and t.width == THUMB_WIDTH
        # upright as the OCR saw it: portrait, the page's proportions
        assert t.height == pytest.approx(res.height * THUMB_WIDTH / res.width, abs=1) and t.height > t.width
        # text rows are horizontal: dark pixels vary far more from row to row than from column to column
        g = np.asarray(t.convert("L"), dtype=float)
        assert g.mean(axis=1).std() > 2 * g.mean(axis=0)[20:-20].std()


def test_a_second_look_takes_in_characters_the_first_read_lost_but_not_the_label() -> None:
    """``17/11/1993`` whose first read kept only ``/11/1993`` boxes: the crop for the second look
    widens over ink closer than a word space (the lost ``17``), and stops at the space before it
    (the label ``sinh:`` stays out) and at a cell's rule a space away."""
    from ocr.regions import crop_boxes

    f = ImageFont.truetype(SANS, 40)
    im = Image.new("L", (1200, 120), 255)
    d = ImageDraw.Draw(im)
    d.text((40, 90), "sinh:", font=f, fill=0, anchor="ls")
    x_date = 40 + f.getlength("sinh: ")
    d.text((x_date, 90), "17/11/1993", font=f, fill=0, anchor="ls")
    d.line([(1100, 0), (1100, 119)], fill=0, width=3)  # a cell's rule
    x_lost = int(x_date + f.getlength("17"))
    x_end = int(x_date + f.getlength("17/11/1993"))
    a = np.asarray(im)
    crop = crop_boxes(a, [(x_lost, 55, x_end - x_lost, 45)])
    assert crop is not None
    pad = 45 // 3
    width = crop.shape[1] - 2 * pad
    assert abs(width - (x_end - x_date)) <= 6  # the whole date, from its first "1" to its last "3"

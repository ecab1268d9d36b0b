"""Layouts the catalogue was not built on, end to end through real Tesseract ``vie``: a vendor's
receipt wordings with two ``label: value`` pairs on a line, and a ruled marriage table with its
columns swapped, a row label wrapped over two lines and vertically centred multi-line cells."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from indexer.fields import read_document
from ocr.engine import OcrEngine, make_engine
from ocr.pipeline import OcrOptions, ocr_page
from ocr.types import PageSource
from sohoa.samples import SERIF, SERIF_BOLD

DPI = 200


def _font(paths: tuple[str, ...], pt: float) -> ImageFont.FreeTypeFont:
    path = next(p for p in paths if os.path.exists(p))
    return ImageFont.truetype(path, round(pt / 72 * DPI))


def _mm(v: float) -> int:
    return round(v / 25.4 * DPI)


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return make_engine("tesserocr", "vie")


def _read(im: Image.Image, tmp_path: Path, engine: OcrEngine):  # type: ignore[no-untyped-def]
    path = tmp_path / "page.png"
    im.save(path, dpi=(DPI, DPI))
    result = ocr_page(PageSource(path, "image/png"), OcrOptions(), engine).result
    return read_document(result.words, blank=result.blank, width=result.width, height=result.height)


def test_vendor_receipt_two_pairs_on_a_line(tmp_path: Path, engine: OcrEngine) -> None:
    im = Image.new("L", (_mm(210), _mm(150)), 255)
    d = ImageDraw.Draw(im)
    body, bold = _font(SERIF, 13), _font(SERIF_BOLD, 15)
    y = _mm(15)
    title = "GIẤY BIÊN NHẬN HỒ SƠ"
    d.text(((im.width - d.textlength(title, font=bold)) / 2, y), title, font=bold, fill=20)
    lines = [
        [(20, "Mã hồ sơ: 000.31.22.H56-240312-0007")],
        [(20, "Họ và tên người nộp hồ sơ: Đinh Thị Mơ")],
        [(20, "SĐT: 0912345678"), (105, "Số CMND/CCCD: 036184001122")],
        [(20, "Địa chỉ thường trú: Xóm 3, xã An Phú, huyện Mỹ Lộc, tỉnh Nam Định")],
        [(20, "Về việc: Đăng ký khai sinh")],
        [(20, "Ngày giờ tiếp nhận: 08 giờ 15 phút, ngày 12/03/2024")],
        [(20, "Ngày hẹn trả kết quả: 14 giờ 00 phút, ngày 15/03/2024")],
    ]
    y += _mm(14)
    for cells in lines:
        for x, text in cells:
            d.text((_mm(x), y), text, font=body, fill=20)
        y += _mm(9)
    r = _read(im, tmp_path, engine)
    v = r.values()
    assert r.doc_type == "giay_tiep_nhan_ho_so"
    assert v["applicant"] == "Đinh Thị Mơ"
    assert v["applicant_phone"] == "0912345678" and v["applicant_personal_id"] == "036184001122"
    assert v["applicant_address"] == "Xóm 3, xã An Phú, huyện Mỹ Lộc, tỉnh Nam Định"
    assert v["request_content"] == "Đăng ký khai sinh"
    assert v["received_at"] == "08 giờ 15 phút, ngày 12/03/2024"
    assert v["due_at"] == "14 giờ 00 phút, ngày 15/03/2024"


def test_ruled_marriage_table_swapped_centred_wrapped(tmp_path: Path, engine: OcrEngine) -> None:
    im = Image.new("L", (_mm(210), _mm(200)), 255)
    d = ImageDraw.Draw(im)
    body, bold = _font(SERIF, 12), _font(SERIF_BOLD, 14)
    title = "TỜ KHAI ĐĂNG KÝ KẾT HÔN"
    d.text(((im.width - d.textlength(title, font=bold)) / 2, _mm(15)), title, font=bold, fill=20)
    xs = [_mm(15), _mm(60), _mm(130), _mm(195)]  # column rules: label | Bên nam | Bên nữ
    rows = [
        ("Thông tin", "Bên nam", "Bên nữ"),
        ("Họ, chữ đệm, tên", "HOÀNG ANH QUÝ", "NGUYỄN THỊ SEN"),
        ("Ngày, tháng, năm\nsinh", "02/10/1988", "24/03/2002"),
        ("Dân tộc", "Tày", "Kinh"),
        ("Quốc tịch", "Việt Nam", "Việt Nam"),
        (
            "Nơi cư trú",
            "Xóm 7, xã Thuận An,\nhuyện Gia Lộc,\ntỉnh Hải Dương",
            "Thôn Bắc, xã Phú Lộc,\nhuyện Ninh Giang,\ntỉnh Hải Dương",
        ),
        (
            "Giấy tờ tùy thân",
            "CCCD số 030088437443,\ncấp ngày 09/04/2017",
            "CCCD số 030302114779,\ncấp ngày 31/10/2020",
        ),
        ("Kết hôn lần thứ mấy", "Lần thứ hai", "Lần đầu"),
    ]
    line_h = _mm(6)
    y = _mm(30)
    d.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for cells in rows:
        n = max(c.count("\n") + 1 for c in cells)
        height = n * line_h + _mm(4)
        for k, cell in enumerate(cells):
            parts = cell.split("\n")
            top = y + (height - len(parts) * line_h) / 2  # centred in the cell
            for j, text in enumerate(parts):
                w = d.textlength(text, font=body)
                x = (xs[k] + xs[k + 1] - w) / 2 if cells is rows[0] else xs[k] + _mm(2)
                d.text((x, top + j * line_h), text, font=body, fill=20)
        y += height
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:
        d.line([(x, _mm(30)), (x, y)], fill=0, width=3)
    d.text((_mm(20), y + _mm(8)), "Làm tại: xã Phú Lộc, ngày 01 tháng 02 năm 2020", font=body, fill=20)
    r = _read(im, tmp_path, engine)
    v = r.values()
    assert r.doc_type == "to_khai_dang_ky_ket_hon"
    assert v["groom_name"] == "HOÀNG ANH QUÝ" and v["bride_name"] == "NGUYỄN THỊ SEN"
    assert v["groom_birth_date"] == "02/10/1988" and v["bride_birth_date"] == "24/03/2002"
    assert v["groom_ethnicity"] == "Tày" and v["bride_ethnicity"] == "Kinh"
    assert v["groom_nationality"] == "Việt Nam" and v["bride_nationality"] == "Việt Nam"
    assert v["groom_residence"] == "Xóm 7, xã Thuận An, huyện Gia Lộc, tỉnh Hải Dương"
    assert v["bride_residence"] == "Thôn Bắc, xã Phú Lộc, huyện Ninh Giang, tỉnh Hải Dương"
    assert v["groom_id_doc"] == "CCCD số 030088437443, cấp ngày 09/04/2017"
    assert v["bride_id_doc"] == "CCCD số 030302114779, cấp ngày 31/10/2020"
    assert v["groom_marriage_count"] == "Lần thứ hai" and v["bride_marriage_count"] == "Lần đầu"

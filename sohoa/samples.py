"""Sample scans sohoa renders itself, so a newcomer sees it work at once (``sohoa run --samples``)
and tests have Vietnamese pages with known text.

Pages are drawn with a font that has every Vietnamese glyph (Liberation 2 or DejaVu; the old
``fonts-liberation`` lacks them), then tilted, turned or saved the way scanners deliver them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SERIF = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
SERIF_BOLD = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
)


def _font(candidates: tuple[str, ...], px: int) -> ImageFont.FreeTypeFont:
    for path in candidates:
        if os.path.exists(path):
            return ImageFont.truetype(path, px)
    raise RuntimeError("no font with Vietnamese glyphs: install fonts-liberation2 or fonts-dejavu-core")


@dataclass(frozen=True)
class Line:
    text: str
    pt: float = 13
    bold: bool = False
    center: bool = False


def render_page(lines: Sequence[Line | str], dpi: int = 200, size_mm: tuple[float, float] = (210, 297)) -> Image.Image:
    """A white A4 page (grey, 8-bit) with the lines drawn from the top margin down."""
    w, h = (round(v / 25.4 * dpi) for v in size_mm)
    im = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(im)
    margin = round(25 / 25.4 * dpi)
    y = margin
    for item in lines:
        line = Line(item) if isinstance(item, str) else item
        px = round(line.pt / 72 * dpi)
        font = _font(SERIF_BOLD if line.bold else SERIF, px)
        x: float = margin
        if line.center:
            x = (w - draw.textlength(line.text, font=font)) / 2
        draw.text((x, y), line.text, font=font, fill=20)
        y += round(px * 1.6)
    return im


def tilt(im: Image.Image, degrees: float) -> Image.Image:
    """Tilt content counter-clockwise by ``degrees`` (the bench's skew_deg convention)."""
    return im.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)


def turn(im: Image.Image, rotation: int) -> Image.Image:
    """Turn content clockwise by ``rotation`` degrees (the bench's rotation convention)."""
    return im.rotate(-rotation, expand=True, fillcolor=255) if rotation else im


HEADER: list[Line | str] = [
    Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, center=True),
    Line("Độc lập - Tự do - Hạnh phúc", 13, bold=True, center=True),
    "",
]


def birth_declaration(child: str, birth: str, mother: str, father: str) -> list[Line | str]:
    return HEADER + [
        Line("TỜ KHAI ĐĂNG KÝ KHAI SINH", 15, bold=True, center=True),
        "",
        "Kính gửi: Ủy ban nhân dân xã Phú Lộc, tỉnh Đồng Tháp",
        f"Họ, chữ đệm, tên người yêu cầu: {mother.upper()}",
        "Quan hệ với người được khai sinh: Mẹ",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
        f"Họ, chữ đệm, tên: {child.upper()}",
        f"Ngày, tháng, năm sinh: {birth}",
        "Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam",
        "Nơi sinh: Trạm y tế xã Phú Lộc, tỉnh Đồng Tháp",
        f"Họ, chữ đệm, tên người mẹ: {mother.upper()}",
        f"Họ, chữ đệm, tên người cha: {father.upper()}",
        "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
    ]


PROSE: list[Line | str] = [
    Line("THÔNG BÁO", 15, bold=True, center=True),
    "",
    "Ủy ban nhân dân xã thông báo lịch tiếp nhận hồ sơ hộ tịch tại bộ phận",
    "một cửa: buổi sáng từ bảy giờ ba mươi phút, buổi chiều từ mười ba giờ.",
    "Công dân mang theo giấy tờ tùy thân và bản chính các giấy tờ liên quan.",
    "Mọi thắc mắc xin liên hệ công chức tư pháp - hộ tịch của xã.",
]


def write_samples(folder: Path) -> list[Path]:
    """Drop a few sample scans into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    form = render_page(birth_declaration("Nguyễn Văn An", "02/12/2023", "Trần Thị Hoà", "Nguyễn Văn Bình"))
    p = folder / "mau-to-khai-khai-sinh.jpg"
    tilt(form, 1.5).save(p, quality=85, dpi=(200, 200))
    out.append(p)
    receipt = render_page(
        HEADER
        + [
            Line("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 14, bold=True, center=True),
            "Mã hồ sơ: 000.17.31.H42-231205-0007",
            "Tiếp nhận hồ sơ của ông/bà: Lê Thị Thu Thủy",
            "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
            "Ngày hẹn trả: 10 giờ 00 phút, ngày 06/12/2023",
        ]
    )
    p = folder / "mau-giay-tiep-nhan.png"
    receipt.save(p, dpi=(200, 200))
    out.append(p)
    notice = render_page(PROSE)
    p = folder / "mau-thong-bao-xoay.jpg"
    turn(notice, 90).save(p, quality=85, dpi=(200, 200))
    out.append(p)
    p = folder / "mau-ho-so-2-trang.pdf"
    page2 = render_page(birth_declaration("Phạm Thị Mỹ Duyên", "15/03/2024", "Võ Thị Lan", "Phạm Văn Hùng"))
    form.save(p, save_all=True, append_images=[page2], resolution=200)
    out.append(p)
    return out

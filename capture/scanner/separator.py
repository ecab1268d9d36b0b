"""Separator sheets: one feeder load holds several dossiers, each started by a sheet sohoa printed
(``sohoa separator``) that carries a QR code. The QR is drawn with OpenCV's encoder (error
correction H: a staple hole or a pen mark does not hide it) and found with OpenCV's detector, so
no new dependency; the sheet itself is never stored as a page.

The PDF has the same sheet twice: print it on both sides (or put it face up), and it is found
whichever side the scanner reads.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

PAYLOAD = "SOHOA:TACH-HO-SO:1"
PAYLOAD_PREFIX = "SOHOA:TACH-HO-SO"
QR_SIZE_MM = 70.0

FONTS = (
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
)

TITLE = "TỜ PHÂN CÁCH HỒ SƠ"
LINES = (
    "Đặt tờ này vào khay nạp giấy, ngay trước tờ đầu tiên của mỗi hồ sơ mới.",
    "Phần mềm sohoa bắt đầu một hồ sơ mới sau tờ này; tờ này không được lưu.",
    "Có thể dùng lại nhiều lần. Đừng viết, ghim hay dán lên mã QR.",
)
ASCII_TITLE = "TO PHAN CACH HO SO"
ASCII_LINES = (
    "Dat to nay vao khay nap giay, ngay truoc to dau tien cua moi ho so moi.",
    "Phan mem sohoa bat dau mot ho so moi sau to nay; to nay khong duoc luu.",
    "Co the dung lai nhieu lan. Dung viet, ghim hay dan len ma QR.",
)


def qr_modules(payload: str = PAYLOAD) -> np.ndarray:
    """The QR code as a square bool array, True for a dark module (no quiet zone)."""
    params = cv2.QRCodeEncoder.Params()
    params.correction_level = cv2.QRCodeEncoder_CORRECT_LEVEL_H
    modules = cv2.QRCodeEncoder.create(params).encode(payload)
    return modules < 128


QR_WORK_DPI = 60  # a 70 mm code of 29 modules is ~5.7 px per module here; 4x faster than at 100 dpi


def is_separator(gray: np.ndarray, dpi: int = 100) -> bool:
    """Does this page (grey, at any resolution from ~60 dpi) carry sohoa's separator QR code?"""
    if dpi > QR_WORK_DPI:
        f = QR_WORK_DPI / dpi
        h, w = gray.shape[:2]
        gray = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    return decode(gray).startswith(PAYLOAD_PREFIX)


def decode(gray: np.ndarray) -> str:
    detector = cv2.QRCodeDetector()
    try:
        text, points, _ = detector.detectAndDecode(gray)
    except cv2.error:
        return ""
    if text:
        return text
    if points is not None:
        # Found but not read (blur, low contrast): try once more on a binarised copy.
        _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        try:
            text, _, _ = detector.detectAndDecode(bw)
        except cv2.error:
            return ""
        return text or ""
    return ""


def _font_pair() -> tuple[str, str] | None:
    for regular, bold in FONTS:
        if os.path.exists(regular) and os.path.exists(bold):
            return regular, bold
    return None


def write_separator_pdf(out: Path) -> Path:
    """A two-page A4 PDF (the same sheet twice, for both sides) with the separator QR code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = _font_pair()
    if fonts:
        pdfmetrics.registerFont(TTFont("SohoaSans", fonts[0]))
        pdfmetrics.registerFont(TTFont("SohoaSans-Bold", fonts[1]))
        regular, bold, title, lines = "SohoaSans", "SohoaSans-Bold", TITLE, LINES
    else:  # no font with Vietnamese glyphs installed: plain letters rather than boxes
        regular, bold, title, lines = "Helvetica", "Helvetica-Bold", ASCII_TITLE, ASCII_LINES

    modules = qr_modules()
    n = modules.shape[0]
    side = QR_SIZE_MM * mm
    cell = side / n
    width, height = A4
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), pagesize=A4)
    c.setTitle("sohoa — tờ phân cách hồ sơ")
    c.setAuthor("sohoa")
    c.setSubject(PAYLOAD)
    for _ in range(2):
        c.setFont(bold, 26)
        c.drawCentredString(width / 2, height - 45 * mm, title)
        c.setFont(regular, 11)
        for i, line in enumerate(lines):
            c.drawCentredString(width / 2, height - 60 * mm - i * 6 * mm, line)
        x0 = (width - side) / 2
        y0 = (height - side) / 2 - 10 * mm
        c.setFillColorRGB(0, 0, 0)
        for r in range(n):
            for col in range(n):
                if modules[r, col]:
                    c.rect(x0 + col * cell, y0 + (n - 1 - r) * cell, cell, cell, stroke=0, fill=1)
        # A thick bar across the bottom: the sheet is easy to spot in a pile.
        c.rect(20 * mm, 25 * mm, width - 40 * mm, 8 * mm, stroke=0, fill=1)
        c.setFont(regular, 9)
        c.drawCentredString(width / 2, 18 * mm, PAYLOAD)
        c.showPage()
    c.save()
    return out

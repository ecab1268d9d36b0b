"""Register pages for tests, drawn with PIL and the fonts sohoa's samples use: a columnar ledger
page of the old Sổ đăng ký khai sinh (ruled grid, numbered column markers) and a one-entry-per-page
register page."""

from __future__ import annotations

from PIL import Image, ImageDraw

from sohoa.samples import SERIF, SERIF_BOLD, Line, _font, render_page

LEDGER_HEADERS = [
    "Số",
    "Ngày, tháng, năm đăng ký",
    "Họ, chữ đệm, tên người được khai sinh",
    "Ngày, tháng, năm sinh",
    "Giới tính",
    "Nơi sinh",
    "Họ, chữ đệm, tên người mẹ",
    "Họ, chữ đệm, tên người cha",
]
WIDTHS = [0.05, 0.10, 0.17, 0.10, 0.06, 0.18, 0.17, 0.17]
KEYS = [
    "so",
    "registration_date",
    "child_name",
    "child_birth_date",
    "child_sex",
    "child_birth_place",
    "mother_name",
    "father_name",
]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> list[str]:  # type: ignore[no-untyped-def]
    out, cur = [], ""
    for w in text.split():
        t = f"{cur} {w}".strip()
        if draw.textlength(t, font=font) <= width or not cur:
            cur = t
        else:
            out.append(cur)
            cur = w
    return out + ([cur] if cur else [])


def ledger_page(
    rows: list[dict[str, str]], *, commune: str = "Phú Lộc", year: int = 1999, volume: str = "01", dpi: int = 200
) -> Image.Image:
    """A landscape A4 ledger page with one ruled row per entry."""
    w, h = round(297 / 25.4 * dpi), round(210 / 25.4 * dpi)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    px = lambda pt: round(pt / 72 * dpi)  # noqa: E731
    title, head, body = _font(SERIF_BOLD, px(16)), _font(SERIF_BOLD, px(9)), _font(SERIF, px(10))
    t = "SỔ ĐĂNG KÝ KHAI SINH"
    d.text(((w - d.textlength(t, font=title)) / 2, px(30)), t, font=title, fill=10)
    sub = f"UBND xã {commune} - Năm {year}"
    d.text(((w - d.textlength(sub, font=body)) / 2, px(58)), sub, font=body, fill=10)
    d.text((w - px(140), px(58)), f"Quyển số: {volume}", font=body, fill=10)
    left, right = px(40), w - px(40)
    xs = [left]
    for f in WIDTHS:
        xs.append(xs[-1] + f * (right - left))
    top = px(85)
    head_h, mark_h, row_h = px(48), px(16), px(44)
    ys = [top, top + head_h, top + head_h + mark_h]
    for _ in rows:
        ys.append(ys[-1] + row_h)
    for y in ys:
        d.line([(left, y), (right, y)], fill=0, width=3)
    for x in xs:
        d.line([(x, top), (x, ys[-1])], fill=0, width=3)
    for i, htext in enumerate(LEDGER_HEADERS):
        for j, line in enumerate(_wrap(d, htext, head, xs[i + 1] - xs[i] - px(6))[:3]):
            d.text((xs[i] + px(3), top + px(3) + j * px(11)), line, font=head, fill=10)
        m = f"({i + 1})"
        d.text(((xs[i] + xs[i + 1] - d.textlength(m, font=body)) / 2, ys[1] + px(2)), m, font=body, fill=10)
    for r, row in enumerate(rows):
        y0 = ys[2 + r]
        for i, k in enumerate(KEYS):
            for j, line in enumerate(_wrap(d, row.get(k, ""), body, xs[i + 1] - xs[i] - px(8))[:2]):
                d.text((xs[i] + px(4), y0 + px(4) + j * px(14)), line, font=body, fill=15)
    return im


def entry_page(
    fields: list[tuple[str, str]], *, so: str, volume: str = "01", reg_date: str, page_no: int | None, dpi: int = 200
) -> Image.Image:
    """A one-entry-per-page register page (books since 2016)."""
    lines: list[Line | str] = [
        Line("SỔ ĐĂNG KÝ KHAI SINH", 15, bold=True, center=True),
        "",
        Line(f"Số: {so}        Quyển số: {volume}", 13),
        Line(f"Ngày, tháng, năm đăng ký: {reg_date}", 13),
        Line("Người được đăng ký khai sinh", 13, bold=True),
    ]
    lines += [Line(f"{label}: {value}", 13) for label, value in fields]
    lines += ["", Line("Ghi chú:", 13)]
    if page_no is not None:
        lines += ["", Line(f"Trang số: {page_no}", 13, center=True)]
    return render_page(lines, dpi=dpi)

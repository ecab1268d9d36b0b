"""Administrative-style Vietnamese pages drawn here, with their truth, for ``bench.realscan``.

A page is a công văn / thông báo as communes issue them: the two-block header (issuing body and
number on the left; national motto and place-date on the right), a bold centred title, a
subject line, body paragraphs in 12-14 pt Liberation Serif (Times New Roman's metrics), the
"Nơi nhận" list on the left and the signature block on the right. Every name, place and number
is invented from a seed (``random.Random(seed)``): the same seed draws the same page, byte for
byte. The "tune" and "holdout" sets draw from disjoint sentence templates and seeds.

Truth follows ``/work/shared/bench/real-dev``: every printed line in reading order, the
two-block header and the signature rows written block by block (left first); seals,
signatures and handwriting are not in it.

Guarantees: deterministic; no real person's data (names are drawn from syllable lists).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
SERIF = f"{FONT_DIR}/LiberationSerif-Regular.ttf"
SERIF_BOLD = f"{FONT_DIR}/LiberationSerif-Bold.ttf"
SERIF_ITALIC = f"{FONT_DIR}/LiberationSerif-Italic.ttf"
HAND = "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf"  # fonts-dancingscript
MASTER_DPI = 300

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc", "Ngọc", "Đức", "Thu", "Kim", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc"]
GIVEN += ["Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến", "Khánh", "Linh", "Hiếu"]
PLACES = ["Phú Lộc", "Tân Hòa", "Hòa Khánh", "Bình Minh", "Thạnh Mỹ", "Đông Hưng", "Vĩnh Phước", "An Thới"]
PLACES += ["Hưng Long", "Mỹ Xuyên", "Quảng Phú", "Hòa Vang", "Nghĩa Đàn", "Cẩm Lệ", "Tiên Phước"]
DISTRICTS = ["Hòa Vang", "Điện Bàn", "Núi Thành", "Đại Lộc", "Thăng Bình", "Duy Xuyên", "Quế Sơn"]
PROVINCES = ["Quảng Nam", "Đà Nẵng", "Quảng Ngãi", "Bình Định", "Thừa Thiên Huế", "Quảng Trị"]
TITLES = ["THÔNG BÁO", "KẾ HOẠCH", "CÔNG VĂN", "BÁO CÁO", "QUYẾT ĐỊNH", "CHỈ THỊ"]
TOPICS = [
    "tăng cường công tác đăng ký và quản lý hộ tịch trên địa bàn",
    "triển khai thực hiện thủ tục hành chính liên thông về khai sinh",
    "rà soát, số hóa sổ hộ tịch lưu trữ tại Ủy ban nhân dân cấp xã",
    "kiện toàn bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính",
    "tổ chức tuyên truyền, phổ biến pháp luật về hộ tịch năm {year}",
    "chuẩn bị cơ sở vật chất phục vụ năm học {year} - {year1}",
    "phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm {year}",
    "thực hiện chuyển đổi số trong giải quyết thủ tục hành chính",
]

# Body sentences: two disjoint pools (tune / holdout). Slots are filled from the lists above.
SENTENCES = {
    "tune": [
        "Thực hiện Công văn số {num}/UBND-TP ngày {date} của Ủy ban nhân dân huyện {district} về việc {topic},"
        " Ủy ban nhân dân xã {place} thông báo đến các thôn, tổ dân phố một số nội dung như sau.",
        "Công chức Tư pháp - Hộ tịch có trách nhiệm tiếp nhận hồ sơ, kiểm tra tính hợp lệ của giấy tờ"
        " và hướng dẫn người dân hoàn thiện hồ sơ theo đúng quy định của pháp luật.",
        "Trưởng các thôn chủ động rà soát các trường hợp trẻ em sinh ra chưa được đăng ký khai sinh,"
        " người chết chưa được đăng ký khai tử và báo cáo về Ủy ban nhân dân xã trước ngày {date}.",
        "Việc cấp bản sao trích lục hộ tịch được thực hiện ngay trong ngày làm việc; trường hợp nhận"
        " hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.",
        "Kinh phí thực hiện được bố trí từ nguồn ngân sách xã năm {year}, với tổng số tiền là"
        " {money} đồng, do bộ phận Tài chính - Kế toán quản lý và thanh toán theo quy định.",
        "Đề nghị các cơ quan, đơn vị phối hợp chặt chẽ, thường xuyên trao đổi thông tin và kịp thời"
        " phản ánh những khó khăn, vướng mắc phát sinh trong quá trình thực hiện.",
        "Ông {person}, Phó Chủ tịch Ủy ban nhân dân xã, được giao trực tiếp chỉ đạo, đôn đốc và"
        " kiểm tra việc triển khai thực hiện các nội dung tại Thông báo này.",
        "Hồ sơ đề nghị đăng ký lại khai sinh gồm tờ khai theo mẫu, bản sao giấy tờ tùy thân và"
        " các giấy tờ, tài liệu có nội dung liên quan đến việc khai sinh của người đó.",
        "Trong năm {year}, toàn xã đã tiếp nhận {n1} hồ sơ đăng ký khai sinh, {n2} hồ sơ đăng ký kết hôn"
        " và {n3} hồ sơ đăng ký khai tử; tất cả đều được giải quyết đúng hạn.",
        "Nhận được Thông báo này, đề nghị các đơn vị nghiêm túc triển khai thực hiện và báo cáo kết quả"
        " về Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã để tổng hợp.",
    ],
    "holdout": [
        "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số {num}/2015/NĐ-CP của Chính phủ"
        " quy định chi tiết một số điều của Luật Hộ tịch, Ủy ban nhân dân xã {place} ban hành kế hoạch này.",
        "Mục đích của kế hoạch là nâng cao chất lượng phục vụ người dân, rút ngắn thời gian giải quyết"
        " hồ sơ và bảo đảm mỗi sự kiện hộ tịch đều được ghi vào sổ đầy đủ, chính xác.",
        "Bà {person}, công chức Văn phòng - Thống kê, chịu trách nhiệm theo dõi, tổng hợp kết quả"
        " thực hiện và tham mưu Ủy ban nhân dân xã báo cáo cấp trên đúng thời gian quy định.",
        "Các sổ đăng ký khai sinh, kết hôn, khai tử từ năm 1990 đến năm {year} được kiểm đếm, phân loại"
        " và số hóa theo thứ tự thời gian, không để thất lạc hoặc hư hỏng.",
        "Thời gian tiếp nhận hồ sơ vào các ngày làm việc trong tuần: buổi sáng từ 7 giờ 30 phút đến"
        " 11 giờ 30 phút, buổi chiều từ 13 giờ 30 phút đến 17 giờ.",
        "Tổng kinh phí dự kiến là {money} đồng, trong đó ngân sách huyện hỗ trợ {n1} triệu đồng, phần"
        " còn lại do ngân sách xã bảo đảm theo phân cấp hiện hành.",
        "Ban Chỉ huy quân sự xã phối hợp với Công an xã bố trí lực lượng trực, sẵn sàng hỗ trợ nhân dân"
        " di dời tài sản đến nơi an toàn khi có tình huống xảy ra.",
        "Người dân có thể nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia; kết quả được trả qua"
        " dịch vụ bưu chính công ích hoặc trực tiếp tại Bộ phận một cửa.",
        "Đến ngày {date}, đã có {n2} trường hợp được cấp giấy khai sinh bản điện tử và {n3} trường hợp"
        " được hướng dẫn bổ sung giấy tờ còn thiếu.",
        "Yêu cầu Thủ trưởng các đơn vị có liên quan quán triệt nội dung Chỉ thị này đến toàn thể cán bộ,"
        " công chức và người lao động để nghiêm túc thực hiện.",
    ],
}
RECIPIENTS = ["- Như trên;", "- UBND huyện (b/c);", "- Phòng Tư pháp huyện;", "- Thường trực Đảng ủy;"]
RECIPIENTS += ["- Các thôn, tổ dân phố;", "- Lưu: VT, TP."]


@dataclass
class Block:
    """Lines drawn in one column: (text, pt, style) with style '', 'b' (bold) or 'i' (italic)."""

    lines: list[tuple[str, float, str]]
    x_mm: float  # left edge of the column
    w_mm: float  # column width (lines are centred in it when ``center``)
    center: bool = True


@dataclass
class Page:
    image: Image.Image  # grey, MASTER_DPI
    truth: str
    seal_box: tuple[int, int, int, int]  # where a seal and signature go (px at MASTER_DPI)
    name_box: tuple[int, int, int, int]  # the signer's printed name
    fills: list[tuple[int, int, int]] = field(default_factory=list)  # (x, y, h px) of blank fill-in spots


def _font(path: str, pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(4, round(pt / 72 * dpi)))


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _fill(template: str, rng: random.Random, slots: dict[str, str]) -> str:
    d = rng.randint(1, 28)
    m = rng.randint(1, 12)
    values = dict(slots)
    values.update(
        num=str(rng.randint(12, 2999)),
        date=f"{d:02d}/{m:02d}/{slots['year']}",
        person=person(rng),
        money=f"{rng.randint(12, 950)}.{rng.randint(0, 999):03d}.000",
        n1=str(rng.randint(11, 480)),
        n2=str(rng.randint(5, 260)),
        n3=str(rng.randint(3, 120)),
    )
    values["topic"] = rng.choice(TOPICS).format(**values)
    return template.format(**values)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width_px: float, draw: ImageDraw.ImageDraw) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        cand = f"{cur} {word}".strip()
        if cur and draw.textlength(cand, font=font) > width_px:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def draw_page(subset: str, seed: int) -> Page:
    """One A4 page at ``MASTER_DPI``: header, title, body, recipients and signature block."""
    rng = random.Random(f"{subset}:{seed}")
    dpi = MASTER_DPI
    mm = dpi / 25.4
    body_pt = rng.choice([12.0, 13.0, 13.0, 14.0])
    year = rng.randint(2018, 2025)
    slots = {
        "year": str(year),
        "year1": str(year + 1),
        "place": rng.choice(PLACES),
        "district": rng.choice(DISTRICTS),
    }
    im = Image.new("L", (round(210 * mm), round(297 * mm)), 255)
    draw = ImageDraw.Draw(im)
    fonts = {
        s: {p: _font({"": SERIF, "b": SERIF_BOLD, "i": SERIF_ITALIC}[s], p, dpi) for p in (12.0, 13.0, 14.0)}
        for s in ("", "b", "i")
    }
    truth: list[str] = []

    def block(b: Block, y: float) -> float:
        for text, pt, style in b.lines:
            font = fonts[style][pt]
            tw = draw.textlength(text, font=font)
            x = b.x_mm * mm + ((b.w_mm * mm - tw) / 2 if b.center else 0)
            draw.text((x, y), text, font=font, fill=15)
            y += pt / 72 * dpi * 1.35
        truth.extend(t for t, _, _ in b.lines)
        return y

    top = 15 * mm
    left = Block(
        [
            (f"UBND HUYỆN {slots['district'].upper()}", 13.0, ""),
            (f"ỦY BAN NHÂN DÂN XÃ {slots['place'].upper()}", 13.0, "b"),
            (f"Số: {rng.randint(10, 999)}/TB-UBND", 13.0, ""),
        ],
        12,
        80,
    )
    right = Block(
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13.0, "b"),
            ("Độc lập - Tự do - Hạnh phúc", 14.0, "b"),
            (f"{slots['place']}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year}", 13.0, "i"),
        ],
        95,
        100,
    )
    y_left = block(left, top)
    y_right = block(right, top)
    y = max(y_left, y_right) + 8 * mm
    title = rng.choice(TITLES)
    topic = rng.choice(TOPICS).format(**slots)
    y = block(Block([(title, 14.0, "b")], 20, 170), y)
    for line in _wrap(f"Về việc {topic}", fonts["b"][13.0], 150 * mm, draw):
        y = block(Block([(line, 13.0, "b")], 20, 170), y)
    y += 5 * mm
    pool = SENTENCES[subset]
    n_par = rng.randint(4, 6)
    fills = []
    for _ in range(n_par):
        sentence = _fill(rng.choice(pool), rng, slots)
        first = True
        for line in _wrap(sentence, fonts[""][body_pt], 160 * mm, draw):
            x = 25 if first else 20
            draw.text((x * mm, y), line, font=fonts[""][body_pt], fill=15)
            truth.append(line)
            first = False
            y += body_pt / 72 * dpi * 1.5
        y += 2 * mm
        if y > 215 * mm:
            break
    # A line with a blank to fill in by hand (a form-like note).
    label = "Người liên hệ:"
    draw.text((20 * mm, y), label, font=fonts[""][body_pt], fill=15)
    lw = draw.textlength(label + " ", font=fonts[""][body_pt])
    fills.append((int(20 * mm + lw), int(y), int(body_pt / 72 * dpi)))
    truth.append(label)
    y += body_pt / 72 * dpi * 1.5 + 6 * mm
    recipients = ["Nơi nhận:"] + rng.sample(RECIPIENTS[:-1], 3) + [RECIPIENTS[-1]]
    rec_lines = [(r, 12.0, "b" if i == 0 else "") for i, r in enumerate(recipients)]
    block(Block(rec_lines, 20, 70, center=False), y)
    signer = person(rng)
    sig = Block([("TM. ỦY BAN NHÂN DÂN", 13.0, "b"), ("CHỦ TỊCH", 13.0, "b")], 105, 90)
    y_sig = block(sig, y)
    name_y = y_sig + 28 * mm
    font = fonts["b"][13.0]
    tw = draw.textlength(signer, font=font)
    nx = 105 * mm + (90 * mm - tw) / 2
    draw.text((nx, name_y), signer, font=font, fill=15)
    truth.append(signer)
    seal_box = (int(102 * mm), int(y - 2 * mm), int(150 * mm), int(name_y + 4 * mm))
    name_box = (int(nx), int(name_y), int(nx + tw), int(name_y + 13 / 72 * dpi))
    return Page(im, "\n".join(truth) + "\n", seal_box, name_box, fills)

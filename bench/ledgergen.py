"""Generated handwritten ledger pages (sổ kẻ cột) with their truth: each entry's row band and each
column's cell, for ``bench.ledgerrows`` and the row tests.

A page is a landscape A4 ledger of a book type: a printed header (the column titles of the book
type's ledger in the catalogue — khai sinh 8 columns, khai tử 10, kết hôn 8 — or, for the families
marked ``local``, a locality's own columns; and the numbered markers ``(1) (2) …``) in a ruled box, then rows of invented entries written
in a hand-like font (Dancing Script, ``fonts-dancingscript``) with a pen's jitter in size, slant
and baseline, sometimes a word running over the rule. The rules of the body are one of:

* ``clean``: printed, dark, straight;
* ``faint``: printed in light grey, thin, on toned paper;
* ``broken``: printed, with gaps and worn-out stretches (dashes, missing segments);
* ``hand``: drawn by hand: each rule its own slope, a slow wave, uneven pressure and ends;
* ``absent``: no rule between the entries (the header box and, in some families, the column
  rules are printed); entries are told apart by line spacing only, some take two lines.

The page is then turned by the family's skew and scanned (paper tone, blur, noise, specks). Truth
is measured after the turn: a row band is the vertical span of the entry's slot at the table's
centre line; a cell box is the span of the cell at the cell's centre line (axis-aligned).

A family is a fixed set of these choices; families are split into ``tune`` (the detector's
thresholds were chosen on these) and ``holdout`` (never looked at while tuning: other book types,
densities, resolutions and noise). Everything is deterministic for a family and a page index.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.namegen import COMMUNES, NameGen
from bench.realscan_pages import _wrap as wrap_text
from sohoa.samples import SERIF, SERIF_BOLD, _font

HAND_FONTS = (
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Bold.otf",
)
RULES = ("clean", "faint", "broken", "worn", "hand", "absent")

Box = tuple[int, int, int, int]

# Columns per book type, in the catalogue's order: (register column id, value kind, width share). The
# header printed above each is the column's title in the catalogue (``indexer/fields/doc_types.yaml``,
# the book type's ledger page type), so a generated page is the ledger the reader and the desk expect.
LAYOUT: dict[str, list[tuple[str, str, float]]] = {
    "khai_sinh": [
        ("so", "so", 0.05),
        ("registration_date", "date", 0.10),
        ("child_name", "name", 0.17),
        ("child_birth_date", "birth", 0.10),
        ("child_sex", "sex", 0.06),
        ("child_birth_place", "place", 0.18),
        ("mother_name", "fname", 0.17),
        ("father_name", "mname", 0.17),
    ],
    "khai_tu": [
        ("so", "so", 0.045),
        ("registration_date", "date", 0.09),
        ("deceased_name", "deceased", 0.14),
        ("deceased_birth_date", "old", 0.09),
        ("deceased_sex", "sex", 0.05),
        ("deceased_residence", "place", 0.15),
        ("death_date", "death", 0.09),
        ("death_place", "deathplace", 0.12),
        ("death_cause", "cause", 0.095),
        ("declarant_name", "name", 0.13),
    ],
    "ket_hon": [
        ("so", "so", 0.06),
        ("registration_date", "date", 0.12),
        ("wife_name", "fname", 0.16),
        ("wife_birth_date", "adult", 0.11),
        ("wife_residence", "place", 0.14),
        ("husband_name", "man", 0.16),
        ("husband_birth_date", "adult", 0.11),
        ("husband_residence", "place", 0.14),
    ],
}
_CAUSES = ("Bệnh già", "Ốm đau", "Tai nạn giao thông", "Bệnh tim", "Tai biến", "Đuối nước", "Sốt rét")
_DEATH_PLACES = ("Tại nhà", "Trạm y tế xã", "Bệnh viện huyện", "Bệnh viện tỉnh")


def _columns(book: str) -> list[tuple[str, str, float]]:
    """(header printed, value kind, width share) per column of the book type's ledger."""
    from indexer.fields.catalogue import load
    from indexer.registers.vocabulary import BOOK_TYPES

    ledger = BOOK_TYPES[book].ledger_type
    dt = load().get(ledger) if ledger else None
    assert dt is not None and dt.register is not None, f"the catalogue has no ledger for {book}"
    title = {c.id: c.title for c in dt.register.columns}
    layout = LAYOUT[book]
    assert [c for c, _k, _s in layout] == [c.id for c in dt.register.columns], f"{book}: not the catalogue's columns"
    assert abs(sum(s for _c, _k, s in layout) - 1) < 1e-9, f"{book}: the widths do not fill the page"
    return [(title[c], kind, share) for c, kind, share in layout]


COLUMNS: dict[str, list[tuple[str, str, float]]] = {b: _columns(b) for b in LAYOUT}

# A locality's own ledgers (pre-2006 books vary by locality, domain.md §3): other columns than the
# catalogue's, for the row and cell benches only (the reader binds the catalogue's columns). The first
# khai tử and kết hôn families were drawn with these, and keep them so their numbers stay comparable.
LOCAL: dict[str, list[tuple[str, str, float]]] = {
    "khai_tu": [
        ("Số", "so", 0.06),
        ("Ngày, tháng, năm đăng ký", "date", 0.12),
        ("Họ, chữ đệm, tên người chết", "name", 0.20),
        ("Ngày, tháng, năm sinh", "birth", 0.12),
        ("Giới tính", "sex", 0.07),
        ("Ngày chết", "date", 0.12),
        ("Nơi chết", "place", 0.31),
    ],
    "ket_hon": [
        ("Số", "so", 0.06),
        ("Ngày, tháng, năm đăng ký", "date", 0.13),
        ("Họ, chữ đệm, tên chồng", "mname", 0.20),
        ("Ngày, tháng, năm sinh (chồng)", "birth", 0.12),
        ("Họ, chữ đệm, tên vợ", "fname", 0.20),
        ("Ngày, tháng, năm sinh (vợ)", "birth", 0.12),
        ("Ghi chú", "note", 0.17),
    ],
}


@dataclass(frozen=True)
class Family:
    name: str
    split: str  # tune | holdout
    rules: str  # one of RULES
    book: str = "khai_sinh"
    dpi: int = 200
    skew: float = 0.6  # largest turn of the page, degrees
    noise: float = 6.0  # grey-level sigma of the scan noise
    rows: tuple[int, int] = (8, 14)  # entries per page
    row_mm: float = 13.0  # ruled row height
    empty_rows: int = 2  # most ruled rows left empty at the foot
    vertical: bool = True  # column rules in the body
    faint_grey: tuple[int, int] = (175, 210)  # grey of a faint (or worn) rule before the paper's tone
    hand_mm: tuple[float, float] = (3.6, 4.4)  # height of the handwriting
    warp_mm: float = 0.0  # a bound book's page bending near its spine: how far the rules drop there
    jpeg: int | None = None  # saved as JPEG of this quality
    local: bool = False  # the locality's own columns (LOCAL), not the catalogue's: row and cell benches only
    pages: int = 12


FAMILIES: tuple[Family, ...] = (
    Family("clean-ks", "tune", "clean"),
    Family("faint-ks", "tune", "faint"),
    Family("broken-ks", "tune", "broken"),
    Family("hand-ks", "tune", "hand"),
    Family("absent-ks", "tune", "absent"),
    Family(
        "clean-kt", "holdout", "clean", "khai_tu", dpi=150, rows=(10, 16), row_mm=11.0, skew=1.0, noise=8.0, local=True
    ),
    Family(
        "faint-kt", "holdout", "faint", "khai_tu", dpi=150, rows=(10, 16), row_mm=11.0, skew=1.0, noise=8.0, local=True
    ),
    Family(
        "broken-kh", "holdout", "broken", "ket_hon", dpi=300, rows=(6, 10), row_mm=16.0, skew=1.2, noise=9.0, local=True
    ),
    Family(
        "hand-kh", "holdout", "hand", "ket_hon", dpi=300, rows=(6, 10), row_mm=16.0, skew=1.2, noise=9.0, local=True
    ),
    Family("faint-kh-noisy", "holdout", "faint", "ket_hon", dpi=200, rows=(9, 14), noise=12.0, skew=1.5, local=True),
    Family("broken-ks-dense", "holdout", "broken", "khai_sinh", dpi=200, rows=(12, 18), row_mm=10.0, empty_rows=4),
    Family("absent-kt", "holdout", "absent", "khai_tu", dpi=200, rows=(7, 12), vertical=False, skew=1.0, local=True),
    Family("ghost-ks", "holdout", "faint", "khai_sinh", dpi=150, noise=10.0, skew=1.5, faint_grey=(200, 225)),
    # harder: worn (faint and broken), pages bent at the spine, writing across the rules, low resolution
    Family("worn-ks", "tune", "worn", skew=1.0, noise=8.0),
    Family("warp-ks", "tune", "hand", warp_mm=4.0, skew=1.0),
    Family("cross-ks", "tune", "broken", row_mm=8.5, hand_mm=(4.2, 5.0), rows=(12, 18)),
    Family("worn-kt-lowres", "holdout", "worn", "khai_tu", dpi=100, jpeg=40, noise=8.0, skew=1.5, local=True),
    Family("warp-kh", "holdout", "faint", "ket_hon", dpi=300, warp_mm=7.0, skew=1.0, noise=9.0, local=True),
    Family(
        "cross-kh", "holdout", "faint", "ket_hon", row_mm=9.0, hand_mm=(4.4, 5.2), rows=(12, 18), skew=1.2, local=True
    ),
    Family("worn-ks-ghost", "holdout", "worn", "khai_sinh", dpi=150, noise=10.0, skew=1.5, faint_grey=(195, 220)),
    # the catalogue's khai tử (10 columns) and kết hôn (8 columns) ledgers, as the reader and the desk take them
    Family("hand-kt", "holdout", "hand", "khai_tu", dpi=200, rows=(8, 13), skew=1.0, noise=7.0),
    Family("faint-kt10", "holdout", "faint", "khai_tu", dpi=150, rows=(10, 16), row_mm=11.0, skew=1.0, noise=8.0),
    Family("absent-kt10", "holdout", "absent", "khai_tu", dpi=200, rows=(7, 12), vertical=False, skew=1.0),
    Family("worn-kt10-lowres", "holdout", "worn", "khai_tu", dpi=100, jpeg=40, noise=8.0, skew=1.5),
    Family("hand-kh8", "holdout", "hand", "ket_hon", dpi=300, rows=(6, 10), row_mm=16.0, skew=1.2, noise=9.0),
    Family("faint-kh8", "holdout", "faint", "ket_hon", dpi=200, rows=(9, 14), noise=10.0, skew=1.2),
    # tune: the catalogue's khai tử and kết hôn ledgers unruled (entries filling the page, short
    # values wrapped alone onto a second line), dense broken and worn rules, tall two-line rows
    Family(
        "absent-kt10-hi",
        "tune",
        "absent",
        "khai_tu",
        dpi=250,
        rows=(8, 13),
        vertical=False,
        skew=0.8,
        hand_mm=(3.8, 4.6),
    ),
    Family("absent-kh8", "tune", "absent", "ket_hon", rows=(7, 12), vertical=False, skew=1.0),
    Family("absent-kt10-cols", "tune", "absent", "khai_tu", rows=(7, 12), skew=1.0, noise=7.0),
    Family(
        "broken-kt10-dense", "tune", "broken", "khai_tu", dpi=250, rows=(12, 18), row_mm=10.5, empty_rows=4, skew=0.8
    ),
    Family("worn-kt10-dense", "tune", "worn", "khai_tu", rows=(12, 18), row_mm=10.0, empty_rows=4, skew=1.0, noise=8.0),
    Family("tall-kt10", "tune", "hand", "khai_tu", dpi=250, rows=(6, 10), row_mm=17.0, skew=0.8, noise=7.0),
    Family("worn-ks-lowres", "tune", "worn", dpi=100, jpeg=45, noise=7.0, skew=1.2),
    Family("faint-kh8-lowres", "tune", "faint", "ket_hon", dpi=100, jpeg=50, rows=(9, 14), noise=8.0, skew=1.0),
    Family("worn-kt10-100", "tune", "worn", "khai_tu", dpi=100, jpeg=45, rows=(9, 14), noise=7.0, skew=1.2),
)


def family(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)


@dataclass
class LedgerTruth:
    """A generated page and where its entries are."""

    image: Image.Image  # 8-bit grey
    dpi: int
    family: str
    rows: list[tuple[int, int]] = field(default_factory=list)  # each entry's band (y top, y bottom)
    cells: list[list[Box]] = field(default_factory=list)  # per entry, per column: (x, y, w, h)
    values: list[list[str]] = field(default_factory=list)  # per entry, per column: the written text
    headers: list[str] = field(default_factory=list)


# -- values -----------------------------------------------------------------------------------------


def _values(
    book: str, cols: list[tuple[str, str, float]], rng: random.Random, names: NameGen, year: int, first: int, n: int
) -> list[list[str]]:
    out = []
    day = rng.randint(1, 20)
    for i in range(n):
        day = min(day + rng.randint(0, 3), 330)
        reg = f"{(day % 28) + 1:02d}/{day // 28 + 1:02d}/{year}"
        row: list[str] = []
        male: bool | None = None  # the deceased's sex, for the sex column
        for _label, kind, _w in cols:
            if kind == "so":
                row.append(str(first + i))
            elif kind == "date":
                row.append(reg if rng.random() < 0.9 else f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{year}")
            elif kind == "birth":
                by = year - (0 if book == "khai_sinh" else rng.randint(18, 80))
                row.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{by}")
            elif kind in ("old", "adult"):  # the deceased's birth (old books: often the year alone); a spouse's
                by = year - (rng.randint(1, 95) if kind == "old" else rng.randint(18, 45))
                whole = kind == "adult" or rng.random() < 0.7
                row.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{by}" if whole else str(by))
            elif kind == "death":  # a few days before it was registered
                dd = max(0, day - rng.randint(0, 12))
                row.append(f"{(dd % 28) + 1:02d}/{dd // 28 + 1:02d}/{year}")
            elif kind == "deathplace":
                where = rng.choice(_DEATH_PLACES)
                row.append(where if where != "Trạm y tế xã" else f"{where} {rng.choice(COMMUNES)}")
            elif kind == "cause":
                row.append(rng.choice(_CAUSES))
            elif kind == "name":
                row.append(names.full_name(rng.random() < 0.5))
            elif kind == "mname":
                row.append(names.full_name(True) if rng.random() > 0.05 else "")
            elif kind == "man":
                row.append(names.full_name(True))
            elif kind == "fname":
                row.append(names.full_name(False))
            elif kind == "deceased":
                male = rng.random() < 0.5
                row.append(names.full_name(male))
            elif kind == "sex":
                row.append(rng.choice(["Nam", "Nữ"]) if male is None else ("Nam" if male else "Nữ"))
            elif kind == "place":
                row.append(
                    f"xã {rng.choice(COMMUNES)}" + (f", huyện {rng.choice(COMMUNES)}" if rng.random() < 0.6 else "")
                )
            else:
                row.append("" if rng.random() < 0.7 else "lần đầu")
        out.append(row)
    return out


# -- drawing ----------------------------------------------------------------------------------------


def _rule(
    d: ImageDraw.ImageDraw,
    a: tuple[float, float],
    b: tuple[float, float],
    style: str,
    rng: random.Random,
    mm: float,
    grey: tuple[int, int] = (175, 210),
) -> None:
    """One rule from a to b in the family's style."""
    (x0, y0), (x1, y1) = a, b
    length = math.hypot(x1 - x0, y1 - y0)
    if style == "clean":
        d.line([a, b], fill=rng.randint(0, 40), width=max(2, round(0.3 * mm)))
        return
    if style == "faint":
        d.line([a, b], fill=rng.randint(*grey), width=max(1, round(0.15 * mm)))
        return
    if style in ("broken", "worn"):
        ink = rng.randint(*grey) - 20 if style == "worn" else rng.randint(60, 130)
        t, width = 0.0, max(1, round(0.2 * mm))
        while t < length:
            seg = rng.uniform(3, 40) * mm
            gap = rng.uniform(0.5, 2.0) * mm if rng.random() < 0.7 else rng.uniform(4, 12) * mm
            s0, s1 = t / length, min(1.0, (t + seg) / length)
            d.line(
                [(x0 + (x1 - x0) * s0, y0 + (y1 - y0) * s0), (x0 + (x1 - x0) * s1, y0 + (y1 - y0) * s1)],
                fill=min(235, ink + rng.randint(-20, 40)),
                width=width,
            )
            t += seg + gap
        return
    # hand: a slow wave, its own slope, pressure changing along the stroke
    n = max(2, int(length / (2 * mm)))
    amp, wave, phase = rng.uniform(0.2, 0.7) * mm, rng.uniform(60, 160) * mm, rng.uniform(0, 6.3)
    slope = math.tan(math.radians(rng.uniform(-0.5, 0.5)))
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    pts = []
    for k in range(n + 1):
        s = k / n
        off = amp * math.sin(phase + 2 * math.pi * s * length / wave) + slope * s * length
        pts.append((x0 + (x1 - x0) * s + nx * off, y0 + (y1 - y0) * s + ny * off))
    ink = rng.randint(30, 90)
    for p, q in zip(pts, pts[1:]):
        d.line([p, q], fill=min(200, ink + rng.randint(0, 50)), width=max(1, round(rng.uniform(0.15, 0.35) * mm)))


# Dancing Script has no Vietnamese letters: a letter is written as its base and its marks are added
# by hand above (or below) it, as a pen would.
_MARKS = {"\u0301": "´", "\u0300": "`", "\u0303": "~", "\u0309": "ˀ", "\u0302": "^", "\u0306": "˘"}
_MARK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _letter(d: ImageDraw.ImageDraw, x: float, y: float, ch: str, f: ImageFont.FreeTypeFont, ink: int) -> float:
    """One letter with its marks; returns its advance."""
    parts = unicodedata.normalize("NFD", ch)
    base = parts[0]
    bar = base in "đĐ"
    if bar:
        base = "d" if base == "đ" else "D"
    d.text((x, y), base, font=f, fill=ink)
    adv = d.textlength(base, font=f)
    size = f.size
    top = y + (0.18 if base.islower() and base not in "bdhklt" else -0.05) * size
    small = ImageFont.truetype(_MARK_FONT, max(6, round(size * 0.5)))
    lift = 0.0
    for m in parts[1:]:
        if m == "\u0323":  # dot below
            d.text((x + adv * 0.35, y + 0.78 * size), ".", font=small, fill=ink)
        elif m == "\u031b":  # horn
            d.text((x + adv * 0.8, y + 0.08 * size), "'", font=small, fill=ink)
        elif m in _MARKS:
            d.text((x + adv * 0.3 + 0.1 * size * (m == "\u0301"), top - lift), _MARKS[m], font=small, fill=ink)
            lift += 0.22 * size
    if bar:
        d.line(
            [(x + adv * 0.45, y + 0.35 * size), (x + adv * 1.05, y + 0.35 * size)],
            fill=ink,
            width=max(1, round(size) // 14),
        )
    return adv


def _hand(d: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, rng: random.Random) -> float:
    """Handwritten text word by word: each word its own size, baseline and ink; returns the x after it."""
    x, y = xy
    ink = rng.randint(10, 70)
    for word in text.split():
        f = ImageFont.truetype(HAND_FONTS[rng.random() < 0.3], max(8, round(size * rng.uniform(0.9, 1.12))))
        wy = y + rng.uniform(-0.08, 0.08) * size
        tone = ink + rng.randint(-10, 25)
        for ch in word:
            x += _letter(d, x, wy, ch, f, tone)
        x += d.textlength(" ", font=f) * rng.uniform(0.95, 1.4)
    return x


def _wrap(d: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    return wrap_text(text, font, width, d)


def _scan(im: Image.Image, fam: Family, rng: random.Random) -> np.ndarray:
    a: np.ndarray = np.asarray(im, dtype=np.float32)
    tone = rng.uniform(225, 250) if fam.rules in ("faint", "worn") else rng.uniform(235, 252)
    a = a * (tone / 255.0)
    w = a.shape[1]
    a -= rng.uniform(0, 12) * (np.arange(w, dtype=np.float32) / w)[None, :]  # uneven light across the page
    a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.5, 1.0) * fam.dpi / 200).astype(np.float64)
    nr = np.random.default_rng(rng.randrange(1 << 30))
    a = a + nr.normal(0, fam.noise, a.shape)
    specks = nr.random(a.shape) < 0.0004
    a[specks] = nr.uniform(40, 160, int(specks.sum()))
    out = np.clip(a, 0, 255).astype(np.uint8)
    if fam.jpeg is not None:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, fam.jpeg])
        assert ok
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def _bend(h: int, w: int, fam: Family, right: bool) -> np.ndarray:
    """How far down each column of the page is moved by the bend at the spine (pixels)."""
    x = np.arange(w, dtype=np.float32)
    g = 0.2 * w
    s = np.clip((x - (w - g)) / g if right else (g - x) / g, 0, 1)
    return (fam.warp_mm * fam.dpi / 25.4) * s**2


def _warp(im: Image.Image, dy: np.ndarray) -> Image.Image:
    a = np.asarray(im)
    h, w = a.shape
    mx = np.tile(np.arange(w, dtype=np.float32), (h, 1))
    my = np.arange(h, dtype=np.float32)[:, None] - dy[None, :]
    return Image.fromarray(cv2.remap(a, mx, my, cv2.INTER_LINEAR, borderValue=255))


def _turn(points: np.ndarray, angle: float, centre: tuple[float, float]) -> np.ndarray:
    m = cv2.getRotationMatrix2D(centre, angle, 1.0)
    return points @ m[:, :2].T + m[:, 2]


def ledger_page(fam: Family, index: int) -> LedgerTruth:
    """Page ``index`` of a family, with its truth."""
    rng = random.Random(f"{fam.name}/{index}")
    names = NameGen(seed=rng.randrange(1 << 30))
    dpi, mm = fam.dpi, fam.dpi / 25.4
    w, h = round(297 * mm), round(210 * mm)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    year = rng.randint(1975, 2015)
    cols = LOCAL[fam.book] if fam.local else COLUMNS[fam.book]
    title, head, body = (
        _font(SERIF_BOLD, round(5.5 * mm)),
        _font(SERIF_BOLD, round(2.9 * mm)),
        _font(SERIF, round(3.4 * mm)),
    )
    t = {"khai_sinh": "SỔ ĐĂNG KÝ KHAI SINH", "khai_tu": "SỔ ĐĂNG KÝ KHAI TỬ", "ket_hon": "SỔ ĐĂNG KÝ KẾT HÔN"}[
        fam.book
    ]
    d.text(((w - d.textlength(t, font=title)) / 2, 10 * mm), t, font=title, fill=10)
    sub = f"UBND xã {rng.choice(COMMUNES)} - Năm {year}"
    d.text(((w - d.textlength(sub, font=body)) / 2, 19 * mm), sub, font=body, fill=10)
    left, right = rng.uniform(12, 18) * mm, w - rng.uniform(12, 18) * mm
    xs = [left]
    for _lab, _k, share in cols:
        xs.append(xs[-1] + share * (right - left))
    top = 28 * mm
    head_h, mark_h = rng.uniform(14, 18) * mm, 5.5 * mm
    n = rng.randint(*fam.rows)
    row_h = fam.row_mm * mm * rng.uniform(0.92, 1.08)
    hsize = round(rng.uniform(*fam.hand_mm) * mm)
    body_top = top + head_h + mark_h
    room = h - body_top - 12 * mm  # the page's foot margin
    n = min(n, int(room / (row_h if fam.rules != "absent" else 2.0 * hsize * 1.25)))
    values = _values(fam.book, cols, rng, names, year, rng.randint(1, 400), n)
    rows: list[tuple[float, float]] = []  # entry bands before the turn
    line_pitch = hsize * 1.25
    text_spans: list[tuple[float, float]] = []  # unruled: where each entry's lines are
    if fam.rules == "absent":
        # entries by line spacing; a long value wraps onto a second line
        y = body_top + rng.uniform(1.5, 3) * mm
        gap = rng.uniform(0.45, 0.8) * hsize
        lines_of = []
        for row in values:
            k = max(
                len(_wrap(d, v, ImageFont.truetype(HAND_FONTS[0], hsize), xs[i + 1] - xs[i] - 1.5 * mm))
                for i, v in enumerate(row)
            )
            lines_of.append(min(2, k))
        spans = text_spans
        for k in lines_of:
            if y + k * line_pitch + gap > body_top + room:  # the entries that fit above the page's foot
                break
            spans.append((y, y + k * line_pitch))
            y += k * line_pitch + gap
        del values[len(spans) :]
        for i, (a, b) in enumerate(spans):
            lo = body_top if i == 0 else (spans[i - 1][1] + a) / 2
            hi = b + gap / 2
            rows.append((lo, hi))
        bottom = y + 2 * mm
    else:
        empty = min(rng.randint(0, fam.empty_rows), int(room / row_h) - n)
        ys = [body_top + i * row_h for i in range(n + empty + 1)]
        rows = [(ys[i], ys[i + 1]) for i in range(n)]
        bottom = ys[-1]
        style = fam.rules
        for yv in ys[1:]:
            jit = rng.uniform(-0.4, 0.4) * mm if style == "hand" else 0.0
            _rule(d, (left, yv + jit), (right, yv - jit), style, rng, mm, fam.faint_grey)
    # header box and markers: always printed
    for yv in (top, top + head_h, body_top):
        d.line([(left, yv), (right, yv)], fill=20, width=max(2, round(0.3 * mm)))
    vstyle = "clean" if fam.rules == "absent" else fam.rules
    for x in xs:
        d.line([(x, top), (x, body_top)], fill=20, width=max(2, round(0.3 * mm)))
        if fam.vertical:
            _rule(d, (x, body_top), (x, bottom), vstyle, rng, mm, fam.faint_grey)
    if fam.rules == "absent" and fam.vertical:
        _rule(d, (left, bottom), (right, bottom), "clean", rng, mm)
    for i, (label, _k, _s) in enumerate(cols):
        for j, line in enumerate(_wrap(d, label, head, xs[i + 1] - xs[i] - 2 * mm)[:4]):
            d.text((xs[i] + 1 * mm, top + 1 * mm + j * 3.6 * mm), line, font=head, fill=10)
        m = f"({i + 1})"
        d.text(((xs[i] + xs[i + 1] - d.textlength(m, font=body)) / 2, top + head_h + 0.8 * mm), m, font=body, fill=10)
    # the entries, by hand
    for r, row in enumerate(values):
        a, b = rows[r]
        for i, v in enumerate(row):
            if not v:
                continue
            f = ImageFont.truetype(HAND_FONTS[0], hsize)
            lines = _wrap(d, v, f, xs[i + 1] - xs[i] - 1.5 * mm)
            if fam.rules != "absent":
                lines = lines[:2] if (b - a) > 2.2 * line_pitch else [" ".join(lines)]
                y0 = a + (b - a - len(lines) * line_pitch) / 2 - 0.15 * hsize + rng.uniform(-0.6, 0.6) * mm
            else:
                lines = lines[:2]
                y0 = text_spans[r][0] - 0.15 * hsize
            for j, line in enumerate(lines):
                _hand(d, (xs[i] + rng.uniform(0.6, 2.0) * mm, y0 + j * line_pitch), line, hsize, rng)
    # the turn and the scan
    angle = rng.uniform(-fam.skew, fam.skew)
    centre = (w / 2, h / 2)
    turned = im.rotate(angle, resample=Image.Resampling.BICUBIC, center=centre, fillcolor=255)
    dy = _bend(h, w, fam, rng.random() < 0.5)
    if fam.warp_mm:
        turned = _warp(turned, dy)
    scanned = Image.fromarray(_scan(turned, fam, rng))
    out = LedgerTruth(scanned, dpi, fam.name, headers=[c[0] for c in cols])
    # PIL turns counter-clockwise for a positive angle, as cv2.getRotationMatrix2D does
    cx = (left + right) / 2
    for r, (a, b) in enumerate(rows):
        p = _turn(np.array([[cx, a], [cx, b]]), angle, centre)
        bend = float(dy[min(w - 1, max(0, round(p[0][0])))])
        out.rows.append((round(p[0][1] + bend), round(p[1][1] + bend)))
        cells = []
        for i in range(len(cols)):
            mx = (xs[i] + xs[i + 1]) / 2
            q = _turn(np.array([[mx, a], [mx, b], [xs[i], (a + b) / 2], [xs[i + 1], (a + b) / 2]]), angle, centre)
            x0, x1 = round(q[2][0]), round(q[3][0])
            bend = float(dy[min(w - 1, max(0, round(q[0][0])))])
            y0_, y1_ = round(q[0][1] + bend), round(q[1][1] + bend)
            cells.append((x0, y0_, x1 - x0, y1_ - y0_))
        out.cells.append(cells)
        out.values.append(list(values[r]))
    return out


def pages(fam: Family, count: int | None = None) -> list[LedgerTruth]:
    return [ledger_page(fam, i) for i in range(count if count is not None else fam.pages)]

"""Real-world quirks and damage applied to a drawn page (``bench.realscan_pages``).

Each kind turns the 300-dpi master into the file a commune would actually receive:

| kind | what |
|---|---|
| ``clean300`` | the master, PNG tagged 300 dpi |
| ``tag72`` | the same pixels tagged 72 dpi (what office scanners put in PDFs) |
| ``dpi150``, ``dpi100``, ``dpi72`` | resampled to that resolution, tagged correctly, JPEG |
| ``phone`` | 576 px wide, JPEG quality 70, no tag (a phone-size image of a scan) |
| ``seal`` | colour 200 dpi JPEG: red round seal over the signature block, blue signature over the name |
| ``hand`` | 200 dpi grey: handwritten fill-ins (a script font) on the page's blanks and margin |
| ``photocopy`` | 200 dpi bilevel: toner speckle, roller streaks, low-ink dropouts, grey cast, blur |
| ``fax`` | 200×100 dpi fax standard resolution stretched back, bilevel, line jitter, speckle |

The noise is our own (numpy/OpenCV), seeded. augraphy's recipes are the ``aug_*`` kinds of
``bench.realscan`` (``bench.augraphy_kinds``): augraphy installs ``opencv-python``, which must not
sit beside the project's ``opencv-python-headless`` (two wheels writing one ``cv2`` package), so
it runs in its own venv (``.venv-augraphy``) as a subprocess.

Guarantees: deterministic for a given page and seed; never changes the truth (seals,
signatures and handwriting are not text the truth holds).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.realscan_pages import HAND, MASTER_DPI, SERIF_BOLD, Page, person

# A script font first (fonts-dancingscript, installed by scripts/setup.sh bench); without it an
# oblique sans (fonts-dejavu-extra) stands in, which looks far less like handwriting.
HAND_FONTS = (HAND, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf")
KINDS = ("clean300", "tag72", "dpi150", "dpi100", "dpi72", "phone", "seal", "hand", "photocopy", "fax")
RED = (200, 30, 40)
BLUE = (30, 50, 170)


@dataclass
class Degraded:
    data: bytes  # the file's bytes
    suffix: str  # ".png" / ".jpg"
    dpi: int  # the page's true resolution (for the table); the file may say otherwise


def _save(im: Image.Image, fmt: str, dpi: int | None, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    kw: dict[str, object] = {}
    if dpi is not None:
        kw["dpi"] = (dpi, dpi)
    if fmt == "JPEG":
        kw["quality"] = quality
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _resample(im: Image.Image, dpi: int) -> Image.Image:
    f = dpi / MASTER_DPI
    arr = np.asarray(im)
    h, w = arr.shape[:2]
    out = cv2.resize(arr, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    return Image.fromarray(out)


def draw_seal(rgb: Image.Image, cx: float, cy: float, r: float, rng: random.Random, dpi: int) -> None:
    """A red round seal: two rings, text around the ring, a star in the middle; semi-transparent
    ink (multiply), so black print under it stays black."""
    layer = Image.new("L", rgb.size, 0)
    d = ImageDraw.Draw(layer)
    wpx = max(2, round(0.8 / 25.4 * dpi))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=wpx)
    r2 = r * 0.68
    d.ellipse((cx - r2, cy - r2, cx + r2, cy + r2), outline=255, width=max(1, wpx // 2))
    font = ImageFont.truetype(SERIF_BOLD, max(6, round(r * 0.17)))
    text = f"ỦY BAN NHÂN DÂN * XÃ {rng.choice(['TÂN HÒA', 'PHÚ LỘC', 'AN THỚI', 'MỸ XUYÊN'])} *"
    for i, ch in enumerate(text):
        a = -math.pi / 2 + 2 * math.pi * i / len(text)
        rr = (r + r2) / 2
        glyph = Image.new("L", (int(r * 0.3), int(r * 0.3)), 0)
        ImageDraw.Draw(glyph).text((glyph.width // 4, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        layer.paste(
            255, (int(cx + rr * math.cos(a) - glyph.width / 2), int(cy + rr * math.sin(a) - glyph.height / 2)), glyph
        )
    star = [
        (
            cx + (r * 0.3 if k % 2 == 0 else r * 0.12) * math.cos(-math.pi / 2 + k * math.pi / 5),
            cy + (r * 0.3 if k % 2 == 0 else r * 0.12) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    d.polygon(star, fill=255)
    _multiply(rgb, layer, RED, 0.85)


def draw_signature(rgb: Image.Image, box: tuple[int, int, int, int], rng: random.Random, dpi: int) -> None:
    """A blue pen signature: a few loops and a long stroke across ``box``."""
    layer = Image.new("L", rgb.size, 0)
    d = ImageDraw.Draw(layer)
    x0, y0, x1, y1 = box
    pts = []
    n = rng.randint(40, 70)
    for i in range(n):
        t = i / (n - 1)
        x = x0 + t * (x1 - x0)
        y = (y0 + y1) / 2 + (y1 - y0) * 0.45 * math.sin(t * rng.uniform(8, 14) + rng.uniform(0, 3))
        pts.append((x + rng.uniform(-4, 4), y))
    d.line(pts, fill=255, width=max(2, round(0.5 / 25.4 * dpi)), joint="curve")
    d.line([(x0, y1), (x1, y0 + (y1 - y0) * 0.3)], fill=255, width=max(2, round(0.4 / 25.4 * dpi)))
    _multiply(rgb, layer, BLUE, 0.9)


def _multiply(rgb: Image.Image, mask: Image.Image, colour: tuple[int, int, int], alpha: float) -> None:
    a = np.asarray(rgb).astype(np.float32)
    m = np.asarray(mask).astype(np.float32)[..., None] / 255.0 * alpha
    ink = np.array(colour, np.float32)[None, None, :] / 255.0
    out = a * (1 - m + m * ink)
    rgb.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8)))


def _handwrite(im: Image.Image, page: Page, rng: random.Random) -> None:
    """Fill-ins in a script font (ASCII only: the font has no Vietnamese marks), slanted and
    wavy, in the blanks and as a margin note."""
    scale = im.width / (210 / 25.4 * MASTER_DPI)
    pieces = []
    for x, y, h in page.fills:
        name = person(rng)
        plain = "".join(c for c in _ascii(name)) + f" {rng.randint(900, 999)}{rng.randint(100000, 999999)}"
        pieces.append((x * scale, (y - h * 0.3) * scale, h * 1.3 * scale, plain))
    pieces.append((120 / 25.4 * MASTER_DPI * scale, 60 / 25.4 * MASTER_DPI * scale, 40 * scale, "Da nhan 12/3 - Hung"))
    hand = next((f for f in HAND_FONTS if Path(f).exists()), None)
    if hand is None:
        raise SystemExit(f"no hand-like font: install fonts-dancingscript ({HAND_FONTS[0]})")
    for x, y, h, text in pieces:
        font = ImageFont.truetype(hand, max(8, int(h)))
        layer = Image.new("L", (int(h * len(text) * 0.7) + 20, int(h * 2)), 0)
        ImageDraw.Draw(layer).text((5, 0), text, font=font, fill=255)
        layer = layer.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC, expand=True)
        ink = Image.new("L", layer.size, 40)
        im.paste(ink, (int(x), int(y)), layer)


def _ascii(s: str) -> str:
    import unicodedata

    out = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in out if ord(c) < 128)


def _speckle(arr: np.ndarray, rng: np.random.Generator, density: float, dpi: int) -> None:
    h, w = arr.shape
    n = int(density * h * w / 1e4)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    rs = rng.integers(1, max(2, dpi // 100) + 1, n)
    for x, y, r in zip(xs, ys, rs, strict=True):
        cv2.circle(arr, (int(x), int(y)), int(r), 0, -1)


def photocopy(gray: Image.Image, seed: int, dpi: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    arr = np.asarray(_resample(gray, dpi)).astype(np.float32)
    arr = cv2.GaussianBlur(arr, (0, 0), 0.8)
    # Low ink: a smooth field lightens the print in patches.
    h, w = arr.shape
    field = cv2.resize(rng.random((8, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    arr = 255 - (255 - arr) * (0.55 + 0.45 * field)
    # Grey cast and roller streaks (vertical, a few px wide, of varying darkness).
    arr = arr * 0.93
    for _ in range(rng.integers(2, 5)):
        x = int(rng.integers(0, w))
        arr[:, x : x + int(rng.integers(2, 6))] *= rng.uniform(0.35, 0.7)
    if rng.random() < 0.7:
        y = int(rng.integers(0, h))
        arr[y : y + int(rng.integers(2, 5)), :] *= rng.uniform(0.4, 0.7)
    arr += rng.normal(0, 12, arr.shape)
    out = (arr > 150).astype(np.uint8) * 255
    _speckle(out, rng, 1.5, dpi)
    return out


def fax(gray: Image.Image, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = np.asarray(_resample(gray, 200)).astype(np.float32)
    h, w = a.shape
    half = cv2.resize(a, (w, h // 2), interpolation=cv2.INTER_AREA)  # 100 dpi down the page
    half = (half > 160).astype(np.uint8) * 255
    # Line jitter: each scan line shifted by a pixel now and then.
    for y in range(half.shape[0]):
        if rng.random() < 0.04:
            half[y] = np.roll(half[y], int(rng.integers(-2, 3)))
    out = cv2.resize(half, (w, h), interpolation=cv2.INTER_NEAREST)
    _speckle(out, rng, 0.8, 200)
    return out


def degrade(page: Page, kind: str, seed: int) -> Degraded:
    rng = random.Random(f"{kind}:{seed}")
    g = page.image
    if kind == "clean300":
        return Degraded(_save(g, "PNG", 300), ".png", 300)
    if kind == "tag72":
        return Degraded(_save(g, "PNG", 72), ".png", 300)
    if kind in ("dpi150", "dpi100", "dpi72"):
        dpi = int(kind[3:])
        return Degraded(_save(_resample(g, dpi), "JPEG", dpi, 85), ".jpg", dpi)
    if kind == "phone":
        f = 576 / g.width
        small = g.resize((576, round(g.height * f)), Image.LANCZOS)
        return Degraded(_save(small.convert("RGB"), "JPEG", None, 70), ".jpg", round(MASTER_DPI * f))
    if kind == "seal":
        rgb = g.convert("RGB")
        x0, y0, _x1, y1 = page.seal_box
        r = 19 / 25.4 * MASTER_DPI
        draw_seal(rgb, x0 + r + rng.uniform(-20, 40), (y0 + y1) / 2 + rng.uniform(-30, 30), r, rng, MASTER_DPI)
        nx0, ny0, nx1, _ny1 = page.name_box
        draw_signature(rgb, (nx0 + 30, ny0 - 180, nx1 + 60, ny0 + 10), rng, MASTER_DPI)
        return Degraded(_save(_resample(rgb, 200), "JPEG", 200, 85), ".jpg", 200)
    if kind == "hand":
        im = g.copy()
        _handwrite(im, page, rng)
        return Degraded(_save(_resample(im, 200), "PNG", 200), ".png", 200)
    if kind == "photocopy":
        return Degraded(_save(Image.fromarray(photocopy(g, seed)).convert("1"), "PNG", 200), ".png", 200)
    if kind == "fax":
        return Degraded(_save(Image.fromarray(fax(g, seed)).convert("1"), "PNG", 200), ".png", 200)
    raise ValueError(f"unknown degradation kind {kind!r}")

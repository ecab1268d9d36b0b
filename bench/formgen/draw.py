"""Draws a ``bench.formgen.blocks.Page`` onto an A4 image and records, as it draws, the page's text
(one printed line per line, reading order as in ``../shared/bench/README.md``), every field's value
and label exactly as printed, and a log of every string drawn with its box.

Guarantees: a field's truth value is the space-joined concatenation of the value pieces drawn for it
(a wrapped value's rest is its own text line); leaders (dots, underscores), boxes, rules, barcodes and
signatures are never text. Raises ``Overflow`` when the content does not fit on the page (the caller
retries smaller); never silently drops content.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.formgen.blocks import Gap, Mark, Page, Pair, Row, Table, Text, TwoCol

FONT_DIRS = {
    "liberation": "/usr/share/fonts/truetype/liberation2/",
    "dejavu": "/usr/share/fonts/truetype/dejavu/",
}
FONTS = {
    "serif": FONT_DIRS["liberation"] + "LiberationSerif-Regular.ttf",
    "serif_bold": FONT_DIRS["liberation"] + "LiberationSerif-Bold.ttf",
    "serif_italic": FONT_DIRS["liberation"] + "LiberationSerif-Italic.ttf",
    "sans": FONT_DIRS["liberation"] + "LiberationSans-Regular.ttf",
    "sans_bold": FONT_DIRS["liberation"] + "LiberationSans-Bold.ttf",
    "sans_italic": FONT_DIRS["liberation"] + "LiberationSans-Italic.ttf",
    "mono": FONT_DIRS["dejavu"] + "DejaVuSansMono.ttf",
    "dejavu_sans": FONT_DIRS["dejavu"] + "DejaVuSans.ttf",
    "dejavu_sans_bold": FONT_DIRS["dejavu"] + "DejaVuSans-Bold.ttf",
    "dejavu_oblique": FONT_DIRS["dejavu"] + "DejaVuSans-Oblique.ttf",
    "dejavu_serif": FONT_DIRS["dejavu"] + "DejaVuSerif.ttf",
    "dejavu_serif_bold": FONT_DIRS["dejavu"] + "DejaVuSerif-Bold.ttf",
    "dejavu_serif_italic": FONT_DIRS["dejavu"] + "DejaVuSerif-Italic.ttf",
    "condensed": FONT_DIRS["dejavu"] + "DejaVuSansCondensed.ttf",
    "condensed_bold": FONT_DIRS["dejavu"] + "DejaVuSansCondensed-Bold.ttf",
    "mono_liberation": FONT_DIRS["liberation"] + "LiberationMono-Regular.ttf",
}


class Overflow(RuntimeError):
    pass


@lru_cache(maxsize=256)
def font(name: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[name], px)


@dataclass
class Style:
    """How one software (or hand) prints a form."""

    label_font: str = "serif"
    bold_font: str = "serif_bold"
    italic_font: str = "serif_italic"
    value_font: str = "mono"
    label_pt: float = 13.0
    value_pt: float = 12.0
    title_pt: float = 15.0
    label_case: str = "as_is"  # as_is | upper
    leader: str = "dots"  # dots | underscore | box | none
    line_gap: float = 1.75
    hand: bool = False  # hand-like filled values (jittered oblique glyphs, blue ink)
    # how the hand is imitated: "glyphs" turns each glyph of an oblique face on a wavy baseline;
    # "elastic" draws the whole value in an italic face and warps it by a smooth random field
    hand_mode: str = "glyphs"
    value_bold: bool = False
    left_mm: float = 22.0
    right_mm: float = 18.0
    top_mm: float = 16.0
    bottom_mm: float = 14.0
    ink: tuple[int, int, int] = (20, 20, 20)
    value_ink: tuple[int, int, int] = (25, 25, 25)
    scale: float = 1.0
    fit: str = "wrap"  # wrap: a long value continues on the next line; shrink: smaller type first (to 70 %)
    leader_under_value: bool = False  # dotted leader runs under the value too (as the dev set draws it)


@dataclass
class Drawn:
    text: str
    box: tuple[int, int, int, int]
    fid: str | None
    role: str  # label | value | text


class Renderer:
    def __init__(self, style: Style, rng: random.Random, dpi: int = 300) -> None:
        self.s = style
        self.rng = rng
        self.dpi = dpi
        self.w, self.h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
        self.im = Image.new("RGB", (self.w, self.h), (255, 255, 255))
        self.d = ImageDraw.Draw(self.im)
        self.x0 = self.mm(style.left_mm)
        self.x1 = self.w - self.mm(style.right_mm)
        self.y = self.mm(style.top_mm)
        self.lines: list[str] = []
        self.log: list[Drawn] = []
        self.fields: dict[str, str] = {}
        self.labels: dict[str, str] = {}

    # -- units and fonts ---------------------------------------------------------------------------
    def mm(self, v: float) -> int:
        return round(v / 25.4 * self.dpi)

    def px(self, pt: float) -> int:
        return round(pt * self.s.scale / 72 * self.dpi)

    def f_label(self) -> ImageFont.FreeTypeFont:
        return font(self.s.label_font, self.px(self.s.label_pt))

    def _value_font_name(self) -> str:
        name = self.s.value_font
        if self.s.value_bold and name + "_bold" in FONTS:
            name += "_bold"
        return name

    def f_value(self) -> ImageFont.FreeTypeFont:
        return font(self._value_font_name(), self.px(self.s.value_pt))

    def f_style(self, style: str) -> ImageFont.FreeTypeFont:
        if style == "title":
            return font(self.s.bold_font, self.px(self.s.title_pt))
        if style in ("bold", "heading"):
            return font(self.s.bold_font, self.px(self.s.label_pt))
        if style == "italic":
            return font(self.s.italic_font, self.px(self.s.label_pt - 0.5))
        if style == "small":
            return font(self.s.label_font, self.px(self.s.label_pt - 2))
        return self.f_label()

    @property
    def lh(self) -> int:
        return round(self.px(self.s.label_pt) * self.s.line_gap)

    def label_text(self, label: str) -> str:
        return label.upper() if self.s.label_case == "upper" else label

    # -- primitives --------------------------------------------------------------------------------
    def _check(self, y: int) -> None:
        if y > self.h - self.mm(self.s.bottom_mm):
            raise Overflow("content does not fit on one page")

    def text_at(
        self, x: float, base: int, s: str, f: ImageFont.FreeTypeFont, fid: str | None, role: str, ink=None
    ) -> int:
        """Draw ``s`` with its baseline at ``base``; returns the advance width."""
        if not s:
            return 0
        if role == "value" and self.s.hand:
            if self.s.hand_mode == "elastic":
                return self._hand_elastic(x, base, s, f, fid)
            return self._hand(x, base, s, f, fid)
        self.d.text(
            (x, base), s, font=f, fill=ink or (self.s.value_ink if role == "value" else self.s.ink), anchor="ls"
        )
        w = f.getlength(s)
        bb = self.d.textbbox((x, base), s, font=f, anchor="ls")
        self.log.append(Drawn(s, (int(bb[0]), int(bb[1]), int(bb[2]), int(bb[3])), fid, role))
        return math.ceil(w)

    def _hand(self, x: float, base: int, s: str, f: ImageFont.FreeTypeFont, fid: str | None) -> int:
        """Hand-like: each glyph of an oblique font turned a little, on a wavy drifting baseline,
        size and spacing jittered, in ballpoint blue."""
        r = self.rng
        phase, amp = r.uniform(0, 6.28), f.size * r.uniform(0.05, 0.11)
        slope = r.uniform(-0.02, 0.02)
        cx = x
        x_start = x
        top, bottom = float(base), float(base)
        ink = (r.randint(10, 40), r.randint(30, 60), r.randint(110, 160))
        for i, ch in enumerate(s):
            dy = amp * math.sin(phase + i * 0.5) + (cx - x_start) * slope + r.gauss(0, f.size * 0.02)
            g = font(self.s.value_font, max(8, round(f.size * r.uniform(0.9, 1.1))))
            adv = g.getlength(ch)
            if not ch.isspace():
                pad = g.size // 2
                asc, desc = g.getmetrics()
                mask = Image.new("L", (round(adv) + 2 * pad, asc + desc + 2 * pad), 0)
                ImageDraw.Draw(mask).text((pad, pad + asc), ch, font=g, fill=255, anchor="ls")
                mask = mask.rotate(r.uniform(-7, 7), resample=Image.BICUBIC)
                ox, oy = round(cx - pad), round(base + dy - asc - pad)
                self.im.paste(Image.new("RGB", mask.size, ink), (ox, oy), mask)
                bb = mask.getbbox()
                if bb:
                    top, bottom = min(top, oy + bb[1]), max(bottom, oy + bb[3])
            cx += adv + r.uniform(-0.03, 0.1) * f.size
        self.log.append(Drawn(s, (int(x), int(top), int(cx), int(bottom)), fid, "value"))
        return math.ceil(cx - x)

    def _hand_elastic(self, x: float, base: int, s: str, f: ImageFont.FreeTypeFont, fid: str | None) -> int:
        """Hand-like, another way than ``_hand``: the value in an italic face, sheared by a per-word
        slant, its strokes thickened or thinned, then warped by a smooth random displacement field
        (wavy baseline, uneven letters), in black or blue-black ballpoint."""
        r = self.rng
        size = max(8, round(f.size * r.uniform(0.95, 1.15)))
        g = font(self.s.value_font, size)
        asc, desc = g.getmetrics()
        pad = size
        gaps = [r.uniform(0.95, 1.2) for _ in s.split(" ")]  # words spaced unevenly
        adv = sum(g.getlength(wd + " ") * k for wd, k in zip(s.split(" "), gaps, strict=True))
        mask = Image.new("L", (math.ceil(adv) + 2 * pad, asc + desc + 2 * pad), 0)
        md = ImageDraw.Draw(mask)
        cx = float(pad)
        for word, k in zip(s.split(" "), gaps, strict=True):
            md.text((cx, pad + asc), word, font=g, fill=255, anchor="ls")
            cx += g.getlength(word + " ") * k
        m = np.asarray(mask, dtype=np.float32) / 255.0
        h, w = m.shape
        shear = r.uniform(-0.12, 0.22)
        sm = np.float32([[1, shear, -shear * (pad + asc)], [0, 1, 0]])
        m = cv2.warpAffine(m, sm, (w, h), flags=cv2.INTER_LINEAR)
        rs = np.random.default_rng(r.randrange(1 << 30))
        sigma = size * r.uniform(0.6, 1.0)
        alpha = size * r.uniform(0.14, 0.24)
        dx = cv2.GaussianBlur(rs.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma)
        dy = cv2.GaussianBlur(rs.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma)
        dx *= alpha / max(float(np.abs(dx).max()), 1e-6)
        dy *= alpha / max(float(np.abs(dy).max()), 1e-6)
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        m = cv2.remap(m, gx + dx, gy + dy, cv2.INTER_LINEAR, borderValue=0)
        k = r.choice((-1, 0, 0, 1))
        if k:
            ker = np.ones((2, 2), np.uint8)
            m = cv2.dilate(m, ker) if k > 0 else cv2.erode(m, ker)
        warped = Image.fromarray(np.clip(m * 255, 0, 255).astype(np.uint8))
        dark = r.random() < 0.5
        ink = (
            (r.randint(5, 30), r.randint(5, 30), r.randint(30, 60))
            if dark
            else (r.randint(15, 45), r.randint(25, 55), r.randint(100, 150))
        )
        ox, oy = round(x - pad), round(base - asc - pad)
        self.im.paste(Image.new("RGB", warped.size, ink), (ox, oy), warped)
        bb = warped.getbbox() or (pad, pad, pad + 1, pad + 1)
        self.log.append(Drawn(s, (ox + bb[0], oy + bb[1], ox + bb[2], oy + bb[3]), fid, "value"))
        return math.ceil(cx - pad)

    def width(self, s: str, f: ImageFont.FreeTypeFont) -> int:
        w = f.getlength(s)
        return math.ceil(w * (1.1 if self.s.hand else 1.0) + (0.1 * f.size * len(s) if self.s.hand else 0))

    def leader(self, xa: float, xb: float, base: int) -> None:
        if xb - xa < 8:
            return
        kind = self.s.leader
        col = (90, 90, 90)
        if kind == "dots":
            step = max(4, self.px(13) // 7)
            x = xa + step / 2
            while x < xb:
                self.d.ellipse((x - 1, base - 1, x + 1, base + 1), fill=col)
                x += step
        elif kind == "underscore":
            f = self.f_label()
            u = f.getlength("_")
            n = int((xb - xa) // u)
            if n > 0:
                self.d.text((xa, base), "_" * n, font=f, fill=(60, 60, 60), anchor="ls")

    def box(self, xa: float, xb: float, base: int) -> None:
        f = self.f_label()
        top = base - round(f.size * 0.95)
        bot = base + round(f.size * 0.35)
        self.d.rectangle((xa, top, xb, bot), outline=(70, 70, 70), width=max(1, self.dpi // 150))

    # -- blocks ------------------------------------------------------------------------------------
    def render(self, page: Page) -> None:
        for b in page.blocks:
            if isinstance(b, Text):
                self.block_text(b)
            elif isinstance(b, Row):
                self.block_row(b)
            elif isinstance(b, Table):
                self.block_table(b)
            elif isinstance(b, TwoCol):
                self.block_twocol(b)
            elif isinstance(b, Gap):
                self.y += self.mm(b.mm)
            elif isinstance(b, Mark):
                self.block_mark(b)
            else:
                raise TypeError(f"unknown block {b!r}")

    def wrap(self, s: str, f: ImageFont.FreeTypeFont, first: float, rest: float) -> list[str]:
        """Greedy word wrap: the first line gets ``first`` pixels, the others ``rest``."""
        words = s.split()
        out: list[str] = []
        cur = ""
        avail = first
        for w in words:
            cand = f"{cur} {w}" if cur else w
            if self.width(cand, f) <= avail or (not cur and avail >= rest):
                cur = cand
            elif not cur:  # nothing fits on the first line: start on the next one
                out.append("")
                avail = rest
                cur = w
            else:
                out.append(cur)
                avail = rest
                cur = w
        out.append(cur)
        return out

    def block_text(self, b: Text) -> None:
        f = self.f_style(b.style)
        for line in self.wrap(b.text, f, self.x1 - self.x0, self.x1 - self.x0):
            base = self.y + round(f.size * 1.0)
            self._check(base)
            wl = f.getlength(line)
            x = float(self.x0)
            if b.align == "center":
                x = (self.x0 + self.x1 - wl) / 2
            elif b.align == "right":
                x = self.x1 - wl
            self.text_at(x, base, line, f, None, "text")
            self.lines.append(line)
            self.y += round(f.size * (1.35 if b.style in ("title", "heading") else self.s.line_gap * 0.85))

    def _record(self, p: Pair, label: str, value: str) -> None:
        if p.fid:
            if p.fid in self.fields:
                raise ValueError(f"field {p.fid} drawn twice")
            self.fields[p.fid] = value
            self.labels[p.fid] = label

    def block_row(self, b: Row) -> None:
        fl, fv = self.f_label(), self.f_value()
        gap = round(fl.size * 0.3)
        labels = [self.label_text(p.label) for p in b.pairs]
        base = self.y + round(fl.size * 1.0)
        self._check(base)
        if len(b.pairs) == 1:
            p, label = b.pairs[0], labels[0]
            x = self.x0 + self.text_at(self.x0, base, label, fl, p.fid, "label") + (gap if label else 0)
            if self.s.fit == "shrink":
                size = fv.size
                while self.width(p.value, fv) > self.x1 - x - gap and fv.size > size * 0.7:
                    fv = font(self._value_font_name(), fv.size - 1)
            parts = self.wrap(p.value, fv, self.x1 - x - gap, self.x1 - self.x0 - gap)
            self._record(p, label, " ".join(q for q in parts if q))
            line_text = label
            for i, part in enumerate(parts):
                if i:
                    self.lines.append(line_text) if line_text else None
                    self.y += self.lh
                    base = self.y + round(fl.size * 1.0)
                    self._check(base)
                    x = self.x0
                    line_text = ""
                if self.s.leader == "box" and p.fid:
                    self.box(x - gap // 2, self.x1, base)
                xe = x + self.text_at(x + (gap // 2 if self.s.leader == "box" else 0), base, part, fv, p.fid, "value")
                self.leader(
                    (x if self.s.leader_under_value else xe) + gap,
                    self.x1,
                    base + (3 if self.s.leader_under_value else 0),
                )
                line_text = f"{line_text} {part}".strip()
            self.lines.append(line_text)
            self.y += self.lh
            return
        # several pairs on one line: equal slots if each fits, else packed left to right
        nat = [float(self.width(lab, fl) + gap + self.width(p.value, fv)) for lab, p in zip(labels, b.pairs)]
        total = self.x1 - self.x0
        slot = total / len(b.pairs)
        min_lead = fl.size * 1.2
        starts: list[float] = []
        if all(n + min_lead <= slot for n in nat):
            starts = [self.x0 + i * slot for i in range(len(b.pairs))]
            ends = [*starts[1:], float(self.x1)]
        elif sum(nat) + min_lead * len(nat) <= total:
            spare = (total - sum(nat)) / len(nat)
            xa = float(self.x0)
            for n in nat:
                starts.append(xa)
                xa += n + spare
            ends = [*starts[1:], float(self.x1)]
        else:  # does not fit: one pair per line, still in the same order
            for p in b.pairs:
                self.block_row(Row([p]))
            return
        texts = []
        for p, label, xs, xe_slot in zip(b.pairs, labels, starts, ends):
            xv = xs + self.text_at(xs, base, label, fl, p.fid, "label") + gap
            if self.s.leader == "box" and p.fid:
                self.box(xv - gap // 2, xe_slot - gap, base)
            xend = xv + self.text_at(
                xv + (gap // 2 if self.s.leader == "box" else 0), base, p.value, fv, p.fid, "value"
            )
            self.leader(
                (xv if self.s.leader_under_value else xend) + gap,
                xe_slot - gap,
                base + (3 if self.s.leader_under_value else 0),
            )
            self._record(p, label, p.value)
            texts.append(f"{label} {p.value}".strip())
        self.lines.append(" ".join(texts))
        self.y += self.lh

    def block_table(self, t: Table) -> None:
        fl, fv, fb = self.f_label(), self.f_value(), self.f_style("bold")
        pad = round(fl.size * 0.35)
        lw = round((self.x1 - self.x0) * t.label_frac)
        ncol = len(t.header) - 1
        cw = ((self.x1 - self.x0) - lw) / ncol
        xs = [self.x0, self.x0 + lw] + [self.x0 + lw + cw * (i + 1) for i in range(ncol)]
        lh = round(fl.size * 1.3)
        lw_px = max(1, self.dpi // 120)
        # header row
        top = self.y
        self._check(top + lh + 2 * pad)
        for i, h in enumerate(t.header):
            wl = fb.getlength(h)
            self.text_at((xs[i] + xs[i + 1] - wl) / 2, top + pad + round(fb.size * 0.95), h, fb, None, "text")
        self.lines.append(" ".join(t.header))
        bottom = top + lh + 2 * pad
        self.d.rectangle((xs[0], top, xs[-1], bottom), outline=self.s.ink, width=lw_px)
        for x in xs[1:-1]:
            self.d.line((x, top, x, bottom), fill=self.s.ink, width=lw_px)
        y = bottom
        for label, cells in t.rows:
            lab = self.label_text(label)
            lab_lines = self.wrap(lab, fl, lw - 2 * pad, lw - 2 * pad)
            cell_lines = [self.wrap(c.value, fv, cw - 2 * pad, cw - 2 * pad) for c in cells]
            n = max([len(lab_lines)] + [len(c) for c in cell_lines])
            row_h = n * lh + 2 * pad
            self._check(y + row_h)
            blocks = [(lab_lines, fl, None, "label")] + [(cl, fv, c.fid, "value") for cl, c in zip(cell_lines, cells)]
            for i, (ls, f, fid, role) in enumerate(blocks):
                off = (n - len(ls)) * lh // 2 if t.valign == "middle" else 0
                for k, s in enumerate(ls):
                    self.text_at(xs[i] + pad, y + pad + off + k * lh + round(fl.size * 0.95), s, f, fid, role)
            for c, cl in zip(cells, cell_lines):
                self._record(Pair(c.fid, lab.rstrip(":") + ":", c.value), lab, " ".join(cl))
            self.lines.append(" ".join([" ".join(lab_lines)] + [" ".join(cl) for cl in cell_lines]))
            self.d.rectangle((xs[0], y, xs[-1], y + row_h), outline=self.s.ink, width=lw_px)
            for x in xs[1:-1]:
                self.d.line((x, y, x, y + row_h), fill=self.s.ink, width=lw_px)
            y += row_h
        self.y = y + self.mm(3)

    def block_twocol(self, b: TwoCol) -> None:
        mid = (self.x0 + self.x1) / 2
        heights = []
        for side, (xa, xb) in (
            (b.left, (self.x0 - self.mm(8), mid - self.mm(4))),
            (b.right, (mid - self.mm(6), self.x1 + self.mm(6))),
        ):
            y = self.y
            last_w = 0.0
            for t in side:
                f = self.f_style(t.style)
                while f.getlength(t.text) > xb - xa - self.mm(2) and f.size > 12:  # a column's text never
                    f = f.font_variant(size=f.size - 1)  # runs into the other column: set smaller
                base = y + round(f.size * 1.0)
                self._check(base)
                wl = f.getlength(t.text)
                x = (xa + xb - wl) / 2 if t.align == "center" else (xb - wl if t.align == "right" else xa)
                self.text_at(x, base, t.text, f, t.fid, "value" if t.fid else "text")
                if t.fid:
                    self._record(Pair(t.fid, t.label, t.text), t.label, t.text)
                self.lines.append(t.text)
                last_w = wl
                y += round(f.size * 1.3)
            if b.rule and side and last_w:
                rw = min(last_w * 0.6, (xb - xa) * 0.5)
                cx = (xa + xb) / 2
                self.d.line((cx - rw / 2, y, cx + rw / 2, y), fill=self.s.ink, width=max(1, self.dpi // 150))
            heights.append(y - self.y)
        self.y += max(heights) + self.mm(3)

    def block_mark(self, m: Mark) -> None:
        r = self.rng
        if m.kind == "rule":
            self.d.line((self.x0, self.y, self.x1, self.y), fill=self.s.ink, width=max(2, self.dpi // 100))
            self.y += self.mm(2)
            return
        if m.kind == "barcode":
            h = self.mm(9)
            x = self.x1 - self.mm(55) if m.align == "right" else self.x0
            for _ in range(60):
                wbar = r.choice([1, 1, 2, 3]) * max(1, self.dpi // 100)
                if r.random() < 0.55:
                    self.d.rectangle((x, self.y, x + wbar - 1, self.y + h), fill=(0, 0, 0))
                x += wbar
            self.y += h + self.mm(2)
            return
        if m.kind == "qr":
            n, cell = 25, max(2, self.mm(0.7))
            x0 = self.x1 - n * cell
            for i in range(n):
                for j in range(n):
                    finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
                    on = (i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4)) if finder else r.random() < 0.5
                    if finder and not (i < 7 and j < 7):
                        ii, jj = i % (n - 7) if i >= n - 7 else i, j % (n - 7) if j >= n - 7 else j
                        on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
                    if on:
                        self.d.rectangle(
                            (x0 + j * cell, self.y + i * cell, x0 + (j + 1) * cell - 1, self.y + (i + 1) * cell - 1),
                            fill=(0, 0, 0),
                        )
            return  # drawn beside the next lines, no vertical space taken
        if m.kind == "signature":
            cx = {"left": self.x0 + (self.x1 - self.x0) * 0.25, "right": self.x0 + (self.x1 - self.x0) * 0.75}.get(
                m.align, (self.x0 + self.x1) / 2
            )
            pts = []
            w = self.mm(30)
            for i in range(40):
                t = i / 39
                pts.append(
                    (
                        cx - w / 2 + w * t,
                        self.y + self.mm(6) + self.mm(4) * math.sin(t * r.uniform(9, 14)) * r.uniform(0.6, 1),
                    )
                )
            self.d.line(pts, fill=(30, 30, 90), width=max(2, self.dpi // 110))
            self.y += self.mm(13)
            return
        raise ValueError(f"unknown mark {m.kind!r}")

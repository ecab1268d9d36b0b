"""The named layout families and the tune / hold-out split.

A family fixes how a software (or a hand) prints the four form types: wording set, label order,
pairs per line, table geometry, fonts and leaders, header block, place-date line, and the mix of
scan degradations. ``TUNE`` families may be looked at while developing the field reader;
``HOLDOUT`` families (their wordings, vendors and seeds) may not: nobody tunes on them, they are only
measured. Page seeds of the two splits come from disjoint ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.formgen.content import Opts
from bench.formgen.draw import Style

ALL_TYPES = (
    "to_khai_dang_ky_khai_sinh",
    "to_khai_dang_ky_ket_hon",
    "to_khai_dang_ky_khai_tu",
    "giay_tiep_nhan_ho_so",
)

SEED_BASE = {"tune": 100_000, "holdout": 900_000}


@dataclass
class Family:
    name: str
    split: str  # tune | holdout
    about: str
    opts: Opts
    style: Style = field(default_factory=Style)
    degrade: tuple[tuple[str, float], ...] = (("scan", 0.85), ("clean", 0.15))
    doc_types: tuple[str, ...] = ALL_TYPES
    skew: float = 3.5  # max |skew| in degrees (80 % of pages are skewed)
    # per page, one of these faces for the filled values and one (regular, bold, italic) for the
    # printed form, as the dev set varies them; empty = the style's own
    value_fonts: tuple[str, ...] = ()
    label_fonts: tuple[tuple[str, str, str], ...] = ()


DEV_VALUE_FONTS = ("mono", "dejavu_sans", "sans")
DEV_LABEL_FONTS = (
    ("serif", "serif_bold", "serif_italic"),
    ("dejavu_serif", "dejavu_serif_bold", "dejavu_serif_italic"),
)


def _f(name: str, split: str, about: str, **kw) -> Family:
    style = kw.get("style", Style())
    if style.label_font == "serif":  # the TT 2020 form as the dev set prints it: fonts vary per page
        kw.setdefault("value_fonts", () if style.hand else DEV_VALUE_FONTS)
        kw.setdefault("label_fonts", DEV_LABEL_FONTS)
    return Family(name, split, about, **kw)


FAMILIES: list[Family] = [
    # ---------------------------------------------------------------- tune
    _f(
        "standard",
        "tune",
        "TT 04/2020 wording and order as in the dev set, dotted leaders, scanned",
        opts=Opts(),
        style=Style(fit="shrink", leader_under_value=True),
    ),
    _f(
        "reordered",
        "tune",
        "labels shuffled inside each section, dev grouping of short fields, 30 % dated after the 2025 merger",
        opts=Opts(order="shuffle", date_styles=("dmy", "dmy_short"), after_merger=0.3),
    ),
    _f(
        "old_wording",
        "tune",
        "Họ và tên, Nơi thường trú/tạm trú, TT 01/2018 receipt wording, old-style date words",
        opts=Opts(
            wording=("tt2020", "old"),
            receipt="tt2018",
            words_style="old",
            id_styles=("cccd_short", "cmnd"),
            birth_year_styles=("year", "year", "dmy"),
        ),
    ),
    _f(
        "inline_pairs",
        "tune",
        "short fields packed 1-3 per line at random, long values wrapping, mixed date styles, TT 04/2024 fields",
        opts=Opts(
            inline="random",
            tt2024=True,
            long_values=True,
            date_styles=("dmy", "dmy_short", "dash"),
            birth_year_styles=("year", "dmy", "iso"),
            id_styles=("cccd_short", "the_can_cuoc", "cccd_issuer"),
        ),
        style=Style(value_pt=13.0),
    ),
    _f(
        "marriage_table",
        "tune",
        "marriage table: either column first, narrow label column (row labels wrap), "
        "vertically centred multi-line cells",
        opts=Opts(table_first="random", table_valign="middle", table_label_frac=0.2, long_values=True),
        doc_types=("to_khai_dang_ky_ket_hon",),
    ),
    _f(
        "vendor_a",
        "tune",
        "vendor A: one-stop portal printout, sans, UPPER-CASE labels, boxed fields, banner header, "
        "place-date at the right; photocopied or faxed",
        opts=Opts(
            number_beside=True,
            wording=("tt2020", "vendor_a"),
            header="banner_a",
            place_date="right",
            receipt="vendor",
            date_styles=("dmy",),
            id_styles=("cccd_short", "number_only"),
        ),
        style=Style(
            label_font="sans",
            bold_font="sans_bold",
            italic_font="sans_italic",
            value_font="sans",
            label_pt=11.5,
            value_pt=11.5,
            label_case="upper",
            leader="box",
            line_gap=1.9,
        ),
        degrade=(("photocopy", 0.4), ("fax", 0.2), ("scan", 0.25), ("lowres", 0.15)),
    ),
    _f(
        "vendor_b",
        "tune",
        "vendor B: DejaVu serif, underscores for leaders, numbered section headings, "
        "'Làm tại' without colon; scanned or photocopied",
        opts=Opts(
            marriage="sections",
            wording=("tt2020", "vendor_b"),
            header="banner_b",
            place_date="lam_tai_nocolon",
            section_headings=True,
            receipt="vendor",
            date_styles=("dmy", "dot"),
            unit_case="title",
        ),
        style=Style(
            label_font="dejavu_serif",
            bold_font="dejavu_serif_bold",
            italic_font="dejavu_serif_italic",
            value_font="dejavu_sans",
            label_pt=11.0,
            value_pt=11.0,
            leader="underscore",
            value_bold=True,
        ),
        degrade=(("scan", 0.5), ("photocopy", 0.3), ("lowres", 0.2)),
    ),
    _f(
        "vendor_e",
        "tune",
        "vendor E: labels and values in one typewriter face (DejaVu Sans Mono), UPPER-CASE labels, "
        "underscores, labels shuffled, marriage as Bên nữ / Bên nam blocks, units capitalised; "
        "scanned, photocopied or low resolution",
        opts=Opts(
            marriage="sections",
            wording=("tt2020", "vendor_b"),
            header="banner_a",
            order="shuffle",
            receipt="vendor",
            date_styles=("dmy", "dash"),
            unit_case="title",
        ),
        style=Style(
            label_font="mono",
            bold_font="dejavu_sans_bold",
            italic_font="dejavu_oblique",
            value_font="mono",
            label_pt=10.5,
            value_pt=10.5,
            label_case="upper",
            leader="underscore",
        ),
        degrade=(("scan", 0.35), ("photocopy", 0.35), ("lowres", 0.3)),
    ),
    _f(
        "hand_elastic",
        "tune",
        "TT 04/2020 form filled by hand, imitated otherwise than hand_filled: an italic face per page "
        "(Liberation Sans or Serif Italic), slanted per word and warped by a smooth random field, "
        "black or blue-black ink; scanned or photocopied",
        opts=Opts(date_styles=("dmy_short", "dmy"), birth_year_styles=("year",)),
        style=Style(value_font="sans_italic", value_pt=13.0, hand=True, hand_mode="elastic"),
        value_fonts=("sans_italic", "serif_italic"),
        degrade=(("scan", 0.6), ("photocopy", 0.4)),
    ),
    # ---------------------------------------------------------------- hold-out
    _f(
        "reordered_b",
        "holdout",
        "shuffled labels, random packing, Họ, chữ đệm và tên / Nơi thường trú wording",
        opts=Opts(
            wording=("tt2020", "old_b"),
            order="shuffle",
            inline="random",
            receipt="tt2018",
            date_styles=("dmy", "dmy_short"),
            birth_year_styles=("year", "iso"),
        ),
    ),
    _f(
        "tt2024",
        "holdout",
        "TT 04/2024: requester birth date, parents' ID papers, ID lines with issuer, long "
        "wrapping values, dd.mm.yyyy and d/m/yyyy dates",
        opts=Opts(
            tt2024=True,
            long_values=True,
            date_styles=("dot", "dmy_short", "dmy"),
            after_merger=0.4,
            id_styles=("cccd_issuer", "the_cccd_issuer", "the_can_cuoc"),
        ),
    ),
    _f(
        "marriage_table_b",
        "holdout",
        "marriage table with Bên nam first, very narrow label column, centred cells, hold-out row wording",
        opts=Opts(
            wording=("tt2020", "old_b"),
            table_first="nam",
            table_valign="middle",
            table_label_frac=0.16,
            long_values=True,
            order="shuffle",
        ),
        doc_types=("to_khai_dang_ky_ket_hon",),
    ),
    _f(
        "vendor_c",
        "holdout",
        "vendor C: condensed sans, no leaders, bold labels, QR header, UPPER national motto; photocopied or faxed",
        opts=Opts(
            number_beside=True,
            wording=("tt2020", "vendor_c"),
            header="banner_c",
            place_date="right",
            receipt="vendor",
            inline="random",
            date_styles=("dmy", "dmy_short"),
        ),
        style=Style(
            label_font="condensed_bold",
            bold_font="condensed_bold",
            italic_font="dejavu_oblique",
            value_font="condensed",
            label_pt=11.0,
            value_pt=11.5,
            leader="none",
            line_gap=1.8,
        ),
        degrade=(("photocopy", 0.4), ("fax", 0.3), ("lowres", 0.3)),
    ),
    _f(
        "vendor_d",
        "holdout",
        "vendor D: typewriter mono, UPPER-CASE labels, underscores, issuer block left, "
        "shuffled labels; scanned, photocopied or low resolution",
        opts=Opts(
            marriage="sections",
            wording=("tt2020", "vendor_d"),
            header="banner_d",
            order="shuffle",
            receipt="vendor",
            date_styles=("dmy", "dash"),
            unit_case="title",
        ),
        style=Style(
            label_font="mono_liberation",
            bold_font="dejavu_sans_bold",
            italic_font="dejavu_oblique",
            value_font="mono_liberation",
            label_pt=10.5,
            value_pt=10.5,
            label_case="upper",
            leader="underscore",
        ),
        degrade=(("scan", 0.3), ("photocopy", 0.4), ("lowres", 0.3)),
    ),
    _f(
        "hand_filled",
        "holdout",
        "TT 04/2020 form filled by hand (jittered oblique glyphs in blue ink), scanned or photocopied",
        opts=Opts(inline="dev", date_styles=("dmy_short", "dmy"), birth_year_styles=("year",)),
        style=Style(value_font="dejavu_oblique", value_pt=13.0, hand=True),
        degrade=(("scan", 0.7), ("photocopy", 0.3)),
    ),
]

BY_NAME = {f.name: f for f in FAMILIES}


def select(names: list[str] | None, split: str) -> list[Family]:
    if split not in ("tune", "holdout", "all"):
        raise ValueError(f"split must be tune, holdout or all, not {split!r}")
    unknown = [n for n in names or [] if n not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown families: {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    fams = [BY_NAME[n] for n in names] if names else FAMILIES
    return [f for f in fams if split == "all" or f.split == split]

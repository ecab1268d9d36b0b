"""The page model the form generator lays out: label/value pairs, rows, tables, text, header
blocks and signature blocks. Plain data; ``bench.formgen.draw`` turns it into pixels and text.

A ``Pair`` with a ``fid`` is a scored field (its ``value`` goes into the truth exactly as drawn);
one without is printed wording only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Pair:
    fid: str | None
    label: str
    value: str


@dataclass
class Row:
    """One printed line of one or more ``label: value`` pairs (a long single value may wrap)."""

    pairs: list[Pair]


@dataclass
class Text:
    text: str
    style: str = "body"  # body | bold | italic | title | heading | small
    align: str = "left"  # left | center | right
    fid: str | None = None  # a scored field printed as a line of its own (a signature's name)
    label: str = ""  # the label the field belongs to (printed elsewhere, e.g. above a signature)


@dataclass
class Table:
    """Marriage-style table: a header row, then one row per label with one cell per column."""

    header: list[str]
    rows: list[tuple[str, list[Pair]]]
    label_frac: float = 0.30
    valign: str = "top"  # top | middle


@dataclass
class TwoCol:
    """Side-by-side blocks (issuer left, national header right; or two signatures)."""

    left: list[Text]
    right: list[Text]
    rule: bool = True  # short rule under each block


@dataclass
class Gap:
    mm: float = 3.0


@dataclass
class Mark:
    """Non-text ink: a barcode, a QR-like square, a signature squiggle, a rule."""

    kind: str  # barcode | qr | signature | rule
    align: str = "center"


@dataclass
class Page:
    blocks: list = field(default_factory=list)

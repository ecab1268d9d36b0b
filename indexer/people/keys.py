"""The keys a person's name is indexed and compared by.

A name is a list of syllable tokens; for each token three forms are kept:

* **exact** — NFC, lower case, tone mark in the one canonical place (``hoà`` = ``hòa``,
  ``Ð`` = ``Đ``): what "exact with diacritics" compares;
* **folded** — no diacritics, ``đ``→``d`` (``nguyễn``/``nguyên``/``ngưyen`` → ``nguyen``):
  a wrong tone mark, ``ư``→``u`` and ``ơ``→``o`` all vanish here;
* **skeleton** — the folded form with spelling variants merged: a final ``y`` after a consonant
  onset becomes ``i`` (Mỹ/Mĩ, Kỳ/Kì, Lý/Lí, Quý/Quí), ``huynh``→``hoang`` (Hoàng/Huỳnh),
  ``vo``→``vu`` (Vũ/Võ), and the OCR digits ``1``→``l``, ``0``→``o``.

The skeleton of the first token is the surname key, of the last the given-name key, of those in
between the middle-name key. Compound surnames (Tôn Thất …) are never split specially: their
second syllable is a "middle" token, which the middle-name rules tolerate.

:func:`token_cost` is the OCR-damage distance between a typed token and a skeleton token, in
units: on the folded forms a dropped or an added letter costs 1 and a wrong letter 2 (the indel
distance), ``tr``↔``u`` at the start of a syllable costs 1 (Tesseract reads ``tr`` as ``ư``),
and the spelling variants of a skeleton cost 0. So the damage Tesseract typically does (a wrong
tone mark, ``ư``→``u``, ``ơ``→``o``: nothing once folded; a dropped letter; ``tr``→``ư``) costs at
most one unit per error, and an arbitrary wrong letter two. A token of up to three letters may be
2 units away, of four or five 3, a longer one 4; a whole name 4 (``MAX_EDITS``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from indexer.vntext import canonical, fold, repair_marks

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_Y_FINAL = re.compile(r"(?:qu|[bcdghklmnprstvx]+)y")
_I_FINAL = re.compile(r"(?:qu|[bcdghklmnprstvx]+)i")
_PAIRS = {"huynh": "hoang", "vo": "vu"}
_SURFACES_OF_PAIR = {"hoang": ("hoang", "huynh"), "vu": ("vu", "vo")}
_DIGITS = str.maketrans({"1": "l", "0": "o"})

MAX_EDITS = 4  # total OCR-damage units a fuzzy match may need across the whole name


def raw_tokens(text: str) -> list[str]:
    """The word tokens of a name as typed (NFC, look-alike Đ fixed), digits-only words dropped."""
    return [t for t in _TOKEN.findall(repair_marks(text)) if not t.isdigit()]


@lru_cache(maxsize=1 << 16)
def exact_token(tok: str) -> str:
    return canonical(tok).lower()


@lru_cache(maxsize=1 << 16)
def folded_token(tok: str) -> str:
    """Folded, with OCR digits read as the letters they stand for."""
    return fold(tok).replace(" ", "").translate(_DIGITS)


@lru_cache(maxsize=1 << 16)
def skeleton_of_folded(f: str) -> str:
    f = _PAIRS.get(f, f)
    if _Y_FINAL.fullmatch(f):
        f = f[:-1] + "i"
    return f


@lru_cache(maxsize=1 << 16)
def surfaces(skel: str) -> tuple[str, ...]:
    """The folded spellings a skeleton token stands for (itself first)."""
    if skel in _SURFACES_OF_PAIR:
        return _SURFACES_OF_PAIR[skel]
    if _I_FINAL.fullmatch(skel):
        return (skel, skel[:-1] + "y")
    return (skel,)


@dataclass(frozen=True)
class NameKeys:
    """Everything the index stores about one name."""

    display: str  # NFC, as written (whitespace collapsed)
    exact: str  # canonical tone placement, lower case
    folded: str
    skeleton: str
    surname: str  # skeleton of the first token ("" for a one-word name)
    middle: str  # skeletons of the middle tokens, space separated
    given: str  # skeleton of the last token
    tokens: tuple[str, ...]  # skeleton tokens


@lru_cache(maxsize=1 << 16)
def _token_forms(tok: str) -> tuple[str, str, str]:
    f = folded_token(tok)
    return exact_token(tok), f, skeleton_of_folded(f)


def _tokens_of_nfc(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.isdigit()]


@lru_cache(maxsize=1 << 18)
def name_keys(name: str) -> NameKeys | None:
    """Keys of a name, or None when it has no letters."""
    text = repair_marks(name)  # NFC, and a tone OCR'd before the circumflex joined to its letter
    forms = [_token_forms(t) for t in _tokens_of_nfc(text)]
    if not forms:
        return None
    skel = tuple(f[2] for f in forms)
    if len(skel) == 1:
        sur, mid, given = "", "", skel[0]
    else:
        sur, mid, given = skel[0], " ".join(skel[1:-1]), skel[-1]
    return NameKeys(
        display=" ".join(text.split()),
        exact=" ".join(f[0] for f in forms),
        folded=" ".join(f[1] for f in forms),
        skeleton=" ".join(skel),
        surname=sur,
        middle=mid,
        given=given,
        tokens=skel,
    )


@lru_cache(maxsize=1 << 18)
def skeleton_text(text: str | None) -> str:
    """Skeleton tokens of any text (parents' names, communes), space separated."""
    if not text:
        return ""
    return " ".join(_token_forms(t)[2] for t in _tokens_of_nfc(repair_marks(text)))


@lru_cache(maxsize=1 << 12)
def commune_key(text: str | None) -> str:
    """A commune's key: skeleton without the unit word (xã, phường, thị trấn)."""
    s = skeleton_text(text)
    for prefix in ("thi tran ", "xa ", "phuong ", "tt "):
        if s.startswith(prefix):
            return s[len(prefix) :]
    return s


# -- OCR-damage distance ----------------------------------------------------------------------------


def token_limit(q: str) -> int:
    """How many damage units a typed (folded) token may be away from a match."""
    return 2 if len(q) <= 3 else 3 if len(q) <= 5 else 4


def raw_cost(a: str, b: str) -> int:
    """Damage units between two folded tokens (indel distance; ``tr``↔``u`` at the start is one)."""
    c = Indel.distance(a, b)
    if c > 1:
        if a[:1] == "u" and b[:2] == "tr":
            c = min(c, 1 + Indel.distance(a[1:], b[2:]))
        elif b[:1] == "u" and a[:2] == "tr":
            c = min(c, 1 + Indel.distance(a[2:], b[1:]))
    return c


def token_cost(q: str, skel: str) -> int | None:
    """Damage units from the typed folded token ``q`` to the skeleton token ``skel``; None: too far."""
    if skeleton_of_folded(q) == skel:
        return 0
    limit = token_limit(q)
    best = min(raw_cost(q, s) for s in surfaces(skel))
    return best if best <= limit else None


def strip_marks(text: str) -> str:
    """Remove every combining mark (for tests and generators)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")

"""What a clerk asks for: a name, and optionally a birth date or year, the parents' names, the
register type, the registration year and the commune.

:func:`parse_query` reads the free-text form the search box and ``sohoa search`` take::

    nguyen van an 1990                      name + birth year
    Trần Thị Thuỷ 02/7/1990                 name + birth date
    le thi hoa me: nguyen thi lan cha: le van ba loai: khai sinh nam: 2015 xa: cat thanh

Keys (with or without diacritics, before a colon): ``sinh``/``born``/``ns`` (birth date or
year), ``mẹ``/``me``/``mother``, ``cha``/``bố``/``father``, ``loại``/``type``, ``năm``/``year``
(registration year), ``xã``/``phường``/``commune``. A bare 4-digit year or a date outside any key
is the birth date/year. The rest is the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from indexer.people.keys import (
    commune_key,
    exact_token,
    folded_token,
    raw_tokens,
    skeleton_of_folded,
    skeleton_text,
)
from indexer.vntext import fold, has_marks, nfc

# Register types (the book a record belongs to) and the words people type for them.
REGISTER_TYPES: dict[str, tuple[str, ...]] = {
    "khai_sinh": ("khai sinh", "ks", "birth", "giay khai sinh", "so khai sinh"),
    "ket_hon": ("ket hon", "kh", "marriage", "dang ky ket hon"),
    "khai_tu": ("khai tu", "kt", "death", "chung tu"),
    "hon_nhan": ("tinh trang hon nhan", "xac nhan tinh trang hon nhan", "hon nhan", "xnhn"),
    "chung_thuc": ("chung thuc", "ban sao", "ct"),
    "giam_ho": ("giam ho", "gh"),
    "cha_me_con": ("nhan cha me con", "cmc", "cha me con"),
}


@lru_cache(maxsize=256)
def register_type(text: str | None) -> str | None:
    """The register type key of what was typed (``"Khai sinh"`` → ``khai_sinh``), None if unknown."""
    if not text:
        return None
    t = " ".join(fold(text).replace("_", " ").replace("-", " ").split())
    for key, words in REGISTER_TYPES.items():
        if t == key.replace("_", " ") or t in words:
            return key
    return None


_DATE = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|2100)\b")


def parse_date(text: str | None) -> tuple[date | None, int | None]:
    """A date (``02/7/1990``, ``1990-07-02``) or a year (``1990``): (date or None, year or None)."""
    if not text:
        return None, None
    text = str(text)
    m = _ISO.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DATE.search(text)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            m = _YEAR.search(text)
            return (None, int(m.group(1))) if m else (None, None)
    try:
        return date(y, mo, d), y
    except ValueError:
        return None, y


@dataclass(frozen=True)
class QueryName:
    """The typed name in the forms the matcher needs."""

    typed: str
    exact: str
    folded: str
    skeleton: str
    forms: tuple[str, ...]  # folded tokens (OCR digits read as letters), as typed
    tokens: tuple[str, ...]  # skeleton tokens

    @property
    def surname(self) -> str | None:
        return self.forms[0] if len(self.forms) > 1 else None

    @property
    def marked(self) -> bool:
        """Typed with diacritics: only then can a name match "exactly, diacritics and all"."""
        return has_marks(self.exact)

    @property
    def given(self) -> str:
        return self.forms[-1]

    @property
    def middle(self) -> tuple[str, ...]:
        return self.forms[1:-1] if len(self.forms) > 2 else ()

    @property
    def middle_skeleton(self) -> str:
        return " ".join(self.tokens[1:-1]) if len(self.tokens) > 2 else ""


def query_name(text: str) -> QueryName | None:
    toks = raw_tokens(text)
    if not toks:
        return None
    forms = tuple(folded_token(t) for t in toks)
    if not any(forms):
        return None
    skel = tuple(skeleton_of_folded(f) for f in forms)
    return QueryName(
        typed=" ".join(nfc(text).split()),
        exact=" ".join(exact_token(t) for t in toks),
        folded=" ".join(forms),
        skeleton=" ".join(skel),
        forms=forms,
        tokens=skel,
    )


@dataclass(frozen=True)
class PersonQuery:
    name: str = ""
    born: date | None = None  # full birth date, when known
    born_year: int | None = None
    mother: str | None = None
    father: str | None = None
    register_type: str | None = None  # a key of REGISTER_TYPES (or any stored value)
    year: int | None = None  # registration year
    commune: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def qname(self) -> QueryName | None:
        return query_name(self.name)

    @property
    def mother_skeleton(self) -> str:
        return skeleton_text(self.mother)

    @property
    def father_skeleton(self) -> str:
        return skeleton_text(self.father)

    @property
    def commune_key(self) -> str:
        return commune_key(self.commune)

    def describe(self) -> str:
        parts = [self.name]
        if self.born:
            parts.append(f"sinh {self.born:%d/%m/%Y}")
        elif self.born_year:
            parts.append(f"sinh {self.born_year}")
        if self.mother:
            parts.append(f"mẹ {self.mother}")
        if self.father:
            parts.append(f"cha {self.father}")
        if self.register_type:
            parts.append(f"sổ {self.register_type}")
        if self.year:
            parts.append(f"năm {self.year}")
        if self.commune:
            parts.append(f"xã {self.commune}")
        return ", ".join(p for p in parts if p)


_KEYS = {
    "sinh": "born",
    "ns": "born",
    "born": "born",
    "ngay sinh": "born",
    "nam sinh": "born",
    "me": "mother",
    "mother": "mother",
    "ten me": "mother",
    "cha": "father",
    "bo": "father",
    "father": "father",
    "ten cha": "father",
    "loai": "type",
    "type": "type",
    "so": "type",
    "nam": "year",
    "year": "year",
    "nam dang ky": "year",
    "xa": "commune",
    "phuong": "commune",
    "commune": "commune",
}
_KEY_RE = re.compile(r"(?:^|(?<=\s))([^\W\d_]+(?:\s[^\W\d_]+)?)\s*:", re.UNICODE)


def _split_keys(text: str) -> tuple[str, dict[str, str]]:
    """Split ``name key: value key: value`` into the free part and the keyed values."""
    spans: list[tuple[int, int, str]] = []
    for m in _KEY_RE.finditer(text):
        raw = m.group(1)
        key = _KEYS.get(" ".join(fold(raw).split()))
        if key is None and " " in raw:  # "an me:" → key "me", "an" belongs to the name
            last = raw.split()[-1]
            key = _KEYS.get(fold(last))
            if key is not None:
                spans.append((m.start(1) + raw.rfind(last), m.end(), key))
                continue
        if key is not None:
            spans.append((m.start(1), m.end(), key))
    if not spans:
        return text, {}
    free = text[: spans[0][0]]
    values: dict[str, str] = {}
    for i, (_, end, key) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        values[key] = text[end:stop].strip(" ,;")
    return free, values


def parse_query(text: str, **given: Any) -> PersonQuery:
    """Read a free-text query; keyword arguments (``born=``, ``mother=`` …) override it."""
    text = nfc(text or "")
    free, keyed = _split_keys(text)
    free_text = " ".join(free.split())
    born_d, born_y = parse_date(keyed.get("born"))
    if born_y is None:
        born_d, born_y = parse_date(free)
    # Whatever date or year was in the free part is not part of the name.
    free = _ISO.sub(" ", free)
    free = _DATE.sub(" ", free)
    free = _YEAR.sub(" ", free)
    name = " ".join(t for t in raw_tokens(free))
    _, reg_year = parse_date(keyed.get("year"))
    q = PersonQuery(
        name=name,
        born=born_d,
        born_year=born_y,
        mother=keyed.get("mother") or None,
        father=keyed.get("father") or None,
        register_type=register_type(keyed.get("type")) or (keyed.get("type") or None),
        year=reg_year,
        commune=keyed.get("commune") or None,
        extra={"free": free_text},
    )
    overrides = {k: v for k, v in given.items() if v not in (None, "")}
    if "born" in overrides:
        b = overrides.pop("born")
        d, y = (b, b.year) if isinstance(b, date) else parse_date(str(b))
        overrides["born"], overrides["born_year"] = d, y
    if "register_type" in overrides:
        rt = str(overrides["register_type"])
        overrides["register_type"] = register_type(rt) or rt
    if "year" in overrides and not isinstance(overrides["year"], int):
        overrides["year"] = parse_date(str(overrides["year"]))[1]
    return replace(q, **overrides) if overrides else q

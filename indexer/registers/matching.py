"""How well a register entry answers a dossier document — pure scoring, no database.

A document's fields become a :class:`FilingQuery` (the book it belongs in, the number it carries,
its people with birth dates and parents). An entry becomes a :class:`Candidate`. :func:`score`
adds the evidence, each item a weight in log-odds style:

========================  ==========================================================
number (same book)        same số +5; one OCR digit confusion away +2.5; other −2
main name                 same letters with diacritics +4.2; same without +3.6; each OCR damage
                          unit (``indexer.people.keys.token_cost``: dropped letter, ``tr``→``ư`` 1,
                          wrong letter 2; a missing/extra middle name 1.5) −1.2; too far −6
birth date                same +4; one digit confusion (0/8/6, 1/7, 5/6, 9/0) or day/month swap
                          +2; same year only +0.3; other −3.5. A year alone: same +1.5, else −2.5
mother / father           same letters +2.5 / +2; within OCR damage +1.5 / +1.2; other −2 / −1.2
registration date         same +2; one confusion +1; other −1.5
sex                       different −1.5
========================  ==========================================================

An entry is linked automatically only when its total is at least :data:`AUTO_MIN`, beats the
runner-up by :data:`AUTO_MARGIN`, its name agrees (``≤ AUTO_NAME_EDITS`` damage units), and a second,
independent item agrees too: the birth date (or, for a marriage, both spouses) and a parent, the
number or the registration date. Everything else stays a proposal for a clerk.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from indexer.fields.correct import digit_variants
from indexer.people.keys import folded_token, raw_tokens, skeleton_of_folded, token_cost
from indexer.registers.model import norm_so, norm_volume, parse_date, parse_year
from indexer.registers.vocabulary import NAME, BookType, Role, book_type_of_document
from indexer.vntext import canonical_key, fold, repair_marks

AUTO_MIN = 10.0
AUTO_MARGIN = 4.0
AUTO_NAME_EDITS = 2.0
PROPOSE_MIN = 3.0
KEEP = 5  # proposals kept per document


@dataclass(frozen=True)
class QPerson:
    role: str
    name: str
    birth: date | None = None
    birth_year: int | None = None
    mother: str | None = None
    father: str | None = None


@dataclass
class FilingQuery:
    book_type: BookType
    doc_types: tuple[str, ...]
    people: list[QPerson]
    so: str | None = None
    volume: str | None = None
    reg_date: date | None = None
    reg_year: int | None = None
    sex: str | None = None
    commune: str | None = None
    new_registration: bool = False  # a declaration (tờ khai): its entry may not exist yet

    @property
    def usable(self) -> bool:
        return bool(self.so or any(p.name for p in self.people))


@dataclass
class Candidate:
    entry_id: int
    book_year: int
    volume: str
    so: str | None
    people: dict[str, QPerson]  # role → person
    reg_date: date | None = None
    sex: str | None = None


@dataclass
class Scored:
    entry_id: int
    total: float
    reasons: list[str] = field(default_factory=list)
    name_edits: float = 99.0
    strong: bool = False  # a second independent item agrees (see the module doc)

    @property
    def score(self) -> float:
        """The total as 0..1 for display."""
        return round(1 / (1 + math.exp(-(self.total - AUTO_MIN + 2) / 2.0)), 3)


# -- from a document's fields -------------------------------------------------------------------


def query_from_fields(fields: Iterable[tuple[str, str, str]]) -> FilingQuery | None:
    """``fields``: (doc type, field id, value) of a document's pages, clerk-confirmed values first.
    None when the document does not belong in a register (or names nothing to look for)."""
    by_type: dict[str, dict[str, str]] = {}
    for doc_type, fid, value in fields:
        if value and value.strip():
            by_type.setdefault(doc_type, {}).setdefault(fid, value.strip())
    bt = None
    types: list[str] = []
    for doc_type in by_type:
        t = book_type_of_document(doc_type)
        if t is not None and (bt is None or t.id == bt.id):
            bt = t
            types.append(doc_type)
    if bt is None:
        return None
    f: dict[str, str] = {}
    # Certificates and extracts (they carry the book's number) before declarations.
    for doc_type in sorted(types, key=lambda d: d.startswith("to_khai")):
        for fid, v in by_type[doc_type].items():
            f.setdefault(fid, v)
    data: dict[str, str] = {}
    for fid, v in f.items():
        key = bt.fields.get(fid)
        if key and key not in data:
            data[key] = v
    for k, v in data.items():  # a mark OCR'd out of order must not split a name in two
        spec = bt.key(k)
        if spec is not None and spec.kind == NAME:
            data[k] = repair_marks(v)
    people = []
    for role in main_roles(bt):
        name = data.get(role.name, "")
        if not name:
            continue
        b = data.get(role.birth) if role.birth else None
        people.append(
            QPerson(
                role.role,
                name,
                parse_date(b),
                parse_year(b),
                data.get(role.mother) if role.mother else None,
                data.get(role.father) if role.father else None,
            )
        )
    reg = parse_date(data.get("ngayDangKy"))
    sex_key = next((k.key for k in bt.keys if k.key.endswith("GioiTinh")), None)
    q = FilingQuery(
        book_type=bt,
        doc_types=tuple(types),
        people=people,
        so=norm_so(data.get("so")),
        volume=norm_volume(data["quyenSo"]) if data.get("quyenSo") else None,
        reg_date=reg,
        reg_year=reg.year if reg else parse_year(data.get("ngayDangKy")),
        sex=fold(data[sex_key]) if sex_key and data.get(sex_key) else None,
        commune=data.get("noiDangKy"),
        new_registration=all(t in bt.new_doc_types for t in types),
    )
    return q if q.usable else None


def main_roles(bt: BookType) -> tuple[Role, ...]:
    """The people an entry is looked up by: both spouses of a marriage, else the entry's own person
    (the child, the deceased …); parents count through the main person."""
    return bt.people[:2] if bt.id == "ket_hon" else bt.people[:1]


def candidate_people(bt: BookType, data: dict[str, str]) -> dict[str, QPerson]:
    out = {}
    for role in bt.people:
        name = data.get(role.name, "")
        if not name:
            continue
        b = data.get(role.birth) if role.birth else None
        out[role.role] = QPerson(
            role.role,
            name,
            parse_date(b),
            parse_year(b),
            data.get(role.mother) if role.mother else None,
            data.get(role.father) if role.father else None,
        )
    return out


# -- names ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _forms(name: str) -> tuple[tuple[str, ...], str, str]:
    toks = raw_tokens(name)
    folded = tuple(folded_token(t) for t in toks)
    return folded, " ".join(folded), canonical_key(" ".join(toks))


@lru_cache(maxsize=1 << 16)
def name_edits(a: str, b: str) -> float:
    """OCR-damage units between two names (see the module doc); 0 = the same letters."""
    fa, ja, _ = _forms(a)
    fb, jb, _ = _forms(b)
    if not fa or not fb:
        return 99.0
    if ja == jb:
        return 0.0
    sa = tuple(skeleton_of_folded(t) for t in fa)
    sb = tuple(skeleton_of_folded(t) for t in fb)
    if sa == sb:
        return 0.0
    # Surname with surname and given name with given name, always: a far one ends it here.
    for i, j in ((0, 0), (len(fa) - 1, len(fb) - 1)):
        if token_cost(fa[i], sb[j]) is None and token_cost(fb[j], sa[i]) is None:
            return 99.0
    n, m = len(fa), len(fb)
    inf = 99.0
    gap = 1.5
    dp = [[inf] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            cur = dp[i][j]
            if cur >= inf:
                continue
            if i < n and j < m:
                c = token_cost(fa[i], sb[j])
                c2 = token_cost(fb[j], sa[i])
                best = min(x for x in (c, c2, 99) if x is not None)
                if best < 99:
                    dp[i + 1][j + 1] = min(dp[i + 1][j + 1], cur + best)
            # a middle name one side lacks (never the surname or the given name)
            if i < n and 0 < i < n - 1:
                dp[i + 1][j] = min(dp[i + 1][j], cur + gap)
            if j < m and 0 < j < m - 1:
                dp[i][j + 1] = min(dp[i][j + 1], cur + gap)
    return dp[n][m]


def _exact(a: str, b: str) -> bool:
    return _forms(a)[2] == _forms(b)[2]


# -- digits ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def digit_confusions(text: str) -> frozenset[str]:
    """Every string one Tesseract digit confusion away (the text itself excluded)."""
    return frozenset(v for v, n in digit_variants(text, 1) if n == 1)


def year_variants(year: int | None) -> list[int]:
    if year is None:
        return []
    out = {year}
    for v in digit_confusions(str(year)):
        y = int(v)
        if 1880 <= y <= 2100:
            out.add(y)
    return sorted(out)


def so_variants(so: str | None) -> list[str]:
    if not so:
        return []
    out = {so}
    for v in digit_confusions(so):
        k = norm_so(v)
        if k:
            out.add(k)
    return sorted(out)


def date_variants(d: date) -> list[date]:
    """The date and every date one Tesseract digit confusion (or a day/month swap) away."""
    out = {d}
    for v in digit_confusions(f"{d:%d%m%Y}"):
        try:
            x = date(int(v[4:]), int(v[2:4]), int(v[:2]))
        except ValueError:
            continue
        if 1880 <= x.year <= 2100:
            out.add(x)
    if d.day <= 12 and d.day != d.month:
        out.add(date(d.year, d.day, d.month))
    return sorted(out)


def _date_close(a: date, b: date) -> bool:
    sa, sb = f"{a:%d%m%Y}", f"{b:%d%m%Y}"
    if sb in digit_confusions(sa) or sa in digit_confusions(sb):
        return True
    return a.year == b.year and a.day == b.month and a.month == b.day


# -- the score ------------------------------------------------------------------------------------


def _name_part(q: str, c: str, w_same: float, w_near: float, w_other: float) -> tuple[float, str]:
    e = name_edits(q, c)
    if e == 0:
        return w_same, "khớp"
    if e <= 2:
        return w_near, "gần đúng"
    return w_other, "khác"


def _birth_part(q: QPerson, c: QPerson) -> tuple[float, str, bool]:
    if q.birth and c.birth:
        if q.birth == c.birth:
            return 4.0, "ngày sinh khớp", True
        if _date_close(q.birth, c.birth):
            return 2.0, "ngày sinh gần khớp (lỗi chữ số)", True
        if q.birth.year == c.birth.year:
            return 0.3, "cùng năm sinh", False
        return -3.5, "ngày sinh khác", False
    qy, cy = q.birth_year, c.birth_year
    if qy and cy:
        if qy == cy:
            return 1.5, "năm sinh khớp", False
        if str(cy) in digit_confusions(str(qy)):
            return 0.5, "năm sinh gần khớp", False
        return -2.5, "năm sinh khác", False
    return 0.0, "", False


def score(q: FilingQuery, c: Candidate) -> Scored:
    s = Scored(c.entry_id, 0.0)
    why = s.reasons
    second = False
    # the number in the book
    if q.so and c.so:
        same_book = (q.volume is None or q.volume == c.volume) and (q.reg_year is None or q.reg_year == c.book_year)
        if same_book and (q.volume is not None or q.reg_year is not None):
            if q.so == c.so:
                s.total += 5.0
                why.append(f"đúng số {c.so}")
                second = True
            elif c.so in so_variants(q.so):
                s.total += 2.5
                why.append(f"số {q.so} gần với {c.so} (lỗi chữ số)")
            else:
                s.total -= 2.0
    # the people
    edits = []
    births_ok = []
    for qp in q.people:
        cp = c.people.get(qp.role)
        if cp is None:
            continue
        e = name_edits(qp.name, cp.name)
        edits.append(e)
        if e == 0:
            pts = 4.2 if _exact(qp.name, cp.name) else 3.6
            why.append(f"tên {cp.name} khớp" + ("" if pts > 4 else " (không dấu)"))
        elif e < 90:
            pts = 3.6 - 1.2 * e
            why.append(f"tên gần đúng ({e:g} lỗi)")
        else:
            pts = -6.0
        s.total += max(pts, -6.0)
        b, text, ok = _birth_part(qp, cp)
        s.total += b
        if text:
            why.append(text)
        births_ok.append(ok)
        for attr, w_same, w_near, w_other, label in (
            ("mother", 2.5, 1.5, -2.0, "mẹ"),
            ("father", 2.0, 1.2, -1.2, "cha"),
        ):
            qv, cv = getattr(qp, attr), getattr(cp, attr)
            if qv and cv:
                pts, how = _name_part(qv, cv, w_same, w_near, w_other)
                s.total += pts
                why.append(f"tên {label} {how}")
                if pts > 0:
                    second = True
    if q.people and not edits:
        s.total -= 6.0
    s.name_edits = max(edits) if edits else 99.0
    if q.reg_date and c.reg_date:
        if q.reg_date == c.reg_date:
            s.total += 2.0
            why.append("ngày đăng ký khớp")
            second = True
        elif _date_close(q.reg_date, c.reg_date):
            s.total += 1.0
        else:
            s.total -= 1.5
    if q.sex and c.sex and q.sex != c.sex:
        s.total -= 1.5
        why.append("giới tính khác")
    birth_ok = bool(births_ok) and all(births_ok)
    two_people = len(edits) >= 2
    s.strong = (birth_ok and (second or two_people)) or (
        second and any("đúng số" in w for w in why) and bool(edits) and s.name_edits == 0
    )
    return s


def _plausible(q: FilingQuery, c: Candidate) -> bool:
    """Cheap first look: some main name within reach, or the same number."""
    if q.so and c.so == q.so:
        return True
    for qp in q.people:
        cp = c.people.get(qp.role)
        if cp is not None and name_edits(qp.name, cp.name) < 90:
            return True
    return not q.people


def rank(q: FilingQuery, cands: Sequence[Candidate]) -> list[Scored]:
    """Candidates best first (those whose names are far off and whose number differs are left out)."""
    return sorted((score(q, c) for c in cands if _plausible(q, c)), key=lambda x: (-x.total, x.entry_id))


def merge(a: Sequence[Scored], b: Sequence[Scored]) -> list[Scored]:
    """Two rankings as one, best first (the same order :func:`rank` gives)."""
    return sorted([*a, *b], key=lambda x: (-x.total, x.entry_id))


def auto_link(ranked: Sequence[Scored]) -> Scored | None:
    """The entry to link without asking, or None."""
    if not ranked:
        return None
    top = ranked[0]
    runner = ranked[1].total if len(ranked) > 1 else -99.0
    if top.total >= AUTO_MIN and top.total - runner >= AUTO_MARGIN and top.name_edits <= AUTO_NAME_EDITS and top.strong:
        return top
    return None

"""Invented people and the values a clerk or a vendor's software prints for them.

Guarantees: every person is invented (names from ``bench.namegen``; ~15 % get a rare given name
made of a real syllable taken from a commune name); places are real units from
``bench.formgen.places``; personal ID numbers follow the 12-digit structure (province code,
century/sex digit, birth year, 6 random digits) and agree with the person's sex and birth year.
Every value is NFC. Dates are returned in the style asked for (``dd/mm/yyyy``, ``d/m/yyyy``,
``yyyy-mm-dd``, ``dd.mm.yyyy``, in words). Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from bench.formgen import places
from bench.namegen import NameGen

DOC_TYPES_YAML = Path(__file__).resolve().parents[3] / "shared" / "domain" / "doc_types.yaml"

UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=1)
def catalogue() -> dict:
    return yaml.safe_load(DOC_TYPES_YAML.read_text(encoding="utf-8"))


def ethnicities() -> list[str]:
    enums = catalogue()["enums"]
    # the catalogue's spellings plus the aliases seen on forms ("Khmer", "H'Mông"), not the slur "Mèo"
    return list(enums["dan_toc_examples"]) + [a for a in enums["dan_toc_aliases"] if a != "Mèo"]


def two_digits_words(n: int, rng: random.Random) -> str:
    """0..99 in words, with the spoken variants (mốt, tư/bốn, lăm/nhăm)."""
    if n < 10:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{UNITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm" if tens == 1 or rng.random() < 0.8 else "nhăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    elif unit == 4 and tens > 1:
        tail = "tư" if rng.random() < 0.6 else "bốn"
    else:
        tail = UNITS[unit]
    return f"{head} {tail}"


def year_words(y: int, rng: random.Random, thousand: str = "nghìn", zero_ten: str = "linh") -> str:
    th, rest = divmod(y, 1000)
    out = f"{UNITS[th]} {thousand}"
    hundreds, r = divmod(rest, 100)
    if hundreds == 0 and r == 0:
        return out
    out += f" {UNITS[hundreds]} trăm"
    if r == 0:
        return out
    if r < 10:
        return f"{out} {zero_ten} {UNITS[r]}"
    return f"{out} {two_digits_words(r, rng)}"


def date_words(d: date, rng: random.Random, style: str = "modern") -> str:
    """``Ngày mười bảy tháng hai năm hai nghìn không trăm hai mươi hai``; ``old`` style:
    ``Ngày hai, tháng bảy, năm một ngàn chín trăm chín mươi`` (commas, ngàn, lẻ, mồng)."""
    day = two_digits_words(d.day, rng)
    if d.day <= 10 and (style == "old" or rng.random() < 0.3):
        day = f"{rng.choice(['mồng', 'mùng'])} {day}"
    month = "giêng" if d.month == 1 and rng.random() < 0.3 else two_digits_words(d.month, rng)
    if style == "old":
        return f"Ngày {day}, tháng {month}, năm {year_words(d.year, rng, 'ngàn', 'lẻ')}"
    return f"Ngày {day} tháng {month} năm {year_words(d.year, rng, 'nghìn', rng.choice(['linh', 'lẻ']))}"


def fmt_date(d: date, style: str) -> str:
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_short":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "long":
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    raise ValueError(f"unknown date style {style!r}")


def rand_date(rng: random.Random, start: date, end: date) -> date:
    span = max(0, (end - start).days)
    return start + timedelta(days=rng.randint(0, span))


def personal_id(rng: random.Random, province_code: str, male: bool, birth: date) -> str:
    century = 0 if birth.year < 2000 else 2
    return f"0{province_code}{century + (0 if male else 1)}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"


def phone(rng: random.Random) -> str:
    return rng.choice(["03", "05", "07", "08", "09"]) + f"{rng.randint(0, 99_999_999):08d}"


@dataclass
class Person:
    name: str  # mixed case, as in a signature line
    male: bool
    birth: date
    ethnicity: str
    nationality: str
    unit: places.Unit
    residence: str
    pid: str
    id_issued: date

    @property
    def upper(self) -> str:
        return self.name.upper()


@dataclass
class Maker:
    """Makes people and values for one page; all randomness from ``rng``."""

    rng: random.Random
    title_units: bool = False  # addresses print "Xã …, Huyện …, Tỉnh …"
    legacy: bool = True  # units before 1 July 2025 (with districts) or after (34 provinces, no district)
    names: NameGen = field(init=False)

    def __post_init__(self) -> None:
        self.names = NameGen(self.rng.randint(0, 2**31))
        self.names.rng = self.rng  # one stream: the page seed decides everything

    def full_name(self, male: bool, surname: str | None = None) -> str:
        name = self.names.full_name(male, surname)
        if self.rng.random() < 0.15:  # rare given name: a real syllable seldom used as a name
            words = name.split()
            words[-1] = self.rng.choice(rare_syllables())
            name = " ".join(words)
        return nfc(name)

    def person(
        self,
        male: bool,
        born: tuple[date, date],
        unit: places.Unit | None = None,
        surname: str | None = None,
        doc_date: date | None = None,
    ) -> Person:
        r = self.rng
        u = unit or places.pick_unit(r, legacy=self.legacy)
        birth = rand_date(r, *born)
        eth = "Kinh" if r.random() < 0.7 else r.choice(ethnicities())
        issued_from = max(birth + timedelta(days=14 * 365), date(2016, 1, 1))
        issued = rand_date(r, issued_from, max(issued_from, (doc_date or date(2025, 6, 1)) - timedelta(days=30)))
        return Person(
            name=self.full_name(male, surname),
            male=male,
            birth=birth,
            ethnicity=eth,
            nationality="Việt Nam",
            unit=u,
            residence=u.address(places.hamlet(r, u), title=self.title_units),
            # an ID number keeps the (old) province code it was issued with
            pid=personal_id(r, (u if u.legacy else places.pick_unit(r, True)).province_code, male, birth),
            id_issued=issued,
        )

    def id_doc(self, p: Person, style: str, date_style: str = "dmy") -> str:
        """The text of a ``Giấy tờ tùy thân`` line in one of the styles seen on forms."""
        d = fmt_date(p.id_issued, date_style)
        if style == "cccd_short":
            return f"CCCD số {p.pid}, cấp ngày {d}"
        if style == "the_can_cuoc":
            return f"Thẻ căn cước số {p.pid}, cấp ngày {d}"
        if style == "cccd_issuer":
            return f"Căn cước công dân số {p.pid} do Cục Cảnh sát QLHC về TTXH cấp ngày {d}"
        if style == "the_cccd_issuer":
            return f"Thẻ CCCD số {p.pid} do Cục Cảnh sát QLHC về TTXH cấp ngày {d}"
        if style == "cmnd":
            cmnd = f"{self.rng.randint(10, 38):02d}{self.rng.randint(0, 9_999_999):07d}"
            return f"CMND số {cmnd} do Công an {p.unit.province_lc} cấp ngày {d}"
        if style == "number_only":
            return f"{p.pid}, cấp ngày {d}"
        if style == "passport":
            return f"Hộ chiếu số C{self.rng.randint(0, 9_999_999):07d} do Cục Quản lý xuất nhập cảnh cấp ngày {d}"
        raise ValueError(f"unknown id style {style!r}")

    def birth_place(self, unit: places.Unit) -> str:
        r = self.rng
        x = r.random()
        if x < 0.35:
            return f"Bệnh viện Đa khoa {unit.province_lc}"
        if x < 0.55 and unit.district_lc:
            return f"Trung tâm Y tế {unit.district_lc}"
        if x < 0.75:
            return f"Trạm Y tế {unit.ward_lc}"
        return unit.address(title=self.title_units)

    def death_place(self, p: Person) -> str:
        r = self.rng
        x = r.random()
        if x < 0.4:
            return f"Tại nhà, {p.residence}" if r.random() < 0.5 else p.residence
        if x < 0.7 and p.unit.district_lc:
            return f"Trung tâm Y tế {p.unit.district_lc}"
        return f"Bệnh viện Đa khoa {p.unit.province_lc}"


@lru_cache(maxsize=1)
def rare_syllables() -> list[str]:
    common = {"Xã", "Phường", "Thị", "Trấn", "Tân", "An"}
    return [s for s in places.syllables() if s not in common]


RELATIONSHIPS_BIRTH = ["Mẹ", "Cha", "Bà", "Ông", "Chị", "Anh"]
RELATIONSHIPS_DEATH = ["Vợ", "Chồng", "Con", "Con trai", "Con gái", "Cháu", "Em", "Anh"]
DEATH_CAUSES = [
    "Tai biến mạch máu não",
    "Già yếu",
    "Bệnh tim",
    "Suy hô hấp",
    "Nhồi máu cơ tim",
    "Ung thư phổi",
    "Tai nạn giao thông",
    "Bệnh già",
    "Suy đa tạng",
]
REQUESTS = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Đăng ký khai tử",
    "Cấp bản sao trích lục hộ tịch",
    "Cấp Giấy xác nhận tình trạng hôn nhân",
    "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
]
MARRIAGE_COUNTS = ["Lần đầu", "01", "1", "Lần thứ hai", "02", "Lần thứ nhất"]
